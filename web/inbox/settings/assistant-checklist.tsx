import { CircleAlert } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";
import { Checkbox, type FieldErrors } from "../../shared/ui";

type Choice = { value: string; label: ComponentChildren; hint?: string };

function ErrorLine({ id, text }: { id?: string; text: string }) {
  return (
    <span id={id} class="field-error" role="alert">
      <CircleAlert size={14} aria-hidden="true" class="icon" />
      {text}
    </span>
  );
}

/**
 * Several choices ticked in a box, sent as an array at `path`: the API's error on the n-th
 * sent value (`path.n`) is shown beside that choice, one on the whole array under the box.
 */
export function Checklist({
  legend,
  hint,
  choices,
  value,
  onChange,
  path,
  errors,
  wording = (message) => message,
  empty,
}: {
  legend: string;
  hint?: string;
  choices: Choice[];
  value: string[];
  onChange: (value: string[]) => void;
  path: string;
  errors: FieldErrors;
  wording?: (message: string) => string | undefined;
  empty?: ComponentChildren;
}) {
  const id = useId();
  const errorAt = (choice: string) => {
    const message = errors[`${path}.${value.indexOf(choice)}`];
    return value.includes(choice) && message ? wording(message) : undefined;
  };
  const whole = errors[path];
  const invalid = Boolean(whole) || choices.some((c) => errorAt(c.value));
  const toggle = (choice: string, on: boolean) =>
    onChange(on ? [...value, choice] : value.filter((v) => v !== choice));
  return (
    <fieldset
      class="checklist"
      aria-invalid={invalid ? "true" : undefined}
      // focusable when wrong, so the form can take the eye to it as it does for other fields
      tabIndex={invalid ? -1 : undefined}
      aria-describedby={hint ? `${id}-hint` : undefined}
    >
      <legend>{legend}</legend>
      {hint && (
        <span id={`${id}-hint`} class="hint">
          {hint}
        </span>
      )}
      <div class="choices">
        {choices.length === 0 && <span class="muted">{empty}</span>}
        {choices.map((choice) => {
          const error = errorAt(choice.value);
          return (
            <div key={choice.value} class="choice" data-invalid={error ? "true" : undefined}>
              <Checkbox
                name={path}
                checked={value.includes(choice.value)}
                onChange={(on) => toggle(choice.value, on)}
                label={choice.label}
                hint={choice.hint}
              />
              {error && <ErrorLine text={error} />}
            </div>
          );
        })}
      </div>
      {whole && <ErrorLine text={whole} />}
    </fieldset>
  );
}
