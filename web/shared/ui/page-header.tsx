import type { ComponentChildren } from "preact";

/**
 * A screen's head: its title, one line on what it is for, and its primary action(s). An `icon`
 * stands before the title; `children` are further lines under the description (a warning, say).
 */
export function PageHeader({
  title,
  description,
  actions,
  icon,
  children,
}: {
  title: ComponentChildren;
  description?: ComponentChildren;
  actions?: ComponentChildren;
  icon?: ComponentChildren;
  children?: ComponentChildren;
}) {
  return (
    <header class="page-head">
      <div class="page-title">
        {icon}
        <div>
          <h1>{title}</h1>
          {description && <p>{description}</p>}
          {children}
        </div>
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </header>
  );
}
