import { gte, lt, ne, sql } from "drizzle-orm";
import {
  AI_FEATURES,
  type AiFeature,
  aiAssistantActivity,
  aiCalls,
  aiUsage,
  HANDOFF_BY,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { previousRange, type ReportRange } from "./read";
import { instantsOf } from "./span";

const count = sql<number>`count(*)`;

/** Calls that answered, and their tokens, per feature. */
function usageIn(db: Db, workspaceId: string, range: ReportRange) {
  const { start, end } = instantsOf(range);
  return db
    .select({
      feature: aiUsage.feature,
      calls: count,
      prompt: sql<number>`coalesce(sum(${aiUsage.promptTokens}), 0)`,
      completion: sql<number>`coalesce(sum(${aiUsage.completionTokens}), 0)`,
    })
    .from(aiUsage)
    .where(inWorkspace(aiUsage, workspaceId, gte(aiUsage.at, start), lt(aiUsage.at, end)))
    .groupBy(aiUsage.feature);
}

/** Calls that got no answer (timeout, provider error, budget), per feature, from the call log. */
function failedCallsIn(db: Db, workspaceId: string, range: ReportRange) {
  const { start, end } = instantsOf(range);
  return db
    .select({ feature: aiCalls.feature, calls: count })
    .from(aiCalls)
    .where(
      inWorkspace(
        aiCalls,
        workspaceId,
        gte(aiCalls.at, start),
        lt(aiCalls.at, end),
        ne(aiCalls.outcome, "ok"),
      ),
    )
    .groupBy(aiCalls.feature);
}

/** The assistant's answers, handoffs (by who asked) and settled questions. */
function activityIn(db: Db, workspaceId: string, range: ReportRange) {
  const { start, end } = instantsOf(range);
  return db
    .select({ kind: aiAssistantActivity.kind, by: aiAssistantActivity.by, n: count })
    .from(aiAssistantActivity)
    .where(
      inWorkspace(
        aiAssistantActivity,
        workspaceId,
        gte(aiAssistantActivity.at, start),
        lt(aiAssistantActivity.at, end),
      ),
    )
    .groupBy(aiAssistantActivity.kind, aiAssistantActivity.by);
}

type Rows = {
  usage: Awaited<ReturnType<typeof usageIn>>;
  failed: Awaited<ReturnType<typeof failedCallsIn>>;
  activity: Awaited<ReturnType<typeof activityIn>>;
};

async function rowsIn(db: Db, workspaceId: string, range: ReportRange): Promise<Rows> {
  const [usage, failed, activity] = await Promise.all([
    usageIn(db, workspaceId, range),
    failedCallsIn(db, workspaceId, range),
    activityIn(db, workspaceId, range),
  ]);
  return { usage, failed, activity };
}

function featureFigures(rows: Rows, feature: AiFeature) {
  const usage = rows.usage.find((row) => row.feature === feature);
  const prompt = usage?.prompt ?? 0;
  const completion = usage?.completion ?? 0;
  return {
    calls: usage?.calls ?? 0,
    failed_calls: rows.failed.find((row) => row.feature === feature)?.calls ?? 0,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

const activityCount = (rows: Rows, kind: string, by?: string) =>
  rows.activity
    .filter((row) => row.kind === kind && (by === undefined || row.by === by))
    .reduce((n, row) => n + row.n, 0);

function totals(rows: Rows) {
  const features = AI_FEATURES.map((feature) => featureFigures(rows, feature));
  const sum = (key: keyof (typeof features)[number]) =>
    features.reduce((n, figures) => n + figures[key], 0);
  return {
    answers: activityCount(rows, "answer"),
    handoffs: activityCount(rows, "handoff"),
    resolved: activityCount(rows, "resolved"),
    calls: sum("calls"),
    failed_calls: sum("failed_calls"),
    prompt_tokens: sum("prompt_tokens"),
    completion_tokens: sum("completion_tokens"),
    total_tokens: sum("total_tokens"),
  };
}

/** The assistant's answers and handoffs, and AI calls and tokens per feature, over the range. */
export async function aiReport(db: Db, workspaceId: string, range: ReportRange) {
  const before = previousRange(range);
  const [rows, previousRows] = await Promise.all([
    rowsIn(db, workspaceId, range),
    rowsIn(db, workspaceId, before),
  ]);
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    totals: totals(rows),
    previous: { from: before.from, to: before.to, totals: totals(previousRows) },
    handoffs_by: Object.fromEntries(
      HANDOFF_BY.map((by) => [by, activityCount(rows, "handoff", by)]),
    ) as Record<(typeof HANDOFF_BY)[number], number>,
    features: AI_FEATURES.map((feature) => ({ feature, ...featureFigures(rows, feature) })),
  };
}
