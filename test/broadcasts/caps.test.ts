import { env } from "cloudflare:workers";
import { and, eq, isNotNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations } from "../../worker/db/schema";
import { inWorkspace } from "../../worker/db/scope";
import { refusedPaths } from "../automations/helpers";
import { eventually, uniqueDigits } from "../channel-helpers";
import { api, db } from "../helpers";
import { fireAlarm, inHours, schedule, scheduledOf } from "../scheduled-messages/helpers";
import {
  act,
  addContacts,
  customerWrites,
  newBroadcast,
  sendsByChat,
  setup,
  statsOf,
} from "./helpers";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A long window, counted in slices of 30 hours: the test never straddles a slice's end. */
const WINDOW_HOURS = 720;
const HOUR = 3_600_000;
/** When the sends counted in the slice `at` falls in leave the window. */
const leavesWindow = (at: number, hours = WINDOW_HOURS) => {
  const slice = (hours * HOUR) / 24;
  return Math.floor(at / slice) * slice + hours * HOUR;
};

describe("a sender's cap per window", () => {
  it("holds across two broadcasts on the same sender: the one over it waits, queued, and says why", async () => {
    const s = await setup(undefined, { max_per_window: { count: 3, hours: WINDOW_HOURS } });
    await addContacts(s, 2, "reachable", "first");
    await addContacts(s, 2, "reachable", "second");
    const first = await newBroadcast(s, { audience: { tags: ["first"] } });
    const second = await newBroadcast(s, { audience: { tags: ["second"] } });
    await act(s, first.id, "start");
    await act(s, second.id, "start");
    const both = async () => [await statsOf(s, first.id), await statsOf(s, second.id)];
    const stats = await eventually(async () => {
      const pair = await both();
      const sent = pair.reduce((n, one) => n + one.sent, 0);
      return sent === 3 && pair.some((one) => one.waiting_reason) ? pair : undefined;
    }, "three sent and one waiting");
    await pause(1500);
    const later = await both();
    expect(later.map((one) => one.sent)).toEqual(stats.map((one) => one.sent));
    const waiting = later.find((one) => one.waiting_reason);
    expect(waiting).toMatchObject({
      status: "running",
      queued: 1,
      waiting_reason: "max_per_window",
      waiting_until: new Date(leavesWindow(Date.now())).toISOString(),
    });
    const sends = await sendsByChat(s);
    expect([...sends.values()].reduce((n, count) => n + count, 0)).toBe(3);
  });

  it("counts scheduled messages that reach out first, not one answering a customer who just wrote", async () => {
    const s = await setup(undefined, { max_per_window: { count: 2, hours: WINDOW_HOURS } });
    const [first, second, writer, fourth] = await addContacts(s, 4);
    if (!first || !second || !writer || !fourth) throw new Error("no contacts");
    await customerWrites(s, writer.chatId, "Is my order on its way?");
    await eventually(
      () =>
        db().query.conversations.findFirst({
          where: inWorkspace(
            conversations,
            s.ws.id,
            and(eq(conversations.contactId, writer.id), isNotNull(conversations.lastInboundAt)),
          ),
        }),
      "the customer's message in",
    );
    const scheduleTo = async (contactId: string) => {
      const message = await schedule(s.cookie, {
        contact_id: contactId,
        channel_id: s.channel.id,
        send_at: inHours(1),
        message: { text: "Your plan renews next week" },
      });
      await fireAlarm(message.id);
      return message;
    };
    for (const reader of [first, second, writer]) await scheduleTo(reader.id);
    await eventually(async () => {
      const sends = await sendsByChat(s);
      return [first, second, writer].every((r) => sends.get(r.chatId) === 1) || undefined;
    }, "two reaching out and the answer sent");

    const over = await scheduleTo(fourth.id);
    await pause(1500);
    expect((await sendsByChat(s)).get(fourth.chatId)).toBeUndefined();
    const waiting = await scheduledOf(s.cookie, over.id);
    expect(waiting.message_id).toMatch(/^msg_/);
    const history = await api(`/api/v1/outbound-messages?contact_id=${fourth.id}`, {
      cookie: s.cookie,
    });
    const { data } = (await history.json()) as { data: { id: string; status: string }[] };
    expect(data.find((m) => m.id === waiting.message_id)?.status).toBe("queued");

    // the window is the broadcasts' too: theirs waits behind the scheduled messages' count
    await addContacts(s, 1, "reachable", "late");
    const broadcast = await newBroadcast(s, { audience: { tags: ["late"] } });
    await act(s, broadcast.id, "start");
    const stats = await eventually(async () => {
      const now = await statsOf(s, broadcast.id);
      return now.waiting_reason ? now : undefined;
    }, "the broadcast waiting");
    expect(stats).toMatchObject({ sent: 0, queued: 1, waiting_reason: "max_per_window" });
  });

  it("rolls with the clock: a full day's cap has no room again at midnight, only as the first sends leave it", async () => {
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`roll-${uniqueDigits()}`));
    const day = { count: 3, hours: 24 };
    const first = Date.UTC(2026, 11, 7, 10, 30);
    for (const at of [first, first + 50, first + 100])
      expect((await limiter.pace("broadcast", 100, day, at)).waitMs).toBe(0);
    const evening = await limiter.pace("broadcast", 100, day, first + 12 * HOUR);
    expect(evening).toMatchObject({
      full: true,
      waitMs: leavesWindow(first, 24) - (first + 12 * HOUR),
    });
    // a window starting over at midnight would let three more go at 00:30
    const afterMidnight = first + 14 * HOUR;
    expect(await limiter.pace("broadcast", 100, day, afterMidnight)).toMatchObject({ full: true });
    const nextMorning = leavesWindow(first, 24);
    expect(nextMorning).toBe(Date.UTC(2026, 11, 8, 10, 0));
    expect((await limiter.pace("broadcast", 100, day, nextMorning)).waitMs).toBe(0);
  });

  it("refuses a bad cap with its path", async () => {
    const s = await setup();
    const response = await api("/api/v1/channels", {
      cookie: s.cookie,
      body: {
        type: "telegram",
        name: "Capped",
        config: {
          bot_token: "123456789:AAB12345678901234567890",
          secret_token: "secret_token_value",
          max_per_window: { count: 0, hours: 24 },
        },
      },
    });
    expect(await refusedPaths(response)).toEqual(["config.max_per_window.count"]);
  });
});
