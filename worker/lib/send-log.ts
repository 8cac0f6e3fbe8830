/**
 * Per key, the times of the last `limit` sends: one more goes only once the oldest of them is a
 * second old, so no one-second span ever holds more than `limit` sends, however late the
 * senders' timers fire or however many of them wake at once. Kept in memory.
 */
export class SendLogs {
  private readonly logs = new Map<string, { cap: number; times: number[]; oldest: number }>();

  /** Milliseconds until a send under `key` fits (0: it fits now); nothing is counted. */
  wait(key: string, perSecond: number, now: number): number {
    const log = this.logOf(key, perSecond);
    if (log.times.length < log.cap) return 0;
    return Math.max(0, (log.times[log.oldest] ?? 0) + 1000 - now);
  }

  /** Counts a send under `key` at `now` (after `wait` said it fits). */
  count(key: string, perSecond: number, now: number) {
    const log = this.logOf(key, perSecond);
    if (log.times.length < log.cap) {
      log.times.push(now);
      return;
    }
    log.times[log.oldest] = now;
    log.oldest = (log.oldest + 1) % log.cap;
  }

  /** The key's log, started afresh when its rate changed. */
  private logOf(key: string, perSecond: number) {
    const cap = Math.max(1, Math.floor(perSecond));
    const log = this.logs.get(key);
    if (log?.cap === cap) return log;
    const fresh = { cap, times: [], oldest: 0 };
    this.logs.set(key, fresh);
    return fresh;
  }
}
