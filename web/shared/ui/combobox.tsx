import { useId, useMemo, useRef, useState } from "preact/hooks";
import type { Option } from "./field";
import { t } from "./i18n";

type ComboboxProps = {
  options: Option[];
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /**
   * Searches elsewhere (the server) as the person types: `options` are then the answer, shown
   * as given, and `selectedLabel` names a value that is no longer among them.
   */
  onSearch?: (query: string) => void;
  selectedLabel?: string;
  /** set by Field */
  id?: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
  "aria-label"?: string;
};

/** Text folded for matching: lower case, accents dropped (“Éxito” finds “exito”). */
export const fold = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();

/** A searchable select (ARIA combobox + listbox): type to filter, arrows to move, Enter to pick. */
export function Combobox({
  options,
  value,
  onChange,
  placeholder,
  onSearch,
  selectedLabel,
  ...aria
}: ComboboxProps) {
  const listId = useId();
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const open = query !== null;
  const selected = options.find((o) => o.value === value);
  const shown = useMemo(() => {
    if (!query || onSearch) return options.slice(0, 200);
    const q = fold(query);
    return options.filter((o) => fold(o.label).includes(q)).slice(0, 200);
  }, [options, query, onSearch]);
  const search = (next: string | null) => {
    setQuery(next);
    if (next !== null) onSearch?.(next);
  };

  const pick = (option: Option | undefined) => {
    if (option && !option.disabled) onChange(option.value);
    search(null);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return search("");
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i + step + shown.length) % Math.max(shown.length, 1));
    } else if (event.key === "Enter" && open) {
      event.preventDefault();
      pick(shown[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      search(null);
    }
  };

  return (
    <div class="combobox">
      <input
        ref={input}
        class="input"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && shown[active] ? `${listId}-${active}` : undefined}
        autocomplete="off"
        placeholder={placeholder ?? t("common.search")}
        value={open ? query : (selected?.label ?? (value ? selectedLabel : "") ?? "")}
        onFocus={() => {
          search("");
          setActive(Math.max(0, options.indexOf(selected as Option)));
        }}
        onInput={(e) => {
          search(e.currentTarget.value);
          setActive(0);
        }}
        onBlur={() =>
          // closes after a pick's mousedown has landed, unless focus came back meanwhile
          setTimeout(() => document.activeElement !== input.current && search(null), 120)
        }
        onKeyDown={onKeyDown}
        {...aria}
      />
      {open && (
        <div id={listId} role="listbox" class="listbox">
          {shown.length === 0 && <div class="muted">{t("common.noMatches")}</div>}
          {shown.map((o, i) => (
            <div
              key={o.value}
              tabIndex={-1}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={o.value === value}
              aria-disabled={o.disabled || undefined}
              class={i === active ? "active" : ""}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(o);
                input.current?.blur();
              }}
            >
              {o.label}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
