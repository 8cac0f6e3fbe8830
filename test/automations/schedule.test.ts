import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { workspaces } from "../../worker/db/schema";
import { dueSlots } from "../../worker/domain/automations/schedule";
import { AUTOMATIONS_QUEUE, consumeAutomations } from "../../worker/queues";
import { handleScheduled } from "../../worker/scheduled";
import { cronMatches } from "../../worker/schemas/automation-rules";
import { api, db, json, newWorkspace } from "../helpers";
import { newAutomation, runsOf } from "./helpers";

const at = (iso: string) => Date.parse(iso);

/** The cron trigger fires at `when`, as the platform would call the Worker's handler. */
async function tick(when: number) {
  const controller = createScheduledController({
    scheduledTime: new Date(when),
    cron: "* * * * *",
  });
  await handleScheduled(controller, env, createExecutionContext());
}

const time = (minute: number, hour: number, day: number, month: number, weekday: number) => ({
  minute,
  hour,
  day,
  month,
  weekday,
});

describe("cron expressions", () => {
  it("match ranges, lists, steps, stars and Sunday as 0 or 7", () => {
    expect(cronMatches("0 9 * * 1-5", time(0, 9, 7, 12, 1))).toBe(true);
    expect(cronMatches("0 9 * * 1-5", time(0, 9, 6, 12, 0))).toBe(false);
    expect(cronMatches("*/15 * * * *", time(45, 3, 1, 1, 3))).toBe(true);
    expect(cronMatches("*/15 * * * *", time(44, 3, 1, 1, 3))).toBe(false);
    expect(cronMatches("0 8,20 * * *", time(0, 20, 1, 1, 3))).toBe(true);
    expect(cronMatches("0 8,20 * * *", time(0, 12, 1, 1, 3))).toBe(false);
    expect(cronMatches("0 0 * * 7", time(0, 0, 6, 12, 0))).toBe(true);
    expect(cronMatches("0 0 * * 0", time(0, 0, 6, 12, 0))).toBe(true);
    expect(cronMatches("10-20/5 * * * *", time(15, 0, 1, 1, 1))).toBe(true);
    expect(cronMatches("10-20/5 * * * *", time(25, 0, 1, 1, 1))).toBe(false);
    expect(cronMatches("0 0 */10 * *", time(0, 0, 11, 1, 1))).toBe(true);
    expect(cronMatches("0 0 1 6 *", time(0, 0, 1, 7, 1))).toBe(false);
    // both days restricted: either one is enough, as in classic cron
    expect(cronMatches("0 0 1 * 1", time(0, 0, 15, 3, 1))).toBe(true);
    expect(cronMatches("0 0 1 * 1", time(0, 0, 15, 3, 2))).toBe(false);
  });

  it("name a local minute across a DST change, the repeated hour once", () => {
    const madrid = { lastSlot: null, activatedAt: null };
    // 09:00 in Madrid is 08:00 UTC in winter, 07:00 UTC in summer (clocks went forward on 29 March)
    expect(dueSlots("0 9 * * *", "Europe/Madrid", at("2026-03-28T08:00:30Z"), madrid)).toEqual([
      at("2026-03-28T08:00:00Z"),
    ]);
    expect(dueSlots("0 9 * * *", "Europe/Madrid", at("2026-03-29T08:00:30Z"), madrid)).toEqual([]);
    expect(dueSlots("0 9 * * *", "Europe/Madrid", at("2026-03-29T07:00:30Z"), madrid)).toEqual([
      at("2026-03-29T07:00:00Z"),
    ]);
    // 02:30 shows twice when clocks fall back on 25 October: it fires the first time only
    expect(dueSlots("30 2 * * *", "Europe/Madrid", at("2026-10-25T00:30:00Z"), madrid)).toEqual([
      at("2026-10-25T00:30:00Z"),
    ]);
    expect(dueSlots("30 2 * * *", "Europe/Madrid", at("2026-10-25T01:30:00Z"), madrid)).toEqual([]);
  });

  it("catch up at most five missed minutes, never before the last slot fired", () => {
    const now = at("2026-12-07T10:10:10Z");
    expect(dueSlots("* * * * *", "UTC", now, { lastSlot: null, activatedAt: null })).toHaveLength(
      5,
    );
    expect(
      dueSlots("* * * * *", "UTC", now, {
        lastSlot: at("2026-12-07T10:08:00Z"),
        activatedAt: null,
      }),
    ).toEqual([at("2026-12-07T10:09:00Z"), at("2026-12-07T10:10:00Z")]);
  });
});

const triggerEvents = async (automationId: string) =>
  (
    await env.DB.prepare(
      "SELECT trigger_event_id AS id, contact_id FROM automation_runs WHERE automation_id = ? ORDER BY trigger_event_id",
    )
      .bind(automationId)
      .all<{ id: string; contact_id: string | null }>()
  ).results;

/** Makes the automation count as activated long before the ticks a test chooses. */
const activatedLongAgo = (automationId: string) =>
  env.DB.prepare("UPDATE automations SET activated_at = 0 WHERE id = ?").bind(automationId).run();

describe("schedule triggers", () => {
  it("fire at matching minutes in the trigger's timezone, once per slot", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const automation = await newAutomation(cookie, {
      trigger: { type: "schedule", cron: "0 9 * * *", timezone: "America/New_York" },
      steps: [{ id: "tag", type: "add_tag", tag: "never-used" }],
    });
    await activatedLongAgo(automation.id);
    // 09:00 in New York is 13:00 UTC until clocks go back on 1 November 2026, 14:00 UTC after
    await tick(at("2026-10-30T12:00:05Z"));
    await tick(at("2026-10-31T13:00:20Z"));
    // the cron handler called twice in one minute
    await tick(at("2026-10-31T13:00:40Z"));
    await tick(at("2026-11-02T13:00:10Z"));
    await tick(at("2026-11-02T14:00:10Z"));
    expect(await triggerEvents(automation.id)).toEqual([
      { id: `schedule:${automation.id}:2026-10-31T13:00:00.000Z`, contact_id: null },
      { id: `schedule:${automation.id}:2026-11-02T14:00:00.000Z`, contact_id: null },
    ]);
    // no conditions on contacts: one run without a contact per slot
    const runs = await runsOf(cookie, automation.id);
    expect(runs.data.map((r) => r.contact_id)).toEqual([null, null]);
  });

  it("use the workspace's timezone when the trigger names none", async () => {
    const ws = await newWorkspace();
    await db().update(workspaces).set({ timezone: "Asia/Tokyo" }).where(eq(workspaces.id, ws.id));
    const automation = await newAutomation(ws.ownerCookie, {
      trigger: { type: "schedule", cron: "30 8 * * *" },
      steps: [{ id: "tag", type: "add_tag", tag: "x" }],
    });
    await activatedLongAgo(automation.id);
    await tick(at("2026-12-07T08:30:00Z"));
    await tick(at("2026-12-06T23:30:00Z"));
    expect((await triggerEvents(automation.id)).map((e) => e.id)).toEqual([
      `schedule:${automation.id}:2026-12-06T23:30:00.000Z`,
    ]);
  });

  it("run for each contact the conditions hold for, a page at a time through the queue", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const contactIds: string[] = [];
    for (const [i, tags] of [["vip"], [], ["vip", "other"]].entries()) {
      const response = await api("/api/v1/contacts", {
        cookie,
        body: { name: `Person ${i}`, tags },
      });
      contactIds.push((await json<{ id: string }>(response)).id);
    }
    const automation = await newAutomation(cookie, {
      trigger: { type: "schedule", cron: "0 * * * *", timezone: "UTC" },
      conditions: { groups: [{ rules: [{ type: "tag", operator: "has", tag: "vip" }] }] },
      steps: [{ id: "tag", type: "add_tag", tag: "greeted" }],
    });
    await activatedLongAgo(automation.id);
    const slot = at("2026-12-07T10:00:00Z");
    await tick(slot + 5_000);
    // the tick queued the expansion rather than running it
    expect(await triggerEvents(automation.id)).toEqual([]);
    const job = { kind: "schedule", workspaceId: ws.id, automationId: automation.id, slot };
    const deliver = () =>
      consumeAutomations(
        createMessageBatch(AUTOMATIONS_QUEUE, [
          {
            id: "page-1",
            timestamp: new Date(slot),
            attempts: 1,
            body: { ...job, afterContactId: null },
          },
        ]) as MessageBatch<never>,
        env,
        { now: () => slot + 10_000 },
      );
    await deliver();
    await deliver();
    const iso = "2026-12-07T10:00:00.000Z";
    expect(await triggerEvents(automation.id)).toEqual(
      [contactIds[0], contactIds[2]]
        .map((id) => ({ id: `schedule:${automation.id}:${iso}:${id}`, contact_id: id }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    );
    const tagged = await json<{ tags: string[] }>(
      await api(`/api/v1/contacts/${contactIds[2]}`, { cookie }),
    );
    expect(tagged.tags).toContain("greeted");
  });
});
