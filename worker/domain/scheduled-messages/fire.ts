import { and, eq, lt, lte, or } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { leaseLapsed, takeLease } from "../../db/lease";
import { scheduledMessages } from "../../db/schema";
import type { Db } from "../../lib/context";
import { Problem } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { Refused } from "../broadcasts/send";
import { instantOf, localParts } from "../routing/hours";
import { armScheduled, type ScheduledRef } from "./alarm";
import { placeInHours, workspaceTimezone } from "./hours";
import { sendScheduled } from "./send";
import { type ScheduledRow, scheduledKey } from "./store";

/** How long a worker holds a message it sends before it is taken for dead. */
const SEND_LEASE_MS = 2 * 60_000;
/** Unexpected errors (not refusals) are retried this many times in all. */
const MAX_ATTEMPTS = 5;
const HOUR_MS = 3_600_000;

/** A calendar date (`YYYY-MM-DD`) `every` days, weeks or months later; the 31st of a short month is its last day. */
function laterDate(date: string, every: number, unit: "days" | "weeks" | "months") {
  const [y = 1970, m = 1, d = 1] = date.split("-").map(Number);
  if (unit !== "months")
    return new Date(Date.UTC(y, m - 1, d + every * (unit === "weeks" ? 7 : 1)))
      .toISOString()
      .slice(0, 10);
  const lastDay = new Date(Date.UTC(y, m + every, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + every, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** Where a series' times are counted from: an occurrence's time and number. */
type Anchor = { at: number; occurrence: number };

/**
 * The series' occurrence number `occurrence`, counted from `anchor`. Hours are elapsed time;
 * days, weeks and months keep the anchor's wall-clock time in `timezone` (09:00 stays 09:00
 * across a DST change, and a time the clocks skip one night is back the next) and its day of
 * the month (the 31st is a short month's last day, and the 31st again after it).
 */
function occurrenceAt(
  anchor: Anchor,
  occurrence: number,
  repeat: NonNullable<ScheduledRow["repeat"]>,
  timezone: string,
) {
  const steps = (occurrence - anchor.occurrence) * repeat.every;
  if (repeat.unit === "hours") return anchor.at + steps * HOUR_MS;
  const { date, minutes } = localParts(anchor.at, timezone);
  const withinMinute = anchor.at % 60_000;
  return instantOf(laterDate(date, steps, repeat.unit), minutes, timezone) + withinMinute;
}

/**
 * Takes the message for sending, as one statement: pending and due by `dueBy`, or left
 * `sending` by a worker whose lease lapsed. A second alarm, a retry or the safety net racing
 * it find nothing to take.
 */
async function claim(db: Db, ref: ScheduledRef, dueBy: number, now: number) {
  const t = scheduledMessages;
  const [row] = await db
    .update(t)
    .set(takeLease(t, now, SEND_LEASE_MS))
    .where(
      and(
        scheduledKey(ref.workspaceId, ref.id),
        lte(t.sendAt, dueBy),
        or(eq(t.status, "pending"), leaseLapsed(t, now)),
      ),
    )
    .returning();
  return row;
}

async function settle(db: Db, row: ScheduledRow, values: Partial<ScheduledRow>, now: number) {
  await db
    .update(scheduledMessages)
    .set({ ...values, leaseUntil: null, updatedAt: now })
    .where(and(scheduledKey(row.workspaceId, row.id), eq(scheduledMessages.status, "sending")));
}

/**
 * When a repeating message goes next (skipping times already past), or null when it ends;
 * `timezone` (the workspace's) keeps its time of day, counted from `anchor` (the row itself
 * unless told otherwise).
 */
export function nextOccurrence(
  row: ScheduledRow,
  now: number,
  timezone = "UTC",
  anchor: Anchor = { at: row.requestedAt, occurrence: row.occurrence },
) {
  const { repeat } = row;
  if (!repeat) return null;
  const until = repeat.until ? Date.parse(repeat.until) : Number.POSITIVE_INFINITY;
  let occurrence = row.occurrence;
  let at: number;
  do {
    occurrence += 1;
    at = occurrenceAt(anchor, occurrence, repeat, timezone);
    if ((repeat.count !== undefined && occurrence >= repeat.count) || at > until) return null;
  } while (at <= now);
  return { occurrence, at };
}

/**
 * The series' first occurrence, which later ones are counted from, unless this one was moved
 * off the series' times: then the series goes on from it.
 */
async function anchorOf(db: Db, row: ScheduledRow, timezone: string): Promise<Anchor> {
  const own = { at: row.requestedAt, occurrence: row.occurrence };
  if (row.occurrence === 0 || !row.repeat) return own;
  const first = await db.query.scheduledMessages.findFirst({
    columns: { requestedAt: true },
    where: scheduledKey(row.workspaceId, row.seriesId),
  });
  if (!first) return own;
  const anchor = { at: first.requestedAt, occurrence: 0 };
  return occurrenceAt(anchor, row.occurrence, row.repeat, timezone) === row.requestedAt
    ? anchor
    : own;
}

/** Writes the series' next occurrence once (its number is unique in the series) and arms it. */
async function scheduleNext(db: Db, env: Env, row: ScheduledRow, now: number) {
  const timezone = await workspaceTimezone(db, row.workspaceId);
  const next = nextOccurrence(row, now, timezone, await anchorOf(db, row, timezone));
  if (!next) return;
  const sendAt = await placeInHours(db, row.workspaceId, row.businessHoursId, next.at).catch(
    () => next.at,
  );
  const [inserted] = await db
    .insert(scheduledMessages)
    .values({
      ...row,
      id: newId("sch", now),
      occurrence: next.occurrence,
      requestedAt: next.at,
      sendAt,
      status: "pending",
      reason: null,
      attempts: 0,
      leaseUntil: null,
      messageId: null,
      sentConversationId: null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted) await armScheduled(env, inserted);
}

const errorText = (error: unknown) =>
  error instanceof Problem
    ? (error.detail ?? error.title)
    : error instanceof Error
      ? error.message
      : String(error);

/**
 * Sends one scheduled message at most once. A refusal (the channel's rules, a deleted contact)
 * is recorded as `failed`; another error puts it back to `pending` and is thrown, so the alarm
 * is retried (and the safety net picks it up), until it has been tried MAX_ATTEMPTS times.
 */
export async function fireScheduled(
  db: Db,
  env: Env,
  ref: ScheduledRef,
  dueBy: number,
  now: number,
) {
  const row = await claim(db, ref, dueBy, now);
  if (!row) return null;
  try {
    const sent = await sendScheduled(db, env, row, now);
    await scheduleNext(db, env, row, now);
    await settle(
      db,
      row,
      {
        status: "sent",
        reason: null,
        messageId: sent.messageId,
        sentConversationId: sent.conversationId,
      },
      now,
    );
    return "sent";
  } catch (error) {
    const refused = error instanceof Refused;
    if (refused || row.attempts >= MAX_ATTEMPTS) {
      await scheduleNext(db, env, row, now);
      await settle(db, row, { status: "failed", reason: errorText(error) }, now);
      return "failed";
    }
    await settle(db, row, { status: "pending" }, now);
    throw error;
  }
}

/**
 * The safety net, every minute: pending messages overdue by a minute (their alarm was lost)
 * and sends whose worker died are fired here. Claims keep it from sending twice.
 */
export async function fireOverdueScheduled(db: Db, env: Env, now: number) {
  const t = scheduledMessages;
  const overdue = await acrossWorkspaces(db)
    .select({ id: t.id, workspaceId: t.workspaceId })
    .from(t)
    .where(or(and(eq(t.status, "pending"), lt(t.sendAt, now - 60_000)), leaseLapsed(t, now)))
    .limit(50);
  for (const ref of overdue)
    await fireScheduled(db, env, ref, now, now).catch((error: unknown) =>
      console.error("scheduled message failed", ref.id, error),
    );
}
