import { getTableColumns, type Table } from "drizzle-orm";

/** D1 binds at most this many parameters in one statement; past it the statement fails. */
export const D1_MAX_PARAMS = 100;

/**
 * `items` cut into runs small enough for one statement each: `perItem` parameters per item
 * beside `fixed` others (the workspace id, constant IN lists …) stay within D1's limit.
 */
export function chunksFor<T>(items: readonly T[], perItem = 1, fixed = 0): T[][] {
  const size = Math.floor((D1_MAX_PARAMS - fixed) / perItem);
  if (size < 1) throw new Error(`a statement needs ${fixed + perItem} parameters for one item`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** A drizzle query: run by awaiting it, and able to show the parameters it binds. */
type ReadQuery<R> = PromiseLike<R[]> & { toSQL(): { params: unknown[] } };

/**
 * A read over a list of keys (an IN list), one statement per chunk, rows joined in chunk order.
 * The parameters beside the list are counted on the query built for a single key.
 */
export async function readInChunks<K, R>(
  keys: readonly K[],
  read: (chunk: K[]) => ReadQuery<R>,
): Promise<R[]> {
  if (keys.length === 0) return [];
  const fixed = read(keys.slice(0, 1)).toSQL().params.length - 1;
  const results = await Promise.all(chunksFor(keys, 1, fixed).map((chunk) => read(chunk)));
  return results.flat();
}

/** What one row binds in a multi-row insert: drizzle binds every column, defaults included. */
export const paramsPerRow = (table: Table) => Object.keys(getTableColumns(table)).length;

/** Rows for `table` cut into multi-row inserts that each stay within D1's limit. */
export const rowChunks = <R>(table: Table, rows: readonly R[]) =>
  chunksFor(rows, paramsPerRow(table));
