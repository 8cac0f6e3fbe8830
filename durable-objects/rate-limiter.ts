import { DurableObject } from "cloudflare:workers";
import type { RateLimit, SendWindow } from "../worker/channels/rules";
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
   * over the rate: `waitMs` 0 means a token was taken at `at`, this object's clock. With a
   * `window`, the sender's count in the current window (kept in storage, shared by every
   * broadcast of the sender) must have room too; when it has none, `full` says so and
   * `waitMs` runs to the next window.
   */
  async pace(
    key: string,
    perSecond: number,
    window?: SendWindow | null,
  ): Promise<{ waitMs: number; at: number; full?: boolean }> {
    const at = Date.now();
    const counted = window ? await this.windowCount(window, at) : null;
    if (counted && counted.count >= counted.limit)
      return { waitMs: counted.endsAt - at, at, full: true };
    const waitMs = this.buckets.take(key, perSecond, at, 1);
    if (waitMs === 0 && counted) await this.ctx.storage.put(counted.key, counted.count + 1);
    return { waitMs, at };
  }

  /** Sends counted in the window `at` falls in (windows aligned to the epoch). */
  private async windowCount(window: SendWindow, at: number) {
    const length = window.hours * 60 * 60 * 1000;
    const start = Math.floor(at / length) * length;
    const key = `window:${window.hours}:${start}`;
    const count = (await this.ctx.storage.get<number>(key)) ?? 0;
    if (count === 0) await this.forgetOtherWindows(key);
    return { key, count, limit: window.count, endsAt: start + length };
  }

  private async forgetOtherWindows(current: string) {
    const old = await this.ctx.storage.list({ prefix: "window:" });
    const stale = [...old.keys()].filter((key) => key !== current);
    if (stale.length) await this.ctx.storage.delete(stale);
  }

  /** Takes a token from `key`'s request bucket, or says how long until one is free. */
  async check(key: string, limit: Pick<RequestLimit, "perSecond" | "burst">) {
    return this.buckets.check(key, limit, Date.now());
  }
}
