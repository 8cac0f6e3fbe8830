import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { labelsReport } from "../domain/reports/labels";
import { agentLeaderboard, teamsReport } from "../domain/reports/leaderboards";
import { reportableWorkspaces } from "../domain/reports/organization";
import {
  busiestHours,
  consolidatedReport,
  conversationsReport,
  overviewNow,
  type ReportRange,
} from "../domain/reports/read";
import { rebuildRollups } from "../domain/reports/rebuild";
import { workspaceTimezone } from "../domain/scheduled-messages/hours";
import { requireRole } from "../lib/auth";
import type { Db } from "../lib/context";
import { csvResponse, toCsv } from "../lib/csv";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, jsonBody, jsonResponse } from "../schemas/common";
import {
  AgentsReport,
  BusiestHoursReport,
  ConsolidatedReport,
  ConsolidatedReportQuery,
  ConversationsReport,
  ConversationsReportQuery,
  LabelsReport,
  OverviewReport,
  RebuildRequest,
  RebuildResult,
  ReportQuery,
  TeamsReport,
  TeamsReportQuery,
} from "../schemas/reports";

const tags = ["Reports"];

/** A report answered as JSON, or as CSV with `format=csv`. */
export const withCsv = <T extends { content: Record<string, unknown> }>(response: T) => ({
  ...response,
  content: {
    ...response.content,
    "text/csv": { schema: z.string().openapi({ format: "binary" }) },
  },
});
// the team's figures are a supervisor's to read
export const supervisor = [requireRole("supervisor")];
export const rangeNote =
  "Figures come from counters kept per UTC hour, so a timezone whose offset is not a whole hour has its first and last half-hour counted by the hour they fall in.";

type ReportQueryShape = NonNullable<NonNullable<RouteConfig["request"]>["query"]>;

/** A report over a range of days: a supervisor's to read, as JSON or as CSV. */
export const rangeReportRoute = <Q extends ReportQueryShape, R extends z.ZodType>(spec: {
  path: string;
  summary: string;
  description: string;
  query: Q;
  report: R;
  answer: string;
}) =>
  createRoute({
    method: "get",
    path: spec.path,
    tags,
    summary: spec.summary,
    description: spec.description,
    security: authenticated,
    middleware: supervisor,
    request: { query: spec.query },
    responses: { 200: withCsv(jsonResponse(spec.report, spec.answer)), ...errorResponses },
  });

const overviewRoute = createRoute({
  method: "get",
  path: "/reports/overview",
  tags,
  summary: "The inbox now: conversations by state and the agents online",
  security: authenticated,
  middleware: supervisor,
  responses: { 200: jsonResponse(OverviewReport, "Live counts"), ...errorResponses },
});

const conversationsRoute = rangeReportRoute({
  path: "/reports/conversations",
  summary: "Conversations opened and closed, messages in and out, response and resolution times",
  description: `By day or hour in the timezone, with the totals of the range and of the same number of days before it. ${rangeNote}`,
  query: ConversationsReportQuery,
  report: ConversationsReport,
  answer: "The report",
});

const busiestHoursRoute = rangeReportRoute({
  path: "/reports/busiest-hours",
  summary: "Customers' messages by weekday and hour, in the timezone",
  description: rangeNote,
  query: ReportQuery,
  report: BusiestHoursReport,
  answer: "168 cells",
});

const agentsRoute = rangeReportRoute({
  path: "/reports/agents",
  summary: "Each agent's replies, first responses and closed conversations, most replies first",
  description: rangeNote,
  query: ReportQuery,
  report: AgentsReport,
  answer: "The leaderboard",
});

const teamsRoute = rangeReportRoute({
  path: "/reports/teams",
  summary: "Each team's first responses and closes, their times and SLA targets met",
  description: `Counted under the team a conversation was with when it was first answered and when it was closed. ${rangeNote}`,
  query: TeamsReportQuery,
  report: TeamsReport,
  answer: "Every team, busiest first",
});

const labelsRoute = rangeReportRoute({
  path: "/reports/labels",
  summary: "Each label's conversations opened and closed, and their resolution times",
  description:
    "By the labels conversations carry now: a label put on after a close counts for that close. Every label of the catalogue is listed, busiest first.",
  query: TeamsReportQuery,
  report: LabelsReport,
  answer: "Every label",
});

const consolidatedRoute = rangeReportRoute({
  path: "/reports/consolidated",
  summary:
    "The conversations report of every workspace of the organization you supervise, added up",
  description: `Each workspace of this workspace's organization where you are an active supervisor, admin or owner counts, with its own totals beside the sum; the range is read in \`timezone\` (this workspace's by default). ${rangeNote}`,
  query: ConsolidatedReportQuery,
  report: ConsolidatedReport,
  answer: "The sum and each workspace",
});

const rebuildRoute = createRoute({
  method: "post",
  path: "/reports/rebuild",
  tags,
  summary: "Recompute the report counters from the conversations and messages",
  description:
    "Compares the counters kept as things happened with a recompute from the stored conversations and messages, and (unless `dry_run`) replaces them with it. Run it once after upgrading from a version without reports.",
  security: authenticated,
  middleware: [requireRole("admin")],
  request: { body: jsonBody(RebuildRequest) },
  responses: { 200: jsonResponse(RebuildResult, "What differed"), ...errorResponses },
});

/** The range a report's query names: its days, timezone (the workspace's by default) and filter. */
export async function rangeOf(
  db: Db,
  workspaceId: string,
  query: {
    from: string;
    to: string;
    timezone?: string | undefined;
    hours?: ReportRange["hours"];
    channel_id?: string | undefined;
    agent_id?: string | undefined;
  },
): Promise<ReportRange> {
  return {
    from: query.from,
    to: query.to,
    timezone: query.timezone ?? (await workspaceTimezone(db, workspaceId)),
    hours: query.hours,
    channelId: query.channel_id,
    agentId: query.agent_id,
  };
}

/** Who asks: the request's database and workspace. */
const asked = (c: { get(key: "db"): Db; get(key: "principal"): { workspaceId: string } }) => ({
  db: c.get("db"),
  workspaceId: c.get("principal").workspaceId,
});

export const fileName = (report: string, range: ReportRange) =>
  `conversa-${report}-${range.from}-${range.to}.csv`;

function conversationsCsv(report: Awaited<ReturnType<typeof conversationsReport>>) {
  const columns = [
    "conversations_opened",
    "conversations_closed",
    "messages_in",
    "messages_out",
    "first_responses",
    "first_response_median_seconds",
    "resolution_median_seconds",
    "conversations_reopened",
    "assignments",
  ] as const;
  return toCsv(
    ["period", ...columns],
    report.series.map((row) => [row.period, ...columns.map((column) => row[column])]),
  );
}

/** One row per workspace with its totals, then the sum. */
function consolidatedCsv(report: Awaited<ReturnType<typeof consolidatedReport>>) {
  const row = (name: string, totals: (typeof report)["totals"]) => [
    name,
    totals.conversations_opened,
    totals.conversations_closed,
    totals.messages_in,
    totals.messages_out,
    totals.first_responses,
    totals.first_response_time.median_seconds,
    totals.resolution_time.median_seconds,
  ];
  return toCsv(
    [
      "workspace",
      "conversations_opened",
      "conversations_closed",
      "messages_in",
      "messages_out",
      "first_responses",
      "first_response_median_seconds",
      "resolution_median_seconds",
    ],
    [...report.workspaces.map((w) => row(w.name, w.totals)), row("Total", report.totals)],
  );
}

const busiestHoursCsv = (report: Awaited<ReturnType<typeof busiestHours>>) =>
  toCsv(
    ["weekday", "hour", "messages_in"],
    report.cells.map((cell) => [cell.weekday, cell.hour, cell.messages_in]),
  );

const agentsCsv = (report: Awaited<ReturnType<typeof agentLeaderboard>>) =>
  toCsv(
    [
      "agent",
      "agent_id",
      "replies",
      "first_responses",
      "first_response_median_seconds",
      "first_response_p90_seconds",
      "conversations_closed",
      "resolution_median_seconds",
      "resolution_p90_seconds",
      "assignments",
      "csat_percent",
      "nps",
    ],
    report.agents.map((agent) => [
      agent.name,
      agent.agent_id,
      agent.replies,
      agent.first_responses,
      agent.first_response_time.median_seconds,
      agent.first_response_time.p90_seconds,
      agent.conversations_closed,
      agent.resolution_time.median_seconds,
      agent.resolution_time.p90_seconds,
      agent.assignments,
      agent.csat,
      agent.nps,
    ]),
  );

const teamsCsv = (report: Awaited<ReturnType<typeof teamsReport>>) =>
  toCsv(
    [
      "team",
      "team_id",
      "assignments",
      "first_responses",
      "first_response_median_seconds",
      "first_response_sla_met",
      "first_response_sla_missed",
      "conversations_closed",
      "resolution_median_seconds",
      "resolution_sla_met",
      "resolution_sla_missed",
    ],
    report.teams.map((team) => [
      team.name,
      team.team_id,
      team.assignments,
      team.first_responses,
      team.first_response_time.median_seconds,
      team.first_response_sla.met,
      team.first_response_sla.missed,
      team.conversations_closed,
      team.resolution_time.median_seconds,
      team.resolution_sla.met,
      team.resolution_sla.missed,
    ]),
  );

const labelsCsv = (report: Awaited<ReturnType<typeof labelsReport>>) =>
  toCsv(
    [
      "label",
      "conversations_opened",
      "conversations_closed",
      "resolution_median_seconds",
      "resolution_p90_seconds",
    ],
    report.labels.map((label) => [
      label.label,
      label.conversations_opened,
      label.conversations_closed,
      label.resolution_time.median_seconds,
      label.resolution_time.p90_seconds,
    ]),
  );

export const reportsRouter = createRouter()
  .openapi(overviewRoute, async (c) => {
    return c.json(await overviewNow(c.get("db"), c.get("principal").workspaceId), 200);
  })
  .openapi(conversationsRoute, async (c) => {
    const { db, workspaceId, query } = { ...asked(c), query: c.req.valid("query") };
    const range = await rangeOf(db, workspaceId, query);
    const report = await conversationsReport(db, workspaceId, range, query.granularity);
    if (query.format === "json") return c.json(report, 200);
    return csvResponse(conversationsCsv(report), fileName("conversations", range));
  })
  .openapi(busiestHoursRoute, async (c) => {
    const { db, workspaceId, query } = { ...asked(c), query: c.req.valid("query") };
    const range = await rangeOf(db, workspaceId, query);
    const report = await busiestHours(db, workspaceId, range);
    if (query.format === "json") return c.json(report, 200);
    return csvResponse(busiestHoursCsv(report), fileName("busiest-hours", range));
  })
  .openapi(agentsRoute, async (c) => {
    const { db, workspaceId, query } = { ...asked(c), query: c.req.valid("query") };
    const range = await rangeOf(db, workspaceId, query);
    const report = await agentLeaderboard(db, workspaceId, range);
    if (query.format === "json") return c.json(report, 200);
    return csvResponse(agentsCsv(report), fileName("agents", range));
  })
  .openapi(teamsRoute, async (c) => {
    const { db, workspaceId, query } = { ...asked(c), query: c.req.valid("query") };
    const range = await rangeOf(db, workspaceId, query);
    const report = await teamsReport(db, workspaceId, range);
    if (query.format === "json") return c.json(report, 200);
    return csvResponse(teamsCsv(report), fileName("teams", range));
  })
  .openapi(labelsRoute, async (c) => {
    const { db, workspaceId, query } = { ...asked(c), query: c.req.valid("query") };
    const range = await rangeOf(db, workspaceId, query);
    const report = await labelsReport(db, workspaceId, range);
    if (query.format === "json") return c.json(report, 200);
    return csvResponse(labelsCsv(report), fileName("labels", range));
  })
  .openapi(consolidatedRoute, async (c) => {
    const { db, workspaceId, query } = { ...asked(c), query: c.req.valid("query") };
    const range = await rangeOf(db, workspaceId, query);
    const workspaces = await reportableWorkspaces(db, c.get("principal"));
    const report = await consolidatedReport(db, workspaces, range, query.granularity);
    if (query.format === "json") return c.json(report, 200);
    return csvResponse(consolidatedCsv(report), fileName("locations", range));
  })
  .openapi(rebuildRoute, async (c) => {
    const { dry_run } = c.req.valid("json");
    const result = await rebuildRollups(c.get("db"), c.get("principal").workspaceId, dry_run);
    return c.json(result, 200);
  });
