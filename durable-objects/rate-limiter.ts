import { DurableObject } from "cloudflare:workers";
import type { RateLimit } from "../worker/channels/rules";
import { type RequestLimit, TokenBuckets } from "../worker/lib/token-bucket";

/**
 * One per channel: token buckets for the channel as a whole and per recipient, so sends stay
 * under the platform's published limits. `acquire` takes a token now, or says how long to wait.
 * Request limits (`check`) use one per caller.
 */
export class RateLimiter extends DurableObject<Env> {
  private readonly buckets = new TokenBuckets();

  /** Milliseconds to wait before sending to `recipient`; 0 means a token was taken. */
  async acquire(limit: RateLimit, recipient: string): Promise<number> {
    const now = Date.now();
    const perRecipient = limit.perRecipientPerSecond;
    const recipientKey = `to:${recipient}`;
    if (perRecipient) {
      const wait = this.buckets.peek(recipientKey, perRecipient, now);
      if (wait > 0) return wait;
    }
    const wait = this.buckets.take("channel", limit.perSecond, now);
    if (wait > 0 || !perRecipient) return wait;
    return this.buckets.take(recipientKey, perRecipient, now);
  }

  /**
   * Paces a stream of sends (a broadcast's) at `perSecond`, one token deep so no burst goes
   * over the rate: `waitMs` 0 means a token was taken at `at`, this object's clock.
   */
  async pace(key: string, perSecond: number): Promise<{ waitMs: number; at: number }> {
    const at = Date.now();
    return { waitMs: this.buckets.take(key, perSecond, at, 1), at };
  }

  /** Takes a token from `key`'s request bucket, or says how long until one is free. */
  async check(key: string, limit: Pick<RequestLimit, "perSecond" | "burst">) {
    return this.buckets.check(key, limit, Date.now());
  }
}
