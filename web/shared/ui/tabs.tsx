import type { ComponentChildren } from "preact";

type Tab = { id: string; label: ComponentChildren };

/** A tab list (roles tablist/tab); arrows move between tabs. The panel is the caller's. */
export function Tabs({
  tabs,
  value,
  onChange,
  label,
}: {
  tabs: Tab[];
  value: string;
  onChange: (id: string) => void;
  label: string;
}) {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const rtl = document.documentElement.dir === "rtl";
    const forward = (event.key === "ArrowRight") !== rtl;
    const at = tabs.findIndex((tab) => tab.id === value);
    const next = tabs[(at + (forward ? 1 : -1) + tabs.length) % tabs.length];
    if (!next) return;
    onChange(next.id);
    (event.currentTarget as HTMLElement)
      .querySelector<HTMLElement>(`[data-tab="${next.id}"]`)
      ?.focus();
  };
  return (
    <div role="tablist" aria-label={label} class="tabs" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          data-tab={tab.id}
          aria-selected={tab.id === value}
          tabIndex={tab.id === value ? 0 : -1}
          onClick={() => onChange(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
