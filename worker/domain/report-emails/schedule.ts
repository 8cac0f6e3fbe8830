import { eq, inArray, isNull, lt, or } from "drizzle-orm";
import {
  channels,
  memberships,
  type ReportEmailFrequency,
  reportEmailSchedules,
  users,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { type FieldError, validationFailed } from "../../lib/errors";
import { isoOrNull } from "../../schemas/common";
import { nextRunAt } from "../broadcasts/recurrence";

export type ScheduleRow = typeof reportEmailSchedules.$inferSelect;

export type ScheduleInput = {
  channel_id: string;
  recipient_ids: string[];
  frequency: ReportEmailFrequency;
  weekday: number;
  time: string;
  enabled: boolean;
};

/** The roles that may read reports, and so receive them. */
export const REPORT_READERS = ["supervisor", "admin", "owner"] as const;

export const scheduleOf = (db: Db, workspaceId: string) =>
  db.query.reportEmailSchedules.findFirst({
    where: inWorkspace(reportEmailSchedules, workspaceId),
  });

/** When the schedule sends, as the broadcasts' recurrence reads it. */
export const recurrenceOf = (schedule: Pick<ScheduleRow, "frequency" | "weekday" | "time">) => ({
  every: schedule.frequency,
  days_of_week: [schedule.weekday],
  time: schedule.time,
});

/** The chosen people who receive the summary: active members who may read reports. */
export async function readersAmong(db: Db, workspaceId: string, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db
    .select({ id: users.id, email: users.email, language: users.language })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      inWorkspace(
        memberships,
        workspaceId,
        inArray(memberships.userId, userIds),
        eq(memberships.active, true),
        inArray(memberships.role, [...REPORT_READERS]),
      ),
    );
}

/** Refuses a channel that is not one of the workspace's live email channels, and non-readers. */
async function checkInput(db: Db, workspaceId: string, input: ScheduleInput) {
  const errors: FieldError[] = [];
  const channel = await db.query.channels.findFirst({
    columns: { id: true },
    where: inWorkspace(
      channels,
      workspaceId,
      eq(channels.id, input.channel_id),
      eq(channels.type, "email"),
      isNull(channels.deletedAt),
    ),
  });
  if (!channel) errors.push({ path: "channel_id", message: "no such email channel" });
  const readers = new Set(
    (await readersAmong(db, workspaceId, input.recipient_ids)).map((r) => r.id),
  );
  input.recipient_ids.forEach((id, i) => {
    if (!readers.has(id))
      errors.push({
        path: `recipient_ids.${i}`,
        message: "is not an active supervisor, admin or owner of this workspace",
      });
  });
  if (input.enabled && input.recipient_ids.length === 0)
    errors.push({ path: "recipient_ids", message: "choose at least one recipient" });
  if (errors.length) throw validationFailed(errors);
}

/** Stores the workspace's schedule (the one it has is replaced); what was sent stays known. */
export async function saveSchedule(db: Db, workspaceId: string, input: ScheduleInput, now: number) {
  const recipientIds = [...new Set(input.recipient_ids)];
  await checkInput(db, workspaceId, { ...input, recipient_ids: recipientIds });
  const values = {
    channelId: input.channel_id,
    recipientIds,
    frequency: input.frequency,
    weekday: input.weekday,
    time: input.time,
    enabled: input.enabled,
    updatedAt: now,
  };
  const [row] = await db
    .insert(reportEmailSchedules)
    .values({ workspaceId, ...values })
    .onConflictDoUpdate({ target: reportEmailSchedules.workspaceId, set: values })
    .returning();
  if (!row) throw new Error("the schedule was not stored");
  return row;
}

const UNSET = {
  channel_id: null,
  recipient_ids: [] as string[],
  frequency: "weekly" as const,
  weekday: 1,
  time: "09:00",
  enabled: false,
  last_sent_period: null,
  last_sent_at: null,
  last_error: null,
  next_send_at: null,
};

/** The schedule as the API shows it; a workspace without one sees the defaults, disabled. */
export function toScheduleDto(row: ScheduleRow | undefined, timezone: string, now: number) {
  if (!row) return { ...UNSET, timezone };
  const next = row.enabled ? nextRunAt(recurrenceOf(row), timezone, now, row.updatedAt, 0) : null;
  return {
    channel_id: row.channelId,
    recipient_ids: row.recipientIds,
    frequency: row.frequency,
    weekday: row.weekday,
    time: row.time,
    enabled: row.enabled,
    timezone,
    last_sent_period: row.lastSentPeriod,
    last_sent_at: isoOrNull(row.lastSentAt),
    last_error: row.lastError,
    next_send_at: isoOrNull(next),
  };
}

/**
 * Claims a period for sending: true for the one call that moved `last_sent_period` forward to
 * it, however many ticks ask at once.
 */
export async function claimPeriod(db: Db, workspaceId: string, period: string) {
  const claimed = await db
    .update(reportEmailSchedules)
    .set({ lastSentPeriod: period })
    .where(
      inWorkspace(
        reportEmailSchedules,
        workspaceId,
        eq(reportEmailSchedules.enabled, true),
        // period keys are local dates: a later one sorts after
        or(
          isNull(reportEmailSchedules.lastSentPeriod),
          lt(reportEmailSchedules.lastSentPeriod, period),
        ),
      ),
    )
    .returning({ workspaceId: reportEmailSchedules.workspaceId });
  return claimed.length === 1;
}
