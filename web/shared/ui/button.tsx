import type { ButtonHTMLAttributes, ComponentChildren } from "preact";

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: "primary" | "secondary" | "ghost" | "danger";
  size?: "sm" | "md";
  /** an icon element shown before the label */
  icon?: ComponentChildren;
  loading?: boolean;
};

const classes = (...names: (string | false | undefined | null)[]) =>
  names.filter(Boolean).join(" ");

export function Button({
  variant = "secondary",
  size = "md",
  icon,
  loading,
  children,
  class: extra,
  type = "button",
  disabled,
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      class={classes("btn", variant, size === "sm" && "sm", extra as string)}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...rest}
    >
      {loading ? <span class="spinner" aria-hidden="true" /> : icon}
      {children}
    </button>
  );
}

/** A button that shows only an icon: `label` is its accessible name and its tooltip. */
export function IconButton({
  label,
  icon,
  ...rest
}: Omit<ButtonProps, "children" | "icon"> & { label: string; icon: ComponentChildren }) {
  return (
    <Button
      {...rest}
      class={classes("icon-only", rest.class as string)}
      variant={rest.variant ?? "ghost"}
      aria-label={label}
      title={label}
      icon={icon}
    />
  );
}

export { classes };
