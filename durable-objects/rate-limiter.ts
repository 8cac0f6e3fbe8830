import { DurableObject } from "cloudflare:workers";
import type { RateLimit, SendWindow } from "../worker/channels/rules";
import { SendLogs } from "../worker/lib/send-log";
import { type RequestLimit, TokenBuckets } from "../worker/lib/token-bucket";

/** A sender's window is counted in this many slices: it rolls forward a slice at a time. */
const WINDOW_SLICES = 24;

/**
 * One per channel: token buckets for the channel as a whole and per recipient, so sends stay
 * under the platform's published limits. `acquire` takes a token now, or says how long to wait.
 * Request limits (`check`) use one per caller.
 */

export class RateLimiter extends DurableObject<Env> {
  private readonly buckets = new TokenBuckets();
  private readonly sends = new SendLogs();

  /**
   * Milliseconds to wait before sending to `recipient`; 0 means a token was taken. The send is
   * the last check before the platform: besides the buckets, no second may hold more than the
   * channel's rate, nor (for a broadcast's message, `broadcastPerSecond`) the broadcasts' share.
   * With a `window` (a message Conversa starts on its own), the sender's count over the window
   * must have room too, the count broadcasts' `pace` keeps; the wait then runs until it has.
   */
  async acquire(
    limit: RateLimit,
    recipient: string,
    broadcastPerSecond?: number,
    window?: SendWindow | null,
  ): Promise<number> {
    const counted = window ? await this.windowCount(window, Date.now()) : null;
    const now = Date.now();
    if (counted && counted.count >= counted.limit) return Math.max(1, counted.roomAt - now);
    const perRecipient = limit.perRecipientPerSecond;
    const recipientKey = `to:${recipient}`;
    const spans: [string, number][] = [["channel", limit.perSecond]];
    if (broadcastPerSecond) spans.push(["broadcast", broadcastPerSecond]);
    const full = Math.max(...spans.map(([key, rate]) => this.sends.wait(key, rate, now)));
    if (full > 0) return full;
    if (perRecipient) {
      const wait = this.buckets.peek(recipientKey, perRecipient, now);
      if (wait > 0) return wait;
    }
    const wait = this.buckets.take("channel", limit.perSecond, now);
    if (wait > 0) return wait;
    if (perRecipient) this.buckets.take(recipientKey, perRecipient, now);
    for (const [key, rate] of spans) this.sends.count(key, rate, now);
    if (counted) await this.countSend(counted.current);
    return 0;
  }

  /**
   * Paces a stream of sends (a broadcast's) at `perSecond`, one token deep so no burst goes
   * over the rate: `waitMs` 0 means a token was taken at `at`, this object's clock. A wait up to
   * `bookWithinMs` books the send's turn, `waitMs` after `at`: sends paced side by side are
   * handed turns one after another. With a `window`, the sender's count over the last
   * `window.hours` (kept in storage, shared by every broadcast of the sender) must have room
   * too; when it has none, `full` says so and `waitMs` runs until the oldest sends counted leave
   * the window.
   */
  async pace(
    key: string,
    perSecond: number,
    window?: SendWindow | null,
    at = Date.now(),
    bookWithinMs = 0,
  ): Promise<{ waitMs: number; at: number; full?: boolean }> {
    const counted = window ? await this.windowCount(window, at) : null;
    if (counted && counted.count >= counted.limit)
      return { waitMs: counted.roomAt - at, at, full: true };
    const waitMs = this.buckets.book(key, perSecond, at, bookWithinMs, 1);
    if (waitMs <= bookWithinMs && counted) await this.countSend(counted.current);
    return { waitMs, at };
  }

  /**
   * The sends counted in the rolling window ending at `at`, kept per slice (a 24th of the
   * window), so the count follows the clock slice by slice instead of starting over at a fixed
   * boundary, where twice the cap could go out within an hour.
   */
  private async windowCount(window: SendWindow, at: number) {
    const length = window.hours * 60 * 60 * 1000;
    const slice = length / WINDOW_SLICES;
    const prefix = `window:${window.hours}:`;
    const currentStart = Math.floor(at / slice) * slice;
    const oldestStart = currentStart - (WINDOW_SLICES - 1) * slice;
    const stored = await this.ctx.storage.list<number>({ prefix });
    const stale: string[] = [];
    let count = 0;
    let oldestCounted = Number.POSITIVE_INFINITY;
    for (const [storedKey, sent] of stored) {
      const start = Number(storedKey.slice(prefix.length));
      if (!(start >= oldestStart)) {
        stale.push(storedKey);
        continue;
      }
      count += sent;
      oldestCounted = Math.min(oldestCounted, start);
    }
    if (stale.length) await this.ctx.storage.delete(stale);
    const roomAt = Number.isFinite(oldestCounted) ? oldestCounted + length : currentStart + slice;
    const current = {
      key: `${prefix}${currentStart}`,
      sent: stored.get(`${prefix}${currentStart}`) ?? 0,
    };
    return { count, limit: window.count, roomAt, current };
  }

  private async countSend(current: { key: string; sent: number }) {
    await this.ctx.storage.put(current.key, current.sent + 1);
  }

  /** Takes a token from `key`'s request bucket, or says how long until one is free. */
  async check(key: string, limit: Pick<RequestLimit, "perSecond" | "burst">) {
    return this.buckets.check(key, limit, Date.now());
  }
}
