import { eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { type AiFeature, aiUsage } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { newId } from "../../lib/ids";
import type { AiUsageDto } from "../../schemas/ai";
import type { AiSettingsRow } from "./settings";

export type UsageRecord = {
  conversationId: string | null;
  feature: AiFeature;
  model: string;
  promptTokens: number;
  completionTokens: number;
};

/** Records one call's tokens; returns the usage row's id. */
export async function recordUsage(db: Db, workspaceId: string, usage: UsageRecord, now: number) {
  const id = newId("aiu", now);
  await db.insert(aiUsage).values({ id, workspaceId, ...usage, at: now });
  return id;
}

/** The calendar month (UTC) as "YYYY-MM" and its bounds in ms. */
export function monthOf(at: number | string) {
  const date = typeof at === "number" ? new Date(at) : new Date(`${at}-01T00:00:00Z`);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    month: `${year}-${String(month + 1).padStart(2, "0")}`,
    from: Date.UTC(year, month, 1),
    to: Date.UTC(year, month + 1, 1),
  };
}

const promptSum = sql<number>`coalesce(sum(${aiUsage.promptTokens}), 0)`;
const completionSum = sql<number>`coalesce(sum(${aiUsage.completionTokens}), 0)`;
const totalSum = sql<number>`coalesce(sum(${aiUsage.promptTokens} + ${aiUsage.completionTokens}), 0)`;

async function tokensWhere(db: Db, workspaceId: string, ...conditions: SQL[]) {
  const [row] = await db
    .select({ total: totalSum })
    .from(aiUsage)
    .where(inWorkspace(aiUsage, workspaceId, ...conditions));
  return row?.total ?? 0;
}

/** Tokens the workspace used in the calendar month (UTC) of `now`. */
export function monthTokens(db: Db, workspaceId: string, now: number) {
  const { from, to } = monthOf(now);
  return tokensWhere(db, workspaceId, gte(aiUsage.at, from), lt(aiUsage.at, to));
}

/** Tokens one conversation used, for its conversation budget. */
export const conversationTokens = (db: Db, workspaceId: string, conversationId: string) =>
  tokensWhere(db, workspaceId, eq(aiUsage.conversationId, conversationId));

/** Which budget the next call would go over, or null when there is room. */
export async function exhaustedBudget(
  db: Db,
  settings: AiSettingsRow,
  conversationId: string | null,
  now: number,
): Promise<string | null> {
  const { workspaceId, monthlyTokenBudget, conversationTokenBudget } = settings;
  if (
    monthlyTokenBudget !== null &&
    (await monthTokens(db, workspaceId, now)) >= monthlyTokenBudget
  )
    return `the workspace used its ${monthlyTokenBudget} AI tokens for this month`;
  if (
    conversationId &&
    conversationTokenBudget !== null &&
    (await conversationTokens(db, workspaceId, conversationId)) >= conversationTokenBudget
  )
    return `this conversation used its ${conversationTokenBudget} AI tokens`;
  return null;
}

const withTotal = <T extends { prompt_tokens: number; completion_tokens: number }>(row: T) => ({
  ...row,
  total_tokens: row.prompt_tokens + row.completion_tokens,
});

/** The month's usage by feature and by day (UTC), against the budget. */
export async function usageReport(
  db: Db,
  settings: AiSettingsRow,
  month: string,
): Promise<AiUsageDto> {
  const { from, to } = monthOf(month);
  const inMonth = inWorkspace(
    aiUsage,
    settings.workspaceId,
    gte(aiUsage.at, from),
    lt(aiUsage.at, to),
  );
  const day = sql<string>`strftime('%Y-%m-%d', ${aiUsage.at} / 1000, 'unixepoch')`;
  const sums = { prompt_tokens: promptSum, completion_tokens: completionSum };
  const [byFeature, byDay] = await Promise.all([
    db
      .select({ feature: aiUsage.feature, ...sums })
      .from(aiUsage)
      .where(inMonth)
      .groupBy(aiUsage.feature)
      .orderBy(aiUsage.feature),
    db
      .select({ day, ...sums })
      .from(aiUsage)
      .where(inMonth)
      .groupBy(day)
      .orderBy(day),
  ]);
  const prompt = byFeature.reduce((n, row) => n + row.prompt_tokens, 0);
  const completion = byFeature.reduce((n, row) => n + row.completion_tokens, 0);
  const total = prompt + completion;
  const budget = settings.monthlyTokenBudget;
  return {
    month: monthOf(month).month,
    monthly_token_budget: budget,
    conversation_token_budget: settings.conversationTokenBudget,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    remaining_tokens: budget === null ? null : Math.max(0, budget - total),
    by_feature: byFeature.map(withTotal),
    by_day: byDay.map(withTotal),
  };
}
