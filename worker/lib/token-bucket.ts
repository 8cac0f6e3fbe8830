export type RequestLimit = { name: string; perSecond: number; burst: number };
/** A request limit's verdict: wait this long (0: a token was taken), and what is left. */
export type LimitCheck = { waitMs: number; remaining: number; resetSeconds: number };
type Bucket = { tokens: number; at: number };

/** Token buckets by key, each `burst` deep and refilled at `perSecond`; kept in memory. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes a token now (0), or says how many milliseconds until one is free. */
  take(key: string, perSecond: number, now: number, burst = perSecond): number {
    return this.book(key, perSecond, now, 0, burst);
  }

  /**
   * Takes a token now (0), or books the next one when it comes free within `withinMs`: the
   * caller's turn is the wait returned, and the next caller's comes after it, so callers side by
   * side queue up instead of racing for each token. A longer wait books nothing.
   */
  book(key: string, perSecond: number, now: number, withinMs: number, burst = perSecond): number {
    const capacity = Math.max(1, burst);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    const waitMs = tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / perSecond) * 1000);
    this.buckets.set(key, { tokens: waitMs <= withinMs ? tokens - 1 : tokens, at: now });
    return waitMs;
  }

  /** Milliseconds until `key` has a token, taking none. */
  peek(key: string, perSecond: number, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const tokens = Math.min(
      Math.max(1, perSecond),
      bucket.tokens + ((now - bucket.at) / 1000) * perSecond,
    );
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / perSecond) * 1000);
  }

  /** For request limits: takes a token, with what is left for RateLimit headers. */
  check(key: string, limit: Pick<RequestLimit, "perSecond" | "burst">, now: number): LimitCheck {
    const waitMs = this.take(key, limit.perSecond, now, limit.burst);
    const left = Math.floor(this.buckets.get(key)?.tokens ?? 0);
    const resetMs = Math.ceil(((limit.burst - left) / limit.perSecond) * 1000);
    return { waitMs, remaining: waitMs > 0 ? 0 : left, resetSeconds: Math.ceil(resetMs / 1000) };
  }
}
