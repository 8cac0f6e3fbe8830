import { DurableObject } from "cloudflare:workers";

export type RateLimit = { perSecond: number; perRecipientPerSecond?: number };
type Bucket = { tokens: number; at: number };

/**
 * One per channel: token buckets for the channel as a whole and per recipient, so sends stay
 * under the platform's published limits. `acquire` takes a token now, or says how long to wait.
 */
export class RateLimiter extends DurableObject<Env> {
  private buckets = new Map<string, Bucket>();

  private take(key: string, perSecond: number, now: number, burst = perSecond): number {
    const capacity = Math.max(1, burst);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.buckets.set(key, { tokens, at: now });
    return Math.ceil(((1 - tokens) / perSecond) * 1000);
  }

  /** Milliseconds to wait before sending to `recipient`; 0 means a token was taken. */
  async acquire(limit: RateLimit, recipient: string): Promise<number> {
    const now = Date.now();
    const perRecipient = limit.perRecipientPerSecond;
    if (perRecipient) {
      const key = `to:${recipient}`;
      const bucket = this.buckets.get(key);
      const wait = this.peek(bucket, perRecipient, now);
      if (wait > 0) return wait;
    }
    const wait = this.take("channel", limit.perSecond, now);
    if (wait > 0 || !perRecipient) return wait;
    return this.take(`to:${recipient}`, perRecipient, now);
  }

  /**
   * For request limits: takes a token from `key`'s bucket (`burst` deep, refilled at
   * `perSecond`), or says how long until one is free, with what is left for RateLimit headers.
   */
  async check(key: string, perSecond: number, burst: number) {
    const now = Date.now();
    const waitMs = this.take(key, perSecond, now, burst);
    const left = Math.floor(this.buckets.get(key)?.tokens ?? 0);
    const resetMs = Math.ceil(((burst - left) / perSecond) * 1000);
    return { waitMs, remaining: waitMs > 0 ? 0 : left, resetSeconds: Math.ceil(resetMs / 1000) };
  }

  private peek(bucket: Bucket | undefined, perSecond: number, now: number) {
    if (!bucket) return 0;
    const tokens = Math.min(
      Math.max(1, perSecond),
      bucket.tokens + ((now - bucket.at) / 1000) * perSecond,
    );
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / perSecond) * 1000);
  }
}
