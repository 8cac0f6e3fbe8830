import { and, desc, eq, inArray, isNotNull, notExists, sql } from "drizzle-orm";
import {
  type BroadcastRunStatus,
  broadcastRecipients,
  broadcastRuns,
  broadcasts,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { recurrenceEnded } from "./recurrence";

/** One run of one broadcast: what every ledger row and queue job names. */
export type RunRef = { workspaceId: string; broadcastId: string; run: number };

export type RunRow = typeof broadcastRuns.$inferSelect;

/** A one-off broadcast's single run has this period key. */
export const ONCE = "once";

export const runKey = (ref: RunRef) =>
  inWorkspace(
    broadcastRuns,
    ref.workspaceId,
    eq(broadcastRuns.broadcastId, ref.broadcastId),
    eq(broadcastRuns.run, ref.run),
  );

export const ledgerOfRun = (ref: RunRef) =>
  inWorkspace(
    broadcastRecipients,
    ref.workspaceId,
    eq(broadcastRecipients.broadcastId, ref.broadcastId),
    eq(broadcastRecipients.run, ref.run),
  );

/**
 * Opens the broadcast's next run for `periodKey`, numbered after the last. Null when that
 * period already has its run: two ticks (or a late catch-up) never make two.
 */
export async function openRun(
  db: Db,
  broadcast: { workspaceId: string; id: string },
  periodKey: string,
  now: number,
) {
  const [row] = await db
    .insert(broadcastRuns)
    .select(
      sql`select ${broadcast.workspaceId}, ${broadcast.id}, coalesce(max(${broadcastRuns.run}), 0) + 1, ${periodKey}, 'running', ${now}, null, null, null, null from ${broadcastRuns} where ${inWorkspace(broadcastRuns, broadcast.workspaceId, eq(broadcastRuns.broadcastId, broadcast.id))}`,
    )
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/** The broadcast's latest run (the one pause, resume, cancel and retry act on), if any. */
export const latestRun = (db: Db, workspaceId: string, broadcastId: string) =>
  db.query.broadcastRuns.findFirst({
    where: inWorkspace(broadcastRuns, workspaceId, eq(broadcastRuns.broadcastId, broadcastId)),
    orderBy: desc(broadcastRuns.run),
  });

/** The newest runs a listing shows. */
const RUNS_LISTED = 100;

export const listRuns = (db: Db, workspaceId: string, broadcastId: string) =>
  db.query.broadcastRuns.findMany({
    where: inWorkspace(broadcastRuns, workspaceId, eq(broadcastRuns.broadcastId, broadcastId)),
    orderBy: desc(broadcastRuns.run),
    limit: RUNS_LISTED,
  });

/** Sets the status of the broadcast's latest run, when it is one of `from`. */
export async function setLatestRunStatus(
  db: Db,
  workspaceId: string,
  broadcastId: string,
  change: { from: BroadcastRunStatus[]; to: BroadcastRunStatus; now: number },
) {
  const run = await latestRun(db, workspaceId, broadcastId);
  if (!run) return;
  const finished = change.to === "completed" || change.to === "cancelled";
  await db
    .update(broadcastRuns)
    .set({ status: change.to, finishedAt: finished ? change.now : null })
    .where(and(runKey(run), inArray(broadcastRuns.status, change.from)));
}

/**
 * Why the run's sends wait, and until when; null once they go again. Only a change writes, so
 * a run that is not waiting costs one indexed read per batch.
 */
export async function markWaiting(
  db: Db,
  ref: RunRef,
  waiting: { reason: string; until: number } | null,
) {
  await db
    .update(broadcastRuns)
    .set({ waitingReason: waiting?.reason ?? null, waitingUntil: waiting?.until ?? null })
    .where(
      and(
        runKey(ref),
        waiting
          ? sql`${broadcastRuns.waitingUntil} is not ${waiting.until}`
          : isNotNull(broadcastRuns.waitingReason),
      ),
    );
}

/** The run's audience is all in the ledger: it may complete once its sends are done. */
export const markExpanded = (db: Db, ref: RunRef, now: number) =>
  db.update(broadcastRuns).set({ expandedAt: now }).where(runKey(ref));

/**
 * Completes a running run whose audience is all in and whose sends are all done. A one-off
 * broadcast completes with it; a recurring one waits, `scheduled`, for its next period (or
 * completes when its recurrence has ended).
 */
export async function completeIfDone(db: Db, ref: RunRef, now: number) {
  const pending = db
    .select({ one: sql`1` })
    .from(broadcastRecipients)
    .where(
      and(ledgerOfRun(ref), inArray(broadcastRecipients.status, ["queued", "sending", "held"])),
    );
  const [done] = await db
    .update(broadcastRuns)
    .set({ status: "completed", finishedAt: now })
    .where(
      and(
        runKey(ref),
        eq(broadcastRuns.status, "running"),
        isNotNull(broadcastRuns.expandedAt),
        notExists(pending),
      ),
    )
    .returning();
  if (!done) return;
  const broadcast = await db.query.broadcasts.findFirst({
    where: inWorkspace(broadcasts, ref.workspaceId, eq(broadcasts.id, ref.broadcastId)),
  });
  if (!broadcast) return;
  const again =
    broadcast.recurrence !== null && !recurrenceEnded(broadcast.recurrence, done.run, now);
  await db
    .update(broadcasts)
    .set(
      again
        ? { status: "scheduled", updatedAt: now }
        : { status: "completed", finishedAt: now, updatedAt: now },
    )
    .where(
      inWorkspace(
        broadcasts,
        ref.workspaceId,
        eq(broadcasts.id, ref.broadcastId),
        eq(broadcasts.status, "running"),
      ),
    );
}
