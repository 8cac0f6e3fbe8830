import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BROADCAST_SHARE } from "../../worker/channels/rules";
import { handleScheduled } from "../../worker/scheduled";
import { eventually } from "../channel-helpers";
import {
  act,
  addContacts,
  finished,
  ledgerOf,
  newBroadcast,
  sendsByChat,
  setup,
  statsOf,
} from "./helpers";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The most sends any one-second window [t, t + 1 s) of the ledger holds. */
function busiestSecond(sentAt: number[]) {
  const times = [...sentAt].sort((a, b) => a - b);
  let most = 0;
  for (const [i, start] of times.entries()) {
    const inWindow = times.slice(i).filter((t) => t < start + 1000).length;
    most = Math.max(most, inWindow);
  }
  return most;
}

describe("broadcast pace and control", () => {
  it("sends at most the broadcast share of the channel's max_per_second in any second", async () => {
    const maxPerSecond = 5;
    const s = await setup(maxPerSecond);
    await addContacts(s, 14);
    const broadcast = await newBroadcast(s);
    await act(s, broadcast.id, "start");
    await finished(s, broadcast.id, 25_000);
    const sentAt = (await ledgerOf(s.ws.id, broadcast.id)).map((r) => r.sentAt ?? 0);
    expect(sentAt.every((t) => t > 0)).toBe(true);
    const share = maxPerSecond * BROADCAST_SHARE;
    expect(busiestSecond(sentAt)).toBeLessThanOrEqual(Math.floor(share));
    // and not far under it: 14 sends at 4 a second take about 3.25 s
    const span = Math.max(...sentAt) - Math.min(...sentAt);
    expect(span).toBeGreaterThanOrEqual(((14 - 1) / share) * 1000 - 50);
    expect(span).toBeLessThan(((14 - 1) / share) * 1000 + 4000);
  });

  it("pause stops further sends, resume sends the rest, each once", async () => {
    const s = await setup(2.5);
    const readers = await addContacts(s, 8);
    const broadcast = await newBroadcast(s);
    await act(s, broadcast.id, "start");
    await eventually(async () => (await statsOf(s, broadcast.id)).sent >= 2, "two sent");
    await act(s, broadcast.id, "pause");
    // a send already let through by the pacer may still land; then nothing more
    await pause(1500);
    const paused = await statsOf(s, broadcast.id);
    await pause(2000);
    const later = await statsOf(s, broadcast.id);
    expect(later.status).toBe("paused");
    expect(later.sent).toBe(paused.sent);
    expect(later.queued).toBe(8 - paused.sent);
    expect(later.queued).toBeGreaterThan(0);
    await act(s, broadcast.id, "resume");
    expect(await finished(s, broadcast.id, 25_000)).toMatchObject({ sent: 8, queued: 0 });
    const sends = await eventually(async () => {
      const counts = await sendsByChat(s);
      return counts.size === 8 ? counts : undefined;
    }, "all eight written to");
    for (const reader of readers) expect(sends.get(reader.chatId)).toBe(1);
  });

  it("cancel stops the broadcast for good and leaves the counts of what went", async () => {
    const s = await setup(2.5);
    await addContacts(s, 8);
    const broadcast = await newBroadcast(s);
    await act(s, broadcast.id, "start");
    await eventually(async () => (await statsOf(s, broadcast.id)).sent >= 1, "one sent");
    await act(s, broadcast.id, "cancel");
    await pause(1500);
    const cancelled = await statsOf(s, broadcast.id);
    await pause(2000);
    expect(await statsOf(s, broadcast.id)).toEqual(cancelled);
    expect(cancelled).toMatchObject({ status: "cancelled", targeted: 8 });
    expect(cancelled.sent + cancelled.queued).toBe(8);
    expect(cancelled.queued).toBeGreaterThan(0);
    const resumed = await act(s, broadcast.id, "resume").catch((e: Error) => e.message);
    expect(resumed).toMatch(/^resume failed: 409/);
  });

  it("a scheduled broadcast is started by the minute's cron once it is due", async () => {
    const s = await setup();
    const readers = await addContacts(s, 2);
    const sendAt = Date.now() + 30_000;
    const broadcast = await newBroadcast(s, { send_at: new Date(sendAt).toISOString() });
    expect(broadcast.status).toBe("scheduled");
    const tick = (when: number) =>
      handleScheduled(
        createScheduledController({ scheduledTime: new Date(when), cron: "* * * * *" }),
        env,
        createExecutionContext(),
      );
    await tick(sendAt - 1000);
    expect((await statsOf(s, broadcast.id)).status).toBe("scheduled");
    await tick(sendAt);
    expect(await finished(s, broadcast.id)).toMatchObject({ sent: 2 });
    const sends = await eventually(async () => {
      const counts = await sendsByChat(s);
      return counts.size === 2 ? counts : undefined;
    }, "both written to");
    for (const reader of readers) expect(sends.get(reader.chatId)).toBe(1);
  });
});
