import type { ComponentChildren } from "preact";

type CheckboxProps = {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: ComponentChildren;
  hint?: ComponentChildren;
  disabled?: boolean;
  name?: string;
};

/** A checkbox whose label sits right beside it and is part of the click target. */
export function Checkbox({ checked, onChange, label, hint, disabled, name }: CheckboxProps) {
  return (
    <label class="check">
      <input
        type="checkbox"
        name={name}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <span>
        {label}
        {hint && <span class="check-hint">{hint}</span>}
      </span>
    </label>
  );
}

/** An on/off switch (role=switch) with its label. */
export function Switch({ checked, onChange, label, disabled }: Omit<CheckboxProps, "hint">) {
  return (
    <button
      type="button"
      role="switch"
      class="switch"
      aria-checked={checked}
      disabled={disabled}
      onClick={() => onChange(!checked)}
    >
      <span class="track" aria-hidden="true" />
      <span>{label}</span>
    </button>
  );
}
