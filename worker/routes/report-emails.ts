import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { users } from "../db/schema";
import { saveSchedule, scheduleOf, toScheduleDto } from "../domain/report-emails/schedule";
import { sendTest } from "../domain/report-emails/send";
import { localParts } from "../domain/routing/hours";
import { workspaceTimezone } from "../domain/scheduled-messages/hours";
import { audit } from "../domain/workspace/audit";
import { requireRole } from "../lib/auth";
import { Problem, validationFailed } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, jsonBody, jsonResponse, ProblemSchema } from "../schemas/common";
import {
  ReportEmailSchedule,
  ReportEmailScheduleInput,
  ReportEmailTestResult,
} from "../schemas/report-emails";

const tags = ["Reports"];
const admins = [requireRole("admin")];
const PATH = "/reports/email-schedule";

const getRoute = createRoute({
  method: "get",
  path: PATH,
  tags,
  summary: "The summary e-mail: its channel, recipients, when it goes and how the last send went",
  security: authenticated,
  middleware: admins,
  responses: { 200: jsonResponse(ReportEmailSchedule, "The schedule"), ...errorResponses },
});

const putRoute = createRoute({
  method: "put",
  path: PATH,
  tags,
  summary: "Set the summary e-mail sent to chosen members through an email channel",
  description:
    "Each period is sent once, at `time` on its day in the workspace's timezone (later in the day if the clock was late), with the conversations, messages, response times, top agents and satisfaction of the days before, beside the period before them.",
  security: authenticated,
  middleware: admins,
  request: { body: jsonBody(ReportEmailScheduleInput) },
  responses: { 200: jsonResponse(ReportEmailSchedule, "The schedule"), ...errorResponses },
});

const sendTestRoute = createRoute({
  method: "post",
  path: `${PATH}/send-test`,
  tags,
  summary: "Send the summary of the last complete period to yourself now",
  security: authenticated,
  middleware: admins,
  responses: {
    200: jsonResponse(ReportEmailTestResult, "Sent"),
    ...errorResponses,
    502: {
      description: "The email provider refused it",
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
  },
});

export const reportEmailsRouter = createRouter()
  .openapi(getRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const db = c.get("db");
    const timezone = await workspaceTimezone(db, workspaceId);
    const row = await scheduleOf(db, workspaceId);
    return c.json(toScheduleDto(row, timezone, c.get("clock").now()), 200);
  })
  .openapi(putRoute, async (c) => {
    const principal = c.get("principal");
    const db = c.get("db");
    const input = c.req.valid("json");
    const now = c.get("clock").now();
    const row = await saveSchedule(db, principal.workspaceId, input, now);
    await audit(
      db,
      principal,
      "report_email_schedule.updated",
      { type: "report_email_schedule", id: null },
      input,
      now,
    );
    const timezone = await workspaceTimezone(db, principal.workspaceId);
    return c.json(toScheduleDto(row, timezone, now), 200);
  })
  .openapi(sendTestRoute, async (c) => {
    const { workspaceId, userId } = c.get("principal");
    const db = c.get("db");
    const now = c.get("clock").now();
    const caller = userId
      ? await db.query.users.findFirst({
          columns: { email: true, language: true },
          where: eq(users.id, userId),
        })
      : undefined;
    if (!caller) throw validationFailed([{ path: "", message: "no person to send it to" }]);
    const timezone = await workspaceTimezone(db, workspaceId);
    const today = localParts(now, timezone).date;
    const schedule = await scheduleOf(db, workspaceId);
    const { failure, subject } = await sendTest(db, c.env, schedule, caller, today, now);
    if (failure)
      throw new Problem(502, "platform-error", "The provider refused the e-mail", failure);
    return c.json({ sent_to: caller.email, subject }, 200);
  });
