import type { ComponentChildren } from "preact";

/** What the composer's caret is in: a `/shortcut` or an `@name` being typed, and where it starts. */
export type Trigger = { kind: "snippet" | "mention"; query: string; start: number };

/** The `/word` or `@name` right before the caret, if any (mentions only in notes). */
export function triggerAt(text: string, caret: number, note: boolean): Trigger | null {
  const before = text.slice(0, caret);
  const snippet = /(^|\s)\/([\w-]*)$/.exec(before);
  if (snippet)
    return {
      kind: "snippet",
      query: snippet[2] ?? "",
      start: caret - (snippet[2] ?? "").length - 1,
    };
  if (!note) return null;
  const mention = /(^|\s)@([\p{L}\p{N}._-]*)$/u.exec(before);
  if (mention)
    return {
      kind: "mention",
      query: mention[2] ?? "",
      start: caret - (mention[2] ?? "").length - 1,
    };
  return null;
}

/** A listbox under the composer, driven from the textarea's keys (arrows, Enter/Tab, Esc). */
export function Suggestions<T>({
  id,
  label,
  items,
  active,
  onPick,
  onHover,
  render,
  empty,
}: {
  id: string;
  label: string;
  items: T[];
  active: number;
  onPick: (item: T) => void;
  onHover: (index: number) => void;
  render: (item: T) => ComponentChildren;
  empty?: string;
}) {
  return (
    <div class="suggestions" id={id}>
      <p class="suggestions-title">{label}</p>
      {items.length === 0 && empty && <p class="suggestions-empty">{empty}</p>}
      {items.length > 0 && (
        <div role="listbox" aria-label={label}>
          {items.map((item, i) => (
            <div
              key={i}
              tabIndex={-1}
              id={`${id}-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? "active" : ""}
              onMouseDown={(e) => {
                e.preventDefault();
                onPick(item);
              }}
              onMouseEnter={() => onHover(i)}
            >
              {render(item)}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
