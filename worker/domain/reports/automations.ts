import { gte, inArray, lt, sql } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import { automationRuns, automations, type RunStatus } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { previousRange, type ReportRange } from "./read";
import { instantsOf } from "./span";

/** Runs started in the range, counted per automation and status, with the messages they sent. */
function runsIn(db: Db, workspaceId: string, range: ReportRange) {
  const { start, end } = instantsOf(range);
  return db
    .select({
      automationId: automationRuns.automationId,
      status: automationRuns.status,
      runs: sql<number>`count(*)`,
      messagesSent: sql<number>`coalesce(sum(${automationRuns.messagesSent}), 0)`,
    })
    .from(automationRuns)
    .where(
      inWorkspace(
        automationRuns,
        workspaceId,
        gte(automationRuns.startedAt, start),
        lt(automationRuns.startedAt, end),
      ),
    )
    .groupBy(automationRuns.automationId, automationRuns.status);
}

/** The automations' names, by id. */
async function namesOf(db: Db, workspaceId: string, ids: string[]) {
  const rows = await readInChunks(ids, (chunk) =>
    db
      .select({ id: automations.id, name: automations.name })
      .from(automations)
      .where(inWorkspace(automations, workspaceId, inArray(automations.id, chunk))),
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}

type RunGroup = Awaited<ReturnType<typeof runsIn>>[number];

/** Where a run ended up; one still running or waiting is `in_progress`. */
const OUTCOME: Record<RunStatus, "completed" | "failed" | "stopped" | "limited" | "in_progress"> = {
  completed: "completed",
  failed: "failed",
  stopped: "stopped",
  limited: "limited",
  running: "in_progress",
  waiting: "in_progress",
};

function figures(groups: RunGroup[]) {
  const counts = {
    runs: 0,
    completed: 0,
    failed: 0,
    stopped: 0,
    limited: 0,
    in_progress: 0,
    messages_sent: 0,
  };
  for (const group of groups) {
    counts.runs += group.runs;
    counts[OUTCOME[group.status]] += group.runs;
    counts.messages_sent += group.messagesSent;
  }
  return counts;
}

/** Automation runs started in the range by outcome, and the messages they sent, per automation and in all. */
export async function automationsReport(db: Db, workspaceId: string, range: ReportRange) {
  const before = previousRange(range);
  const [groups, previousGroups] = await Promise.all([
    runsIn(db, workspaceId, range),
    runsIn(db, workspaceId, before),
  ]);
  const names = await namesOf(db, workspaceId, [...new Set(groups.map((g) => g.automationId))]);
  const perAutomation = [...names].map(([id, name]) => ({
    automation_id: id,
    name,
    ...figures(groups.filter((group) => group.automationId === id)),
  }));
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    totals: figures(groups),
    previous: { from: before.from, to: before.to, totals: figures(previousGroups) },
    automations: perAutomation.sort(
      (a, b) =>
        b.runs - a.runs ||
        a.name.localeCompare(b.name) ||
        a.automation_id.localeCompare(b.automation_id),
    ),
  };
}
