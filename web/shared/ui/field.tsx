import { CircleAlert } from "lucide-preact";
import type {
  ComponentChildren,
  InputHTMLAttributes,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from "preact";
import { cloneElement, isValidElement, type VNode } from "preact";
import { useId } from "preact/hooks";

type FieldProps = {
  label: ComponentChildren;
  /** the message shown under the control, in red, and announced with it */
  error?: string;
  hint?: ComponentChildren;
  /** one input, select or textarea: it gets the id, aria-invalid and aria-describedby */
  children: VNode;
  class?: string;
};

/** A labelled control with its hint and inline error, wired for screen readers. */
export function Field({ label, error, hint, children, class: extra }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const described = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        "aria-invalid": error ? "true" : undefined,
        "aria-describedby": described,
      })
    : children;
  return (
    <div class={`field ${extra ?? ""}`}>
      <label for={id}>{label}</label>
      {control}
      {hint && (
        <span id={hintId} class="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} class="field-error" role="alert">
          <CircleAlert size={14} aria-hidden="true" class="icon" />
          {error}
        </span>
      )}
    </div>
  );
}

export const TextInput = (props: InputHTMLAttributes<HTMLInputElement>) => (
  <input class="input" type="text" {...props} />
);

export const TextArea = (props: TextareaHTMLAttributes<HTMLTextAreaElement>) => (
  <textarea class="textarea" {...props} />
);

export type Option = { value: string; label: string; disabled?: boolean };

/** A styled native select: native keyboard, screen-reader and phone behaviour. */
export function Select({
  options,
  placeholder,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { options: Option[]; placeholder?: string }) {
  return (
    <select class="select" {...props}>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
