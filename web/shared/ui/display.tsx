import type { ComponentChildren, HTMLAttributes } from "preact";
import { useId } from "preact/hooks";

export type Tone = "neutral" | "primary" | "success" | "warning" | "danger" | "solid";

export function Badge({
  tone = "neutral",
  dot,
  children,
  ...rest
}: {
  tone?: Tone;
  dot?: boolean;
  children: ComponentChildren;
} & HTMLAttributes<HTMLSpanElement>) {
  return (
    <span class={`badge ${tone} ${dot ? "dot" : ""}`} {...rest}>
      {children}
    </span>
  );
}

const AVATAR_COLOURS = [
  "#2f5bea",
  "#0e7c66",
  "#b4460b",
  "#7c3aed",
  "#be185d",
  "#0369a1",
  "#4d7c0f",
];

export const initialsOf = (name: string) =>
  name
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join("") || "?";

function colourOf(name: string) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return AVATAR_COLOURS[Math.abs(hash) % AVATAR_COLOURS.length];
}

/** Initials on a colour derived from the name; an optional presence dot. */
export function Avatar({
  name,
  size = 32,
  presence,
}: {
  name: string;
  size?: number;
  presence?: "online" | "away" | "offline";
}) {
  return (
    <span
      class="avatar"
      aria-hidden="true"
      style={{
        width: `${size}px`,
        height: `${size}px`,
        fontSize: `${size * 0.4}px`,
        background: colourOf(name),
      }}
    >
      {initialsOf(name)}
      {presence && <span class={`presence ${presence}`} />}
    </span>
  );
}

/** A short label shown on hover and keyboard focus, and read as the child's description. */
export function Tooltip({ text, children }: { text: string; children: ComponentChildren }) {
  const id = useId();
  return (
    <span class="tooltip-wrap" aria-describedby={id}>
      {children}
      <span id={id} role="tooltip" class="tooltip">
        {text}
      </span>
    </span>
  );
}

/** What an empty list says: what goes here and how to add the first one. */
export function EmptyState({
  icon,
  title,
  children,
  action,
}: {
  icon?: ComponentChildren;
  title: ComponentChildren;
  children?: ComponentChildren;
  action?: ComponentChildren;
}) {
  return (
    <div class="empty-state">
      {icon && <span class="empty-icon">{icon}</span>}
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

export function Skeleton({
  width = "100%",
  height = 14,
}: {
  width?: number | string;
  height?: number;
}) {
  // Preact 11 sets numbers as they are: lengths need their unit
  const length = (value: number | string) => (typeof value === "number" ? `${value}px` : value);
  return (
    <span
      class="skeleton"
      aria-hidden="true"
      style={{ width: length(width), height: length(height) }}
    />
  );
}

/** Placeholder rows while a list loads; announced once as busy. */
export function SkeletonRows({ rows = 5 }: { rows?: number }) {
  return (
    <div aria-busy="true" style={{ display: "grid", gap: "12px", padding: "16px" }}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} style={{ display: "flex", gap: "12px", alignItems: "center" }}>
          <Skeleton width={32} height={32} />
          <div style={{ flex: 1, display: "grid", gap: "6px" }}>
            <Skeleton width="40%" />
            <Skeleton width="75%" height={12} />
          </div>
        </div>
      ))}
    </div>
  );
}
