import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import { broadcastRecipients, broadcastRuns, broadcasts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { LEDGER_COUNTS, type LedgerGroup, tally } from "../broadcasts/stats";
import { previousRange, type ReportRange } from "./read";
import { instantsOf } from "./span";

/** Runs started in the range. */
const startedIn = (workspaceId: string, range: ReportRange) => {
  const { start, end } = instantsOf(range);
  return inWorkspace(
    broadcastRuns,
    workspaceId,
    gte(broadcastRuns.startedAt, start),
    lt(broadcastRuns.startedAt, end),
  );
};

/** The send ledger of the runs started in the range, counted per broadcast, status and reason. */
const ledgerOfRunsIn = (db: Db, workspaceId: string, range: ReportRange) =>
  db
    .select({ broadcastId: broadcastRuns.broadcastId, ...LEDGER_COUNTS })
    .from(broadcastRuns)
    .innerJoin(
      broadcastRecipients,
      and(
        eq(broadcastRecipients.workspaceId, workspaceId),
        eq(broadcastRecipients.broadcastId, broadcastRuns.broadcastId),
        eq(broadcastRecipients.run, broadcastRuns.run),
      ),
    )
    .where(startedIn(workspaceId, range))
    .groupBy(broadcastRuns.broadcastId, broadcastRecipients.status, broadcastRecipients.reason);

/** The broadcasts with a run started in the range: how many runs, the first one's start. */
const runsStartedIn = (db: Db, workspaceId: string, range: ReportRange) =>
  db
    .select({
      id: broadcastRuns.broadcastId,
      runs: sql<number>`count(*)`,
      firstStartedAt: sql<number>`min(${broadcastRuns.startedAt})`,
    })
    .from(broadcastRuns)
    .where(startedIn(workspaceId, range))
    .groupBy(broadcastRuns.broadcastId);

/** The broadcasts' names and channels, by id. */
async function broadcastsById(db: Db, workspaceId: string, ids: string[]) {
  const rows = await readInChunks(ids, (chunk) =>
    db
      .select({ id: broadcasts.id, name: broadcasts.name, channelId: broadcasts.channelId })
      .from(broadcasts)
      .where(inWorkspace(broadcasts, workspaceId, inArray(broadcasts.id, chunk))),
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** What the report shows of some ledger groups. */
function figures(groups: LedgerGroup[]) {
  const counts = tally(groups);
  return {
    recipients: counts.targeted,
    sent: counts.sent,
    delivered: counts.delivered,
    read: counts.read,
    replied: counts.replied,
    clicked: counts.clicked,
    failed: counts.failed,
    opted_out: counts.excluded_by_reason.opted_out ?? 0,
  };
}

/** Broadcast runs started in the range: recipients and what became of them, per broadcast and in all. */
export async function broadcastsReport(db: Db, workspaceId: string, range: ReportRange) {
  const before = previousRange(range);
  const [started, ledger, previousStarted, previousLedger] = await Promise.all([
    runsStartedIn(db, workspaceId, range),
    ledgerOfRunsIn(db, workspaceId, range),
    runsStartedIn(db, workspaceId, before),
    ledgerOfRunsIn(db, workspaceId, before),
  ]);
  const runs = (rows: typeof started) => rows.reduce((n, row) => n + row.runs, 0);
  const named = await broadcastsById(
    db,
    workspaceId,
    started.map((row) => row.id),
  );
  // the latest started first
  const shown = started
    .filter((row) => named.has(row.id))
    .sort((a, b) => b.firstStartedAt - a.firstStartedAt || a.id.localeCompare(b.id));
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    totals: { runs: runs(started), ...figures(ledger) },
    previous: {
      from: before.from,
      to: before.to,
      totals: { runs: runs(previousStarted), ...figures(previousLedger) },
    },
    broadcasts: shown.map((row) => ({
      broadcast_id: row.id,
      name: named.get(row.id)?.name ?? "",
      channel_id: named.get(row.id)?.channelId ?? "",
      runs: row.runs,
      first_started_at: new Date(row.firstStartedAt).toISOString(),
      ...figures(ledger.filter((group) => group.broadcastId === row.id)),
    })),
  };
}
