import { useState } from "preact/hooks";

/** Which rows of a list are ticked, for acting on them together. */
export type Selection = { has: (id: string) => boolean; toggle: (id: string) => void };

/** The ticked rows of a list: tick and untick one, clear them all, read them. */
export function useSelection() {
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  return {
    has: (id: string) => ticked.has(id),
    toggle: (id: string) =>
      setTicked((now) => {
        const next = new Set(now);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    clear: () => setTicked(new Set()),
    size: ticked.size,
    ids: () => [...ticked],
  };
}

/** A row's tick box, named after the row for screen readers. */
export function SelectBox({
  id,
  label,
  selection,
  class: className,
}: {
  id: string;
  label: string;
  selection: Selection;
  class?: string;
}) {
  return (
    <input
      type="checkbox"
      class={className}
      aria-label={label}
      checked={selection.has(id)}
      onChange={() => selection.toggle(id)}
    />
  );
}
