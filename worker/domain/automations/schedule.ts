import { and, asc, eq, gt, isNull, lt, or } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { automations, automationVersions, contacts, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { type Conditions, type CronTime, cronMatches } from "../../schemas/automation-rules";
import { localParts } from "./effects";
import { startRuns } from "./runner";
import { definitionOf } from "./store";

const MINUTE = 60_000;
/** A late or missed cron invocation catches up this many minutes, the current one included. */
const CATCH_UP_MINUTES = 5;
/** Contacts one queued job starts runs for: a big workspace never runs in one invocation. */
export const CONTACT_PAGE_SIZE = 100;

/** One page of the contacts a schedule slot runs for, queued on AUTOMATIONS beside wake-ups. */
export type ScheduleJob = {
  kind: "schedule";
  workspaceId: string;
  automationId: string;
  slot: number;
  afterContactId: string | null;
};

const slotOf = (at: number) => Math.floor(at / MINUTE) * MINUTE;

export const slotEventId = (automationId: string, slot: number, contactId?: string) =>
  [`schedule:${automationId}:${new Date(slot).toISOString()}`, contactId].filter(Boolean).join(":");

function cronTimeAt(at: number, timezone: string): CronTime {
  const local = localParts(at, timezone);
  const [, month = 1, day = 1] = local.date.split("-").map(Number);
  return {
    minute: local.minutes % 60,
    hour: Math.floor(local.minutes / 60),
    day,
    month,
    weekday: local.day,
  };
}

/** When clocks fall back, a wall-clock minute shows twice: only its first showing is a slot. */
function repeatsEarlierWallMinute(slot: number, timezone: string) {
  const local = localParts(slot, timezone);
  return [30, 60].some((minutes) => {
    const earlier = localParts(slot - minutes * MINUTE, timezone);
    return earlier.date === local.date && earlier.minutes === local.minutes;
  });
}

/**
 * The minutes of the catch-up window the cron names in `timezone` that have not fired yet (after
 * `lastSlot`) and come after the automation was activated, oldest first.
 */
export function dueSlots(
  cron: string,
  timezone: string,
  now: number,
  since: { lastSlot: number | null; activatedAt: number | null },
) {
  const current = slotOf(now);
  const slots: number[] = [];
  for (let back = CATCH_UP_MINUTES - 1; back >= 0; back--) {
    const slot = current - back * MINUTE;
    if (since.lastSlot !== null && slot <= since.lastSlot) continue;
    if (since.activatedAt !== null && slot < slotOf(since.activatedAt)) continue;
    if (!cronMatches(cron, cronTimeAt(slot, timezone))) continue;
    if (!repeatsEarlierWallMinute(slot, timezone)) slots.push(slot);
  }
  return slots;
}

/** Conditions on tags or contact fields: the schedule runs for each contact they hold for. */
export const namesContactFacts = (conditions: Conditions) =>
  conditions.groups.some((group) =>
    group.rules.some((rule) => rule.type === "tag" || rule.type === "field"),
  );

/** Every workspace's active schedule-triggered automations: the cron tick finds its own work. */
const scheduledAutomations = (db: Db) =>
  acrossWorkspaces(db)
    .select({
      automation: automations,
      version: automationVersions,
      workspaceTimezone: workspaces.timezone,
    })
    .from(automations)
    .innerJoin(automationVersions, eq(automationVersions.id, automations.versionId))
    .innerJoin(workspaces, eq(workspaces.id, automations.workspaceId))
    .where(and(eq(automations.status, "active"), eq(automationVersions.triggerType, "schedule")));

/** Marks the slot fired; false when it (or a later one) already was, by this tick or another. */
async function claimSlot(db: Db, workspaceId: string, automationId: string, slot: number) {
  const [claimed] = await db
    .update(automations)
    .set({ scheduleSlot: slot })
    .where(
      inWorkspace(
        automations,
        workspaceId,
        eq(automations.id, automationId),
        or(isNull(automations.scheduleSlot), lt(automations.scheduleSlot, slot)),
      ),
    )
    .returning({ id: automations.id });
  return claimed !== undefined;
}

type Scheduled = Awaited<ReturnType<typeof scheduledAutomations>>[number];

async function fireDueSlots(
  db: Db,
  env: Env,
  { automation, version, workspaceTimezone }: Scheduled,
  now: number,
) {
  const definition = definitionOf(version);
  if (definition.trigger.type !== "schedule") return;
  const timezone = definition.trigger.timezone ?? workspaceTimezone;
  const slots = dueSlots(definition.trigger.cron, timezone, now, {
    lastSlot: automation.scheduleSlot,
    activatedAt: automation.activatedAt,
  });
  const { id: automationId, workspaceId } = automation;
  for (const slot of slots) {
    if (!(await claimSlot(db, workspaceId, automationId, slot))) continue;
    if (namesContactFacts(definition.conditions))
      await env.AUTOMATIONS.send({
        kind: "schedule",
        workspaceId,
        automationId,
        slot,
        afterContactId: null,
      } satisfies ScheduleJob);
    else
      await startRuns(
        db,
        env,
        {
          type: "schedule",
          id: slotEventId(automationId, slot),
          workspaceId,
          at: slot,
          automationId,
        },
        now,
      );
  }
}

/**
 * The periodic job: fires each active automation whose schedule names a minute due now (or
 * missed within the catch-up window), each slot once. One automation failing never keeps the
 * others from firing.
 */
export async function fireScheduleTriggers(db: Db, env: Env, now: number) {
  for (const scheduled of await scheduledAutomations(db)) {
    try {
      await fireDueSlots(db, env, scheduled, now);
    } catch (error) {
      console.error(`schedule of automation ${scheduled.automation.id} failed`, error);
    }
  }
}

/**
 * A queued page of a slot: starts a run for each of the next contacts the conditions hold for,
 * then queues the page after it. Runs are keyed by slot and contact, so a redelivered page
 * starts none twice.
 */
export async function runSchedulePage(db: Db, env: Env, job: ScheduleJob, now: number) {
  const automation = await db.query.automations.findFirst({
    columns: { status: true },
    where: inWorkspace(automations, job.workspaceId, eq(automations.id, job.automationId)),
  });
  if (automation?.status !== "active") return;
  const page = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      inWorkspace(
        contacts,
        job.workspaceId,
        job.afterContactId ? gt(contacts.id, job.afterContactId) : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(CONTACT_PAGE_SIZE);
  for (const { id: contactId } of page)
    await startRuns(
      db,
      env,
      {
        type: "schedule",
        id: slotEventId(job.automationId, job.slot, contactId),
        workspaceId: job.workspaceId,
        at: job.slot,
        contactId,
        automationId: job.automationId,
      },
      now,
    );
  const last = page.at(-1);
  if (page.length === CONTACT_PAGE_SIZE && last)
    await env.AUTOMATIONS.send({ ...job, afterContactId: last.id } satisfies ScheduleJob);
}
