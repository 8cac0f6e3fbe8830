import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the work of one queue batch shares: a batch of broadcast sends or outbound messages reads
 * the same channel, workspace and contact fields once instead of once per message. A batch lasts
 * seconds, so a change made meanwhile shows from the next batch on.
 */
const batches = new AsyncLocalStorage<Map<string, unknown>>();

/** Runs a queue batch's work with its own memo. */
export function inBatch<T>(work: () => Promise<T>): Promise<T> {
  return batches.run(new Map(), work);
}

/** `make()`'s value, made once per batch under `key`; undefined outside a batch. */
export function batchValue<T>(key: string, make: () => T): T | undefined {
  const memo = batches.getStore();
  if (!memo) return undefined;
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as T;
}

/** A read made once per batch (afresh outside one); a failed read is not remembered. */
export function readOncePerBatch<T>(key: string, read: () => Promise<T>): Promise<T> {
  const memo = batches.getStore();
  if (!memo) return read();
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    // a drizzle query runs again on every `then`: the memo holds its one result instead
    value = Promise.resolve(read());
    value.catch(() => memo.delete(key));
    memo.set(key, value);
  }
  return value;
}
