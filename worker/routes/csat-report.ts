import { csatReport } from "../domain/reports/csat";
import { csvResponse, toCsv } from "../lib/csv";
import { createRouter } from "../lib/router";
import { CsatReport } from "../schemas/csat";
import { ReportQuery } from "../schemas/reports";
import { fileName, rangeNote, rangeOf, rangeReportRoute } from "./reports";

const csatRoute = rangeReportRoute({
  path: "/reports/csat",
  summary: "Satisfaction surveys: sent, answered, CSAT, NPS and the scores, in total and per day",
  description: `Surveys count on the day they were sent (asked) or answered (scores); by agent, the one who closed the conversation, else its assignee. ${rangeNote}`,
  query: ReportQuery,
  report: CsatReport,
  answer: "The report",
});

const csatCsv = (report: Awaited<ReturnType<typeof csatReport>>) => {
  const columns = [
    "asked",
    "responses",
    "csat_responses",
    "csat_percent",
    "csat_average",
    "nps_responses",
    "nps",
  ] as const;
  return toCsv(
    ["period", ...columns],
    report.series.map((row) => [row.period, ...columns.map((column) => row[column])]),
  );
};

export const csatReportRouter = createRouter().openapi(csatRoute, async (c) => {
  const query = c.req.valid("query");
  const { workspaceId } = c.get("principal");
  const db = c.get("db");
  const range = await rangeOf(db, workspaceId, query);
  const report = await csatReport(db, workspaceId, range);
  if (query.format === "csv") return csvResponse(csatCsv(report), fileName("csat", range));
  return c.json(report, 200);
});
