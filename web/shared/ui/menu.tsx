import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";

export type MenuItem =
  | { label: ComponentChildren; icon?: ComponentChildren; onSelect: () => void; danger?: boolean }
  | "separator";

type MenuProps = {
  /** renders the trigger; spread `props` onto a Button */
  trigger: (props: Record<string, unknown>) => ComponentChildren;
  items: MenuItem[];
  align?: "start" | "end";
};

/** A menu button: opens on click, Enter or ArrowDown; arrows move, Esc closes. */
export function Menu({ trigger, items, align = "start" }: MenuProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    list.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const outside = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  const move = (event: KeyboardEvent) => {
    const entries = [...(list.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      entries[(at + step + entries.length) % entries.length]?.focus();
    } else if (event.key === "Escape" || event.key === "Tab") {
      setOpen(false);
      wrap.current?.querySelector<HTMLElement>("[aria-haspopup]")?.focus();
    }
  };

  return (
    <div class="menu-wrap" ref={wrap}>
      {trigger({
        "aria-haspopup": "menu",
        "aria-expanded": open,
        "aria-controls": id,
        onClick: () => setOpen(!open),
        onKeyDown: (e: KeyboardEvent) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
          }
        },
      })}
      {open && (
        <div id={id} role="menu" class={`menu align-${align}`} ref={list} onKeyDown={move}>
          {items.map((item, i) =>
            item === "separator" ? (
              <hr key={`s${i}`} />
            ) : (
              <button
                key={i}
                type="button"
                role="menuitem"
                tabIndex={-1}
                class={item.danger ? "danger" : ""}
                onClick={() => {
                  setOpen(false);
                  item.onSelect();
                }}
              >
                {item.icon}
                {item.label}
              </button>
            ),
          )}
        </div>
      )}
    </div>
  );
}
