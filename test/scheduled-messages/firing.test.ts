import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { scheduledMessages, workspaces } from "../../worker/db/schema";
import { fireOverdueScheduled } from "../../worker/domain/scheduled-messages/fire";
import { runPeriodicJobs } from "../../worker/scheduled";
import type { MessageDto } from "../../worker/schemas/conversations";
import { addContacts, customerWrites, sendsByChat, setup } from "../broadcasts/helpers";
import { eventually } from "../channel-helpers";
import { api, db, json } from "../helpers";
import {
  fireAlarm,
  inHours,
  listScheduled,
  rearm,
  schedule,
  scheduledOf,
  scheduleSequence,
} from "./helpers";

/**
 * A workspace in Madrid with one reader, and next year's last Sunday of March, when Madrid's
 * clocks go from 02:00 to 03:00 (UTC+1 to UTC+2).
 */
async function inMadridNextSpring() {
  const s = await setup();
  await db()
    .update(workspaces)
    .set({ timezone: "Europe/Madrid" })
    .where(eq(workspaces.id, s.ws.id));
  const [reader] = await addContacts(s, 1);
  if (!reader) throw new Error("no contact");
  const year = new Date().getUTCFullYear() + 1;
  const lastSunday = 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
  return { s, reader, year, lastSunday };
}

describe("a scheduled message's alarm", () => {
  it("sends it once through the outbound queue even when the alarm runs twice", async () => {
    const s = await setup();
    const [reader] = await addContacts(s, 1);
    if (!reader) throw new Error("no contact");
    const message = await schedule(s.cookie, {
      contact_id: reader.id,
      channel_id: s.channel.id,
      send_at: inHours(2),
      message: { text: "Your appointment is tomorrow, {{contact.name}}" },
    });
    expect(message.status).toBe("pending");

    expect(await fireAlarm(message.id)).toBe(true);
    await rearm(message, s.ws.id);
    expect(await fireAlarm(message.id)).toBe(true);
    await fireOverdueScheduled(db(), env, Date.now() + 3 * 3_600_000);

    const sent = await scheduledOf(s.cookie, message.id);
    expect(sent).toMatchObject({ status: "sent", reason: null });
    expect(sent.message_id).toMatch(/^msg_/);
    await eventually(async () => (await sendsByChat(s)).get(reader.chatId) === 1, "the send");
    // a moment for a second send, were there one
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sendsByChat(s)).get(reader.chatId)).toBe(1);

    const history = await json<{ data: { id: string; sender: { type: string } }[] }>(
      await api("/api/v1/outbound-messages", { cookie: s.cookie }),
    );
    expect(history.data.find((m) => m.id === sent.message_id)?.sender.type).toBe("scheduled");
  });

  it("sends nothing for a cancelled message, nor for one moved later than its old alarm", async () => {
    const s = await setup();
    const [reader] = await addContacts(s, 1);
    if (!reader) throw new Error("no contact");
    const target = { contact_id: reader.id, channel_id: s.channel.id, message: { text: "Hi" } };
    const cancelled = await schedule(s.cookie, { ...target, send_at: inHours(1) });
    const cancel = await api(`/api/v1/scheduled-messages/${cancelled.id}/cancel`, {
      cookie: s.cookie,
      method: "POST",
    });
    expect((await json<{ status: string; reason: string }>(cancel)).status).toBe("cancelled");
    await fireAlarm(cancelled.id);
    expect((await scheduledOf(s.cookie, cancelled.id)).status).toBe("cancelled");

    const moved = await schedule(s.cookie, { ...target, send_at: inHours(1) });
    const patched = await api(`/api/v1/scheduled-messages/${moved.id}`, {
      cookie: s.cookie,
      method: "PATCH",
      body: { send_at: inHours(5) },
    });
    expect(patched.status).toBe(200);
    // the alarm of before the move, run again: not due by its own time
    await rearm(moved, s.ws.id);
    await fireAlarm(moved.id);
    expect((await scheduledOf(s.cookie, moved.id)).status).toBe("pending");
    expect((await sendsByChat(s)).get(reader.chatId)).toBeUndefined();
  });

  it("repeats: each send schedules the next occurrence until the count", async () => {
    const s = await setup();
    const [reader] = await addContacts(s, 1);
    if (!reader) throw new Error("no contact");
    const first = await schedule(s.cookie, {
      contact_id: reader.id,
      channel_id: s.channel.id,
      send_at: inHours(1),
      repeat: { every: 1, unit: "days", count: 3 },
      message: { text: "Daily reminder" },
    });
    const series = async () =>
      (await listScheduled(s.cookie, { contact_id: reader.id })).data.map((m) => [
        m.occurrence,
        m.status,
        m.send_at,
      ]);
    await fireAlarm(first.id);
    let rows = (await listScheduled(s.cookie, { contact_id: reader.id })).data;
    expect(rows.map((m) => [m.occurrence, m.status])).toEqual([
      [0, "sent"],
      [1, "pending"],
    ]);
    expect(Date.parse(rows[1]?.send_at ?? "") - Date.parse(first.send_at)).toBe(86_400_000);
    await fireAlarm(rows[1]?.id ?? "");
    rows = (await listScheduled(s.cookie, { contact_id: reader.id })).data;
    await fireAlarm(rows[2]?.id ?? "");
    expect((await series()).map(([o, st]) => [o, st])).toEqual([
      [0, "sent"],
      [1, "sent"],
      [2, "sent"],
    ]);
    await eventually(async () => (await sendsByChat(s)).get(reader.chatId) === 3, "three sends");
  });

  it("repeats monthly on the calendar: the 31st is February's last day, and the 31st again in March", async () => {
    const s = await setup();
    const [reader] = await addContacts(s, 1);
    if (!reader) throw new Error("no contact");
    const year = new Date().getUTCFullYear() + 1;
    const februaryDays = new Date(Date.UTC(year, 2, 0)).getUTCDate();
    const first = await schedule(s.cookie, {
      contact_id: reader.id,
      channel_id: s.channel.id,
      send_at: `${year}-01-31T10:00:00.000Z`,
      repeat: { every: 1, unit: "months", count: 3 },
      message: { text: "Monthly invoice" },
    });
    const sendTimes = async () =>
      (await listScheduled(s.cookie, { contact_id: reader.id })).data.map((m) => m.send_at);
    await fireAlarm(first.id);
    expect(await sendTimes()).toEqual([
      `${year}-01-31T10:00:00.000Z`,
      `${year}-02-${februaryDays}T10:00:00.000Z`,
    ]);
    const [, second] = (await listScheduled(s.cookie, { contact_id: reader.id })).data;
    await fireAlarm(second?.id ?? "");
    expect((await sendTimes()).at(-1)).toBe(`${year}-03-31T10:00:00.000Z`);
  });

  it("sends a daily 02:30 at 03:30 the night the clocks skip it, and at 02:30 again the next day", async () => {
    const { s, reader, year, lastSunday } = await inMadridNextSpring();
    const utc = (day: number, hour: number, minute: number) =>
      new Date(Date.UTC(year, 2, day, hour, minute)).toISOString();
    const first = await schedule(s.cookie, {
      contact_id: reader.id,
      channel_id: s.channel.id,
      send_at: utc(lastSunday - 1, 1, 30), // 02:30 in winter time (UTC+1)
      repeat: { every: 1, unit: "days", count: 3 },
      message: { text: "Night report" },
    });
    const series = async () => (await listScheduled(s.cookie, { contact_id: reader.id })).data;
    await fireAlarm(first.id);
    await fireAlarm((await series())[1]?.id ?? "");
    expect((await series()).map((m) => m.send_at)).toEqual([
      utc(lastSunday - 1, 1, 30),
      utc(lastSunday, 1, 30), // 02:30 does not exist: 03:30 summer time
      utc(lastSunday + 1, 0, 30), // 02:30 summer time (UTC+2)
    ]);
  });

  it("keeps a weekly repeat at 09:00 in the workspace's timezone across the change to summer time", async () => {
    const { s, reader, year, lastSunday } = await inMadridNextSpring();
    const mondayBefore = String(lastSunday - 6).padStart(2, "0");
    const first = await schedule(s.cookie, {
      contact_id: reader.id,
      channel_id: s.channel.id,
      send_at: `${year}-03-${mondayBefore}T08:00:00.000Z`,
      repeat: { every: 1, unit: "weeks", count: 2 },
      message: { text: "Weekly plan" },
    });
    await fireAlarm(first.id);
    const times = (await listScheduled(s.cookie, { contact_id: reader.id })).data.map(
      (m) => m.send_at,
    );
    const mondayAfter = new Date(Date.UTC(year, 2, lastSunday + 1, 7)).toISOString();
    expect(times).toEqual([`${year}-03-${mondayBefore}T08:00:00.000Z`, mondayAfter]);
  });

  it("the every-minute safety net sends an overdue message whose alarm was lost", async () => {
    const s = await setup();
    const [reader] = await addContacts(s, 1);
    if (!reader) throw new Error("no contact");
    const message = await schedule(s.cookie, {
      contact_id: reader.id,
      channel_id: s.channel.id,
      send_at: inHours(1),
      message: { text: "Lost alarm" },
    });
    // as if the time had come and gone without the alarm
    await db()
      .update(scheduledMessages)
      .set({ sendAt: Date.now() - 120_000 })
      .where(eq(scheduledMessages.id, message.id));
    await runPeriodicJobs(env, Date.now());
    expect((await scheduledOf(s.cookie, message.id)).status).toBe("sent");
    await eventually(async () => (await sendsByChat(s)).get(reader.chatId) === 1, "the send");
  });
});

describe("a sequence", () => {
  it("is cancelled when the customer replies; what was sent stays sent", async () => {
    const s = await setup();
    const [reader] = await addContacts(s, 1);
    if (!reader) throw new Error("no contact");
    const sequence = await scheduleSequence(s.cookie, {
      contact_id: reader.id,
      channel_id: s.channel.id,
      steps: [
        { delay_minutes: 60, message: { text: "Here is your quote" } },
        { delay_minutes: 24 * 60, message: { text: "Any questions about the quote?" } },
        { delay_minutes: 72 * 60, message: { text: "Last call for the quote" } },
      ],
    });
    expect(sequence.data.map((m) => [m.step, m.status, m.cancel_on_reply])).toEqual([
      [0, "pending", true],
      [1, "pending", true],
      [2, "pending", true],
    ]);
    expect(
      Date.parse(sequence.data[2]?.send_at ?? "") - Date.parse(sequence.data[1]?.send_at ?? ""),
    ).toBe(48 * 3_600_000);
    await fireAlarm(sequence.data[0]?.id ?? "");
    await eventually(async () => (await sendsByChat(s)).get(reader.chatId) === 1, "step 1");

    expect((await customerWrites(s, reader.chatId, "Looks good, thanks")).status).toBe(200);
    const after = await eventually(async () => {
      const steps = (await listScheduled(s.cookie, { sequence_id: sequence.id })).data;
      return steps.every((m) => m.status !== "pending") ? steps : undefined;
    }, "the steps cancelled");
    expect(after.map((m) => [m.status, m.reason])).toEqual([
      ["sent", null],
      ["cancelled", "replied"],
      ["cancelled", "replied"],
    ]);
    await fireAlarm(sequence.data[1]?.id ?? "");
    expect((await sendsByChat(s)).get(reader.chatId)).toBe(1);
    const conversation = await json<MessageDto>(
      await api(`/api/v1/messages/${after[0]?.message_id}`, { cookie: s.cookie }),
    );
    expect(conversation.text).toBe("Here is your quote");
  });
});
