import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { scheduledMessages } from "../../worker/db/schema";
import { addContacts, setup } from "../broadcasts/helpers";
import { api, db, expectProblem, json } from "../helpers";
import { inHours, listScheduled, schedule, scheduledOf, scheduleSequence } from "./helpers";

const EVERY_DAY_NINE_TO_FIVE = [0, 1, 2, 3, 4, 5, 6].map((day) => ({
  day,
  open: "09:00",
  close: "17:00",
}));

async function withContact() {
  const s = await setup();
  const [reader] = await addContacts(s, 1);
  if (!reader) throw new Error("no contact");
  return { ...s, contactId: reader.id };
}

const storedCount = async (workspaceId: string) =>
  (
    await db()
      .select({ id: scheduledMessages.id })
      .from(scheduledMessages)
      .where(and(eq(scheduledMessages.workspaceId, workspaceId)))
  ).length;

/** Tomorrow (UTC) at this hour. */
const tomorrowAt = (hour: number) => {
  const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return Date.parse(`${day}T${String(hour).padStart(2, "0")}:00:00.000Z`);
};

describe("scheduling messages", () => {
  it("refuses bad input with the field's path and stores nothing", async () => {
    const s = await withContact();
    const base = { contact_id: s.contactId, channel_id: s.channel.id, message: { text: "Hi" } };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, send_at: "tomorrow" }, "send_at"],
      [{ ...base, send_at: new Date(Date.now() - 3_600_000).toISOString() }, "send_at"],
      [{ ...base, channel_id: undefined, send_at: inHours(1) }, "channel_id"],
      [{ ...base, contact_id: "ct_00000000000000000000000000", send_at: inHours(1) }, "contact_id"],
      [{ ...base, message: { text: "Hi", snippet_id: "snp_x" }, send_at: inHours(1) }, "message"],
      [{ ...base, message: { text: "Hi {{contact.nope}}" }, send_at: inHours(1) }, "message.text"],
      [
        { ...base, send_at: inHours(1), fallback_template: { name: "order_update" } },
        "fallback_template",
      ],
      [
        { ...base, send_at: inHours(5), repeat: { every: 1, unit: "days", until: inHours(2) } },
        "repeat.until",
      ],
      [{ ...base, send_at: inHours(1), repeat: { every: 0, unit: "days" } }, "repeat.every"],
      [{ ...base, send_at: inHours(1), business_hours: {} }, "business_hours"],
      [
        {
          ...base,
          send_at: inHours(1),
          business_hours: { hours_id: "bh_00000000000000000000000000" },
        },
        "business_hours.hours_id",
      ],
    ];
    for (const [body, path] of cases) {
      const problem = await expectProblem(
        await api("/api/v1/scheduled-messages", { cookie: s.cookie, body }),
        422,
      );
      expect(
        problem.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    const badStep = await expectProblem(
      await api("/api/v1/scheduled-messages/sequences", {
        cookie: s.cookie,
        body: {
          contact_id: s.contactId,
          channel_id: s.channel.id,
          steps: [
            { delay_minutes: 0, message: { text: "ok" } },
            { delay_minutes: 60, message: { snippet_id: "snp_00000000000000000000000000" } },
          ],
        },
      }),
      422,
    );
    expect(badStep.errors?.map((e) => e.path)).toEqual(["steps.1.message.snippet_id"]);
    expect(await storedCount(s.ws.id)).toBe(0);
  });

  it("lists by send time like a calendar, filtered by contact, status and dates", async () => {
    const s = await withContact();
    const base = { contact_id: s.contactId, channel_id: s.channel.id };
    const late = await schedule(s.cookie, {
      ...base,
      send_at: inHours(30),
      message: { text: "c" },
    });
    const early = await schedule(s.cookie, {
      ...base,
      send_at: inHours(1),
      message: { text: "a" },
    });
    const middle = await schedule(s.cookie, {
      ...base,
      send_at: inHours(5),
      message: { text: "b" },
    });
    await api(`/api/v1/scheduled-messages/${middle.id}/cancel`, {
      cookie: s.cookie,
      method: "POST",
    });

    const all = await listScheduled(s.cookie, { contact_id: s.contactId });
    expect(all.data.map((m) => m.id)).toEqual([early.id, middle.id, late.id]);
    // each names whom it goes to and on which channel, for the calendar's rows
    expect(all.data[0]).toMatchObject({
      contact: { id: s.contactId, name: expect.stringMatching(/^Reader \d+$/) },
      channel: { id: s.channel.id, kind: "telegram", name: "telegram channel" },
      sequence_steps: null,
    });
    const pending = await listScheduled(s.cookie, { status: "pending" });
    expect(pending.data.map((m) => m.id)).toEqual([early.id, late.id]);
    const today = await listScheduled(s.cookie, { from: inHours(0), to: inHours(24) });
    expect(today.data.map((m) => m.id)).toEqual([early.id, middle.id]);
    const first = await listScheduled(s.cookie, { limit: "2" });
    expect(first.data.map((m) => m.id)).toEqual([early.id, middle.id]);
    const next = await listScheduled(s.cookie, { limit: "2", cursor: first.next_cursor ?? "" });
    expect(next).toEqual({ data: [expect.objectContaining({ id: late.id })], next_cursor: null });
  });

  it("changes a pending message, and refuses changing or cancelling one no longer pending", async () => {
    const s = await withContact();
    const message = await schedule(s.cookie, {
      contact_id: s.contactId,
      channel_id: s.channel.id,
      send_at: inHours(1),
      message: { text: "First draft" },
    });
    const patched = await json<{ message: { text: string }; send_at: string }>(
      await api(`/api/v1/scheduled-messages/${message.id}`, {
        cookie: s.cookie,
        method: "PATCH",
        body: { message: { text: "Final text" }, send_at: inHours(3) },
      }),
    );
    expect(patched.message.text).toBe("Final text");
    expect(Date.parse(patched.send_at) - Date.parse(message.send_at)).toBeGreaterThan(7_000_000);
    const cancel = () =>
      api(`/api/v1/scheduled-messages/${message.id}/cancel`, { cookie: s.cookie, method: "POST" });
    expect((await cancel()).status).toBe(200);
    await expectProblem(await cancel(), 409);
    await expectProblem(
      await api(`/api/v1/scheduled-messages/${message.id}`, {
        cookie: s.cookie,
        method: "PATCH",
        body: { send_at: inHours(4) },
      }),
      409,
    );
    expect((await scheduledOf(s.cookie, message.id)).message.text).toBe("Final text");
  });

  it("moves a time outside business hours to the next business morning", async () => {
    const s = await withContact();
    const hours = await json<{ id: string }>(
      await api("/api/v1/business-hours", {
        cookie: s.cookie,
        body: { name: "Office", timezone: "UTC", weekly: EVERY_DAY_NINE_TO_FIVE },
      }),
    );
    const base = { contact_id: s.contactId, channel_id: s.channel.id, message: { text: "Hi" } };
    const evening = new Date(tomorrowAt(20)).toISOString();
    const moved = await schedule(s.cookie, {
      ...base,
      send_at: evening,
      business_hours: { hours_id: hours.id },
    });
    expect(moved.requested_at).toBe(evening);
    expect(moved.send_at).toBe(new Date(tomorrowAt(9) + 86_400_000).toISOString());

    const within = new Date(tomorrowAt(11)).toISOString();
    expect(
      (
        await schedule(s.cookie, {
          ...base,
          send_at: within,
          business_hours: { hours_id: hours.id },
        })
      ).send_at,
    ).toBe(within);

    // the workspace's own hours when none are chosen
    await api("/api/v1/workspace/settings", {
      cookie: s.cookie,
      method: "PATCH",
      body: { business_hours_id: hours.id },
    });
    const early = new Date(tomorrowAt(6)).toISOString();
    const workspaceHours = await schedule(s.cookie, {
      ...base,
      send_at: early,
      business_hours: {},
    });
    expect(workspaceHours.send_at).toBe(new Date(tomorrowAt(9)).toISOString());
    expect(workspaceHours.business_hours).toEqual({});
  });

  it("cancels the pending steps of a whole sequence", async () => {
    const s = await withContact();
    const sequence = await scheduleSequence(s.cookie, {
      contact_id: s.contactId,
      channel_id: s.channel.id,
      cancel_on_reply: false,
      // more steps than one insert statement can bind
      steps: Array.from({ length: 20 }, (_, i) => ({
        delay_minutes: (i + 1) * 24 * 60,
        message: { text: `+${(i + 1) * 24} h` },
      })),
    });
    expect(sequence.data.map((m) => m.step)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // the calendar tells "step 3 of 20" from the list alone
    const listed = await listScheduled(s.cookie, { sequence_id: sequence.id, limit: "3" });
    expect(listed.data.map((m) => [m.step, m.sequence_steps])).toEqual([
      [0, 20],
      [1, 20],
      [2, 20],
    ]);
    const cancelled = await json<{ data: { status: string; reason: string }[] }>(
      await api(`/api/v1/scheduled-messages/sequences/${sequence.id}/cancel`, {
        cookie: s.cookie,
        method: "POST",
      }),
    );
    expect(new Set(cancelled.data.map((m) => `${m.status} ${m.reason}`))).toEqual(
      new Set(["cancelled cancelled"]),
    );
    expect(cancelled.data).toHaveLength(20);
    await expectProblem(
      await api("/api/v1/scheduled-messages/sequences/seq_00000000000000000000000000/cancel", {
        cookie: s.cookie,
        method: "POST",
      }),
      404,
    );
  });
});
