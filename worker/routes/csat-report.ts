import { createRoute } from "@hono/zod-openapi";
import { csatReport } from "../domain/reports/csat";
import { csvResponse, toCsv } from "../lib/csv";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, jsonResponse } from "../schemas/common";
import { CsatReport } from "../schemas/csat";
import { ReportQuery } from "../schemas/reports";
import { fileName, rangeNote, rangeOf, supervisor, withCsv } from "./reports";

const csatRoute = createRoute({
  method: "get",
  path: "/reports/csat",
  tags: ["Reports"],
  summary: "Satisfaction surveys: sent, answered, CSAT, NPS and the scores, in total and per day",
  description: `Surveys count on the day they were sent (asked) or answered (scores); by agent, the one who closed the conversation, else its assignee. ${rangeNote}`,
  security: authenticated,
  middleware: supervisor,
  request: { query: ReportQuery },
  responses: { 200: withCsv(jsonResponse(CsatReport, "The report")), ...errorResponses },
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
