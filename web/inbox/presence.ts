/** An agent's presence as the workspace socket announces it (`{type: "presence", …}`). */
export type PresenceChange = { user_id: string; status: "online" | "away" | "offline" };

const listeners = new Set<(change: PresenceChange) => void>();

/** Tells every open picker that someone's presence changed. */
export function presenceChanged(change: PresenceChange) {
  for (const listener of listeners) listener(change);
}

/** Calls `listener` on each presence change until the returned function is called. */
export function onPresence(listener: (change: PresenceChange) => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
