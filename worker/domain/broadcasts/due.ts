import { and, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { leaseLapsed } from "../../db/lease";
import { broadcastRecipients, broadcasts, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { Problem } from "../../lib/errors";
import { startBroadcast } from "./commands";
import { queueJobs, sendJobs } from "./jobs";
import { duePeriod, recurrenceEnded } from "./recurrence";
import { completeIfDone, latestRun, type RunRef } from "./runs";

/** Broadcasts looked at per kind per tick. */
const TICK_LIMIT = 100;

/** A due start another tick (or a person) got to first is no failure; others fail alone. */
function unlessTaken(error: unknown) {
  if (error instanceof Problem && error.status === 409) return;
  console.error("a due broadcast did not start", error);
}

/** One-off broadcasts whose `send_at` has come start. */
async function startDueOneOffs(db: Db, env: Env, now: number) {
  const due = await acrossWorkspaces(db)
    .select({ id: broadcasts.id, workspaceId: broadcasts.workspaceId })
    .from(broadcasts)
    .where(
      and(
        eq(broadcasts.status, "scheduled"),
        isNull(broadcasts.recurrence),
        lte(broadcasts.sendAt, now),
      ),
    )
    .limit(TICK_LIMIT);
  for (const row of due)
    await startBroadcast(db, env, row.workspaceId, row.id, now).catch(unlessTaken);
}

/**
 * Recurring broadcasts waiting for their next period: the period due now gets its run (once,
 * whatever the ticks); one whose recurrence has ended completes.
 */
async function startDueRecurrences(db: Db, env: Env, now: number) {
  const waiting = await acrossWorkspaces(db)
    .select({ broadcast: broadcasts, workspaceTimezone: workspaces.timezone })
    .from(broadcasts)
    .innerJoin(workspaces, eq(workspaces.id, broadcasts.workspaceId))
    .where(and(eq(broadcasts.status, "scheduled"), isNotNull(broadcasts.recurrence)))
    .orderBy(broadcasts.id)
    .limit(TICK_LIMIT * 5);
  for (const { broadcast, workspaceTimezone } of waiting) {
    const recurrence = broadcast.recurrence;
    if (!recurrence) continue;
    const { workspaceId, id } = broadcast;
    const runs = (await latestRun(db, workspaceId, id))?.run ?? 0;
    const timezone = recurrence.timezone ?? workspaceTimezone;
    const period = duePeriod(recurrence, timezone, now, broadcast.sendAt ?? broadcast.createdAt);
    if (recurrenceEnded(recurrence, runs, period?.at ?? now)) {
      await db
        .update(broadcasts)
        .set({ status: "completed", finishedAt: now, updatedAt: now })
        .where(
          inWorkspace(
            broadcasts,
            workspaceId,
            eq(broadcasts.id, id),
            eq(broadcasts.status, "scheduled"),
          ),
        );
      continue;
    }
    if (period) await startBroadcast(db, env, workspaceId, id, now, period.key).catch(unlessTaken);
  }
}

/** Rows released per page, and pages per tick, of recipients whose local send time came. */
const RELEASE_PAGE = 500;
const RELEASE_PAGES = 20;

/**
 * Recipients of running broadcasts whose local send time has come are released (their due
 * time cleared, in one statement, so no two ticks release a row twice) and queued, a page at
 * a time.
 */
async function releaseDueRecipients(db: Db, env: Env, now: number) {
  const every = acrossWorkspaces(db);
  for (let page = 0; page < RELEASE_PAGES; page++) {
    const due = every
      .select({ rowid: sql`${broadcastRecipients}.rowid` })
      .from(broadcastRecipients)
      .innerJoin(broadcasts, eq(broadcasts.id, broadcastRecipients.broadcastId))
      .where(
        and(
          eq(broadcasts.status, "running"),
          eq(broadcastRecipients.status, "queued"),
          lte(broadcastRecipients.dueAt, now),
        ),
      )
      .limit(RELEASE_PAGE);
    const released = await every
      .update(broadcastRecipients)
      .set({ dueAt: null })
      .where(inArray(sql`rowid`, due))
      .returning({
        workspaceId: broadcastRecipients.workspaceId,
        broadcastId: broadcastRecipients.broadcastId,
        run: broadcastRecipients.run,
        contactId: broadcastRecipients.contactId,
      });
    const byRun = new Map<string, { ref: RunRef; ids: string[] }>();
    for (const row of released) {
      const key = `${row.broadcastId} ${row.run}`;
      const group = byRun.get(key) ?? { ref: row, ids: [] };
      group.ids.push(row.contactId);
      byRun.set(key, group);
    }
    for (const { ref, ids } of byRun.values()) await queueJobs(env, sendJobs(ref, ids));
    if (released.length < RELEASE_PAGE) return;
  }
}

/** Running broadcasts whose sends were left held by a worker that died send again. */
async function requeueStuckSends(db: Db, env: Env, now: number) {
  const stuck = await acrossWorkspaces(db)
    .selectDistinct({
      broadcastId: broadcastRecipients.broadcastId,
      workspaceId: broadcastRecipients.workspaceId,
      run: broadcastRecipients.run,
    })
    .from(broadcastRecipients)
    .innerJoin(broadcasts, eq(broadcasts.id, broadcastRecipients.broadcastId))
    .where(and(eq(broadcasts.status, "running"), leaseLapsed(broadcastRecipients, now)))
    .limit(TICK_LIMIT);
  await queueJobs(
    env,
    stuck.map((row) => ({ kind: "requeue" as const, ...row, after: null })),
  );
  for (const row of stuck) await completeIfDone(db, row, now);
}

/**
 * The minute's cron: starts one-off broadcasts that are due and recurring ones' due periods,
 * queues the recipients whose local send time has come, and sends again for running ones whose sends were left held by a worker that died.
 */
export async function runDueBroadcasts(db: Db, env: Env, now: number) {
  await startDueOneOffs(db, env, now);
  await startDueRecurrences(db, env, now);
  await releaseDueRecipients(db, env, now);
  await requeueStuckSends(db, env, now);
}
