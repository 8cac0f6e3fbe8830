import { X } from "lucide-preact";
import { useState } from "preact/hooks";
import { t } from "./i18n";

type ChipsProps = {
  values: string[];
  onChange: (values: string[]) => void;
  placeholder?: string;
  /** set by Field */
  id?: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
};

/** A list of short words as chips: Enter or a comma adds what was typed, × or Backspace removes. */
export function ChipsInput({ values, onChange, placeholder, ...aria }: ChipsProps) {
  const [text, setText] = useState("");
  const add = () => {
    const words = text
      .split(",")
      .map((w) => w.trim())
      .filter((w) => w && !values.includes(w));
    if (words.length) onChange([...values, ...words]);
    setText("");
  };
  return (
    <div class="chips-box" data-invalid={aria["aria-invalid"]}>
      {values.map((value) => (
        <span class="chip" key={value}>
          {value}
          <button
            type="button"
            class="chip-x"
            aria-label={t("common.removeChip", { value })}
            onClick={() => onChange(values.filter((v) => v !== value))}
          >
            <X size={12} aria-hidden="true" />
          </button>
        </span>
      ))}
      <input
        class="chips-input"
        value={text}
        placeholder={values.length ? "" : placeholder}
        onInput={(e) => {
          const typed = e.currentTarget.value;
          if (typed.endsWith(",")) {
            setText(typed);
            queueMicrotask(add);
          } else setText(typed);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            add();
          } else if (e.key === "Backspace" && !text && values.length) onChange(values.slice(0, -1));
        }}
        onBlur={add}
        {...aria}
      />
    </div>
  );
}
