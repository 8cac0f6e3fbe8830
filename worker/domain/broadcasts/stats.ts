import type { z } from "@hono/zod-openapi";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { broadcastRecipients } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { notFound } from "../../lib/errors";
import type { BroadcastRunSchema, BroadcastStats } from "../../schemas/broadcasts";
import { isoOrNull, toIso } from "../../schemas/common";
import { getBroadcast } from "./broadcasts";
import { latestRun, ledgerOfRun, listRuns, type RunRow, runKey } from "./runs";
import { variantStats } from "./variants";

type Counts = Omit<
  z.infer<typeof BroadcastStats>,
  "status" | "waiting_reason" | "waiting_until" | "winner" | "variants"
>;

const emptyCounts = (): Counts => ({
  targeted: 0,
  excluded: 0,
  excluded_by_reason: {},
  queued: 0,
  held: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  replied: 0,
  clicked: 0,
  failed: 0,
});

/** What the ledger counts of a group of its rows of one status and reason. */
export const LEDGER_COUNTS = {
  status: broadcastRecipients.status,
  reason: broadcastRecipients.reason,
  n: sql<number>`count(*)`,
  delivered: sql<number>`count(${broadcastRecipients.deliveredAt})`,
  read: sql<number>`count(${broadcastRecipients.readAt})`,
  replied: sql<number>`count(${broadcastRecipients.repliedAt})`,
  clicked: sql<number>`count(${broadcastRecipients.clickedAt})`,
};

/** The ledger's counts by run, status and reason, of the rows `where` takes. */
const ledgerGroups = (db: Db, where: SQL | undefined) =>
  db
    .select({ run: broadcastRecipients.run, ...LEDGER_COUNTS })
    .from(broadcastRecipients)
    .where(where)
    .groupBy(broadcastRecipients.run, broadcastRecipients.status, broadcastRecipients.reason);

/** The counts of ledger rows of one status and reason. */
export type LedgerGroup = Omit<Awaited<ReturnType<typeof ledgerGroups>>[number], "run">;

/** Ledger groups added up into a broadcast's (or a run's) counts. */
export function tally(groups: LedgerGroup[], counts = emptyCounts()) {
  for (const group of groups) {
    counts.targeted += group.n;
    counts.delivered += group.delivered;
    counts.read += group.read;
    counts.replied += group.replied;
    counts.clicked += group.clicked;
    if (group.status === "excluded") {
      counts.excluded += group.n;
      const reason = group.reason ?? "other";
      counts.excluded_by_reason[reason] = (counts.excluded_by_reason[reason] ?? 0) + group.n;
    } else if (group.status === "queued" || group.status === "sending") counts.queued += group.n;
    else counts[group.status] += group.n;
  }
  return counts;
}

/** Why a run's sends wait, if they do. */
const waitingOf = (run: RunRow | undefined) => ({
  waiting_reason: run?.waitingReason === "max_per_window" ? ("max_per_window" as const) : null,
  waiting_until: run?.waitingReason ? isoOrNull(run.waitingUntil) : null,
});

/** The ledger's counts: of every run together, or of one run (its status then is the run's). */
export async function broadcastStats(
  db: Db,
  workspaceId: string,
  id: string,
  run?: number,
): Promise<z.infer<typeof BroadcastStats>> {
  const broadcast = await getBroadcast(db, workspaceId, id);
  if (run === undefined) {
    const every = inWorkspace(
      broadcastRecipients,
      workspaceId,
      eq(broadcastRecipients.broadcastId, id),
    );
    const latest = await latestRun(db, workspaceId, id);
    return {
      status: broadcast.status,
      ...tally(await ledgerGroups(db, every)),
      ...waitingOf(latest),
      winner: broadcast.winner,
      variants: await variantStats(db, broadcast),
    };
  }
  const ref = { workspaceId, broadcastId: id, run };
  const row = await db.query.broadcastRuns.findFirst({ where: runKey(ref) });
  if (!row) throw notFound("Run");
  return {
    status: row.status,
    ...tally(await ledgerGroups(db, and(ledgerOfRun(ref)))),
    ...waitingOf(row),
    winner: broadcast.winner,
    variants: await variantStats(db, broadcast),
  };
}

/** The broadcast's runs, newest first, each with its counts. */
export async function runsWithStats(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<z.infer<typeof BroadcastRunSchema>[]> {
  await getBroadcast(db, workspaceId, id);
  const runs = await listRuns(db, workspaceId, id);
  const groups = await ledgerGroups(
    db,
    inWorkspace(broadcastRecipients, workspaceId, eq(broadcastRecipients.broadcastId, id)),
  );
  return runs.map((run) => ({
    run: run.run,
    period_key: run.periodKey,
    status: run.status,
    started_at: toIso(run.startedAt),
    finished_at: isoOrNull(run.finishedAt),
    ...tally(groups.filter((g) => g.run === run.run)),
    ...waitingOf(run),
  }));
}
