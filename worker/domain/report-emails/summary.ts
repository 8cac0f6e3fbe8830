import type { ReportEmailFrequency } from "../../db/schema";
import type { Db } from "../../lib/context";
import { csatReport } from "../reports/csat";
import { agentLeaderboard } from "../reports/leaderboards";
import { conversationsReport, type ReportRange } from "../reports/read";

/** Agents named in the summary, most replies first. */
const TOP_AGENTS = 5;
const DAY_MS = 86_400_000;

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The days a period sent on local date `sendDate` sums up: the 7 (or 1) days before it. */
export function summaryRange(
  frequency: ReportEmailFrequency,
  sendDate: string,
  timezone: string,
): ReportRange {
  const days = frequency === "weekly" ? 7 : 1;
  return { from: addDays(sendDate, -days), to: addDays(sendDate, -1), timezone };
}

export type Workspace = { id: string; name: string };

/** What the e-mail reports: the range's totals beside the range before, top agents, surveys. */
export async function buildSummary(
  db: Db,
  workspace: Workspace,
  frequency: ReportEmailFrequency,
  range: ReportRange,
) {
  const [conversations, leaderboard, csat] = await Promise.all([
    conversationsReport(db, workspace.id, range, "day"),
    agentLeaderboard(db, workspace.id, range),
    csatReport(db, workspace.id, range),
  ]);
  return {
    workspace: workspace.name,
    frequency,
    from: range.from,
    to: range.to,
    totals: conversations.totals,
    previous: conversations.previous.totals,
    agents: leaderboard.agents.slice(0, TOP_AGENTS).map((agent) => ({
      name: agent.name,
      replies: agent.replies,
      closed: agent.conversations_closed,
    })),
    csat: csat.totals.responses > 0 ? csat.totals : null,
  };
}

export type Summary = Awaited<ReturnType<typeof buildSummary>>;
