/**
 * Works through `items`: those with the same key one after another, in their order; different
 * keys side by side, at most `lanes` at once. A failing item is `work`'s to handle: it must not throw.
 */
export async function inOrderPerKey<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  lanes: number,
  work: (item: T) => Promise<void>,
) {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const waiting = [...groups.values()];
  const lane = async () => {
    for (let group = waiting.shift(); group; group = waiting.shift())
      for (const item of group) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, waiting.length) }, lane));
}
