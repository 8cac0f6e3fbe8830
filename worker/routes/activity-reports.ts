import type { z } from "@hono/zod-openapi";
import { aiReport } from "../domain/reports/ai";
import { automationsReport } from "../domain/reports/automations";
import { broadcastsReport } from "../domain/reports/broadcasts";
import { contactsReport } from "../domain/reports/contacts";
import type { ReportRange } from "../domain/reports/read";
import type { Db } from "../lib/context";
import { csvResponse, toCsv } from "../lib/csv";
import { createRouter } from "../lib/router";
import {
  AiReport,
  AutomationsReport,
  BroadcastsReport,
  ContactsReport,
} from "../schemas/activity-reports";
import { WorkspaceReportQuery } from "../schemas/reports";
import { fileName, rangeOf, rangeReportRoute } from "./reports";

const rangeNote =
  "The range is read in `timezone` (the workspace's by default), with the totals of the same number of days before it.";

const broadcastsRoute = rangeReportRoute({
  path: "/reports/broadcasts",
  summary:
    "Broadcast runs started in the range: recipients, sent, delivered, read, replied, clicked, failed, opted out",
  description: `Per broadcast and in total, from the send ledger of the runs that started in the range. ${rangeNote}`,
  query: WorkspaceReportQuery,
  report: BroadcastsReport,
  answer: "The report",
});

const automationsRoute = rangeReportRoute({
  path: "/reports/automations",
  summary: "Automation runs started in the range by outcome, and the messages they sent",
  description: `Per automation and in total. ${rangeNote}`,
  query: WorkspaceReportQuery,
  report: AutomationsReport,
  answer: "The report",
});

const aiRoute = rangeReportRoute({
  path: "/reports/ai",
  summary: "The assistant's answers and handoffs, and AI calls and tokens by feature",
  description: `Failed calls are counted while the call log keeps them. ${rangeNote}`,
  query: WorkspaceReportQuery,
  report: AiReport,
  answer: "The report",
});

const contactsRoute = rangeReportRoute({
  path: "/reports/contacts",
  summary: "New contacts per day and by where they came from",
  description: `Contacts count on the day they were created, counted per UTC hour, so a timezone whose offset is not a whole hour has its first and last half-hour counted by the hour they fall in. ${rangeNote}`,
  query: WorkspaceReportQuery,
  report: ContactsReport,
  answer: "The report",
});

const BROADCAST_COLUMNS = [
  "runs",
  "recipients",
  "sent",
  "delivered",
  "read",
  "replied",
  "clicked",
  "failed",
  "opted_out",
] as const;

const broadcastsCsv = (report: z.infer<typeof BroadcastsReport>) =>
  toCsv(
    ["broadcast", "broadcast_id", "first_started_at", ...BROADCAST_COLUMNS],
    report.broadcasts.map((row) => [
      row.name,
      row.broadcast_id,
      row.first_started_at,
      ...BROADCAST_COLUMNS.map((column) => row[column]),
    ]),
  );

const AUTOMATION_COLUMNS = [
  "runs",
  "completed",
  "failed",
  "stopped",
  "limited",
  "in_progress",
  "messages_sent",
] as const;

const automationsCsv = (report: z.infer<typeof AutomationsReport>) =>
  toCsv(
    ["automation", "automation_id", ...AUTOMATION_COLUMNS],
    report.automations.map((row) => [
      row.name,
      row.automation_id,
      ...AUTOMATION_COLUMNS.map((column) => row[column]),
    ]),
  );

const AI_COLUMNS = [
  "calls",
  "failed_calls",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
] as const;

/** One row per feature; the assistant's answers and handoffs on its row. */
const aiCsv = (report: z.infer<typeof AiReport>) =>
  toCsv(
    ["feature", ...AI_COLUMNS, "answers", "handoffs", "resolved"],
    report.features.map((row) => {
      const assistant = row.feature === "assistant";
      return [
        row.feature,
        ...AI_COLUMNS.map((column) => row[column]),
        assistant ? report.totals.answers : 0,
        assistant ? report.totals.handoffs : 0,
        assistant ? report.totals.resolved : 0,
      ];
    }),
  );

/** One row per day; a column per source that brought any contact in the range. */
function contactsCsv(report: z.infer<typeof ContactsReport>) {
  const sources = Object.keys(report.totals.by_source) as (keyof typeof report.totals.by_source)[];
  return toCsv(
    ["period", "new_contacts", ...sources],
    report.series.map((row) => [
      row.period,
      row.new_contacts,
      ...sources.map((source) => row.by_source[source] ?? 0),
    ]),
  );
}

type Asked = { db: Db; workspaceId: string; range: ReportRange };

/** The range a request names, in the caller's workspace. */
async function askedFor(c: {
  get(key: "db"): Db;
  get(key: "principal"): { workspaceId: string };
  req: { valid(target: "query"): z.infer<typeof WorkspaceReportQuery> };
}): Promise<Asked & { csv: boolean }> {
  const db = c.get("db");
  const { workspaceId } = c.get("principal");
  const query = c.req.valid("query");
  return {
    db,
    workspaceId,
    range: await rangeOf(db, workspaceId, query),
    csv: query.format === "csv",
  };
}

export const activityReportsRouter = createRouter()
  .openapi(broadcastsRoute, async (c) => {
    const { db, workspaceId, range, csv } = await askedFor(c);
    const report = await broadcastsReport(db, workspaceId, range);
    if (csv) return csvResponse(broadcastsCsv(report), fileName("broadcasts", range));
    return c.json(report, 200);
  })
  .openapi(automationsRoute, async (c) => {
    const { db, workspaceId, range, csv } = await askedFor(c);
    const report = await automationsReport(db, workspaceId, range);
    if (csv) return csvResponse(automationsCsv(report), fileName("automations", range));
    return c.json(report, 200);
  })
  .openapi(aiRoute, async (c) => {
    const { db, workspaceId, range, csv } = await askedFor(c);
    const report = await aiReport(db, workspaceId, range);
    if (csv) return csvResponse(aiCsv(report), fileName("ai", range));
    return c.json(report, 200);
  })
  .openapi(contactsRoute, async (c) => {
    const { db, workspaceId, range, csv } = await askedFor(c);
    const report = await contactsReport(db, workspaceId, range);
    if (csv) return csvResponse(contactsCsv(report), fileName("contacts", range));
    return c.json(report, 200);
  });
