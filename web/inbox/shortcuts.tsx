import { useEffect, useRef, useState } from "preact/hooks";
import { Dialog, t } from "../shared/ui";

export type ShortcutActions = {
  next: () => void;
  previous: () => void;
  reply: () => void;
  note: () => void;
  assignToMe: () => void;
  close: () => void;
  search: () => void;
  inbox: () => void;
};

/** Typing in a field (or a dialog being open) is never a shortcut. */
function typing(event: KeyboardEvent) {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  if (target.isContentEditable) return true;
  if (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return true;
  return target.closest("dialog[open], [role=menu]") !== null;
}

/** The key that a plain press means, or null when modifiers make it something else. */
function keyOf(event: KeyboardEvent) {
  if (event.ctrlKey || event.metaKey) return null;
  if (event.altKey)
    return event.key === "ArrowDown" ? "next" : event.key === "ArrowUp" ? "previous" : null;
  return event.key;
}

const SINGLE: Record<string, keyof ShortcutActions> = {
  j: "next",
  k: "previous",
  next: "next",
  previous: "previous",
  r: "reply",
  n: "note",
  a: "assignToMe",
  e: "close",
  "/": "search",
};

/** The inbox's keys: j/k, Alt+↓/↑, r, n, a, e, /, g then i; `?` opens the cheat sheet. */
export function useShortcuts(actions: ShortcutActions, openSheet: () => void) {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    let pendingG = 0;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || typing(event)) return;
      const key = keyOf(event);
      if (key === null) return;
      if (key === "?") {
        event.preventDefault();
        return openSheet();
      }
      if (key === "g") {
        pendingG = Date.now();
        return;
      }
      if (key === "i" && Date.now() - pendingG < 1500) {
        pendingG = 0;
        event.preventDefault();
        return latest.current.inbox();
      }
      const action = SINGLE[key];
      if (!action) return;
      event.preventDefault();
      latest.current[action]();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}

/** Keys and what they do; `then` marks a sequence (g then i), otherwise keys are alternatives. */
const SHEET: { keys: string[]; sequence?: boolean; what: () => string }[] = [
  { keys: ["j", "Alt+↓"], what: () => t("inbox.shortcuts.next") },
  { keys: ["k", "Alt+↑"], what: () => t("inbox.shortcuts.previous") },
  { keys: ["r"], what: () => t("inbox.shortcuts.reply") },
  { keys: ["n"], what: () => t("inbox.shortcuts.note") },
  { keys: ["a"], what: () => t("inbox.shortcuts.assignToMe") },
  { keys: ["e"], what: () => t("inbox.shortcuts.close") },
  { keys: ["/"], what: () => t("inbox.shortcuts.search") },
  { keys: ["g", "i"], sequence: true, what: () => t("inbox.shortcuts.inbox") },
  { keys: ["?"], what: () => t("inbox.shortcuts.help") },
];

/** The `?` cheat sheet; the profile menu opens it too (document event "conversa:shortcuts"). */
export function ShortcutsSheet({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title={t("inbox.shortcuts.title")}>
      <dl class="shortcut-sheet">
        {SHEET.map(({ keys, sequence, what }) => (
          <div key={keys.join()} class="shortcut">
            <dt>
              {keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && (
                    <span class="muted">
                      {" "}
                      {sequence ? t("inbox.shortcuts.then") : t("inbox.shortcuts.or")}{" "}
                    </span>
                  )}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{what()}</dd>
          </div>
        ))}
      </dl>
      <p class="muted">{t("inbox.shortcuts.typingHint")}</p>
    </Dialog>
  );
}

/** Whether the cheat sheet is open: `?` and the profile menu's "Keyboard shortcuts" open it. */
export function useShortcutSheet() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const show = () => setOpen(true);
    document.addEventListener("conversa:shortcuts", show);
    return () => document.removeEventListener("conversa:shortcuts", show);
  }, []);
  return { open, show: () => setOpen(true), hide: () => setOpen(false) };
}
