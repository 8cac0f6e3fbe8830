import { createRoute, z } from "@hono/zod-openapi";
import {
  automationSettingsOf,
  getRun,
  listRuns,
  recentRunStats,
  retryRun,
  runStats,
  startManualRun,
  updateAutomationSettings,
} from "../domain/automations/runs";
import {
  activateAutomation,
  createAutomation,
  deactivateAutomation,
  deleteAutomation,
  duplicateAutomation,
  getAutomation,
  listAutomations,
  rotateWebhookToken,
  updateAutomation,
} from "../domain/automations/store";
import { withWebhookUrl } from "../domain/automations/webhook";
import { requireRole } from "../lib/auth";
import { pageOf } from "../lib/pagination";
import { authenticated, createRouter } from "../lib/router";
import {
  ManualRunBody,
  RecentRunStats,
  RunListQuery,
  RunSchema,
  RunStats,
  RunWithSteps,
} from "../schemas/automation-runs";
import {
  AutomationCreate,
  AutomationListQuery,
  AutomationPatch,
  AutomationSchema,
  AutomationSettingsPatch,
  AutomationSettingsSchema,
  DeactivateBody,
} from "../schemas/automations";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";

const tags = ["Automations"];
const admin = [requireRole("admin")];
const supervisor = [requireRole("supervisor")];
const AutomationId = IdParam("aut");
const RunId = IdParam("run");

const AutomationListItem = AutomationSchema.extend({ recent_stats: RecentRunStats }).openapi(
  "AutomationListItem",
);

const listRoute = createRoute({
  method: "get",
  path: "/automations",
  tags,
  summary: "The workspace's automations, newest first",
  security: authenticated,
  middleware: supervisor,
  request: { query: AutomationListQuery },
  responses: {
    200: jsonResponse(
      z.object({ data: z.array(AutomationListItem) }),
      "Automations, each with its runs of the last 7 days",
    ),
    ...errorResponses,
  },
});

const createAutomationRoute = createRoute({
  method: "post",
  path: "/automations",
  tags,
  summary: "Create an automation (a draft until activated)",
  description:
    "Every team, member, channel, snippet, business hours, automation, contact field, label, template and variable it names must exist, or nothing is stored and a 422 names each path (`steps.2.team_id`).",
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(AutomationCreate) },
  responses: { 201: jsonResponse(AutomationSchema, "Created"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/automations/{id}",
  tags,
  summary: "One automation as its latest version defines it",
  security: authenticated,
  middleware: supervisor,
  request: { params: AutomationId },
  responses: { 200: jsonResponse(AutomationSchema, "The automation"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/automations/{id}",
  tags,
  summary: "Rename it, or change what it does (a new version: runs under way finish on theirs)",
  security: authenticated,
  middleware: admin,
  request: { params: AutomationId, body: jsonBody(AutomationPatch) },
  responses: { 200: jsonResponse(AutomationSchema, "Saved"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/automations/{id}",
  tags,
  summary: "Delete an automation, its versions and its run log",
  security: authenticated,
  middleware: admin,
  request: { params: AutomationId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const activateRoute = createRoute({
  method: "post",
  path: "/automations/{id}/activate",
  tags,
  summary: "Start running it on new events",
  security: authenticated,
  middleware: admin,
  request: { params: AutomationId },
  responses: { 200: jsonResponse(AutomationSchema, "Active"), ...errorResponses },
});

const deactivateRoute = createRoute({
  method: "post",
  path: "/automations/{id}/deactivate",
  tags,
  summary: "Pause it: contacts under way finish, or stop now",
  security: authenticated,
  middleware: admin,
  request: { params: AutomationId, body: jsonBody(DeactivateBody) },
  responses: { 200: jsonResponse(AutomationSchema, "Paused"), ...errorResponses },
});

const duplicateRoute = createRoute({
  method: "post",
  path: "/automations/{id}/duplicate",
  tags,
  summary: "Copy it as a new draft",
  security: authenticated,
  middleware: admin,
  request: { params: AutomationId },
  responses: { 201: jsonResponse(AutomationSchema, "The copy"), ...errorResponses },
});

const rotateTokenRoute = createRoute({
  method: "post",
  path: "/automations/{id}/webhook-token/rotate",
  tags,
  summary: "Give its webhook trigger a new URL: the old one answers 404 from now on",
  security: authenticated,
  middleware: admin,
  request: { params: AutomationId },
  responses: {
    200: jsonResponse(AutomationSchema, "With its new `webhook_url`"),
    ...errorResponses,
  },
});

const runsRoute = createRoute({
  method: "get",
  path: "/automations/{id}/runs",
  tags,
  summary: "The automation's runs, newest first (filter by status, contact, conversation)",
  security: authenticated,
  middleware: supervisor,
  request: { params: AutomationId, query: RunListQuery },
  responses: { 200: jsonResponse(pageOf(RunSchema), "Runs"), ...errorResponses },
});

const manualRunRoute = createRoute({
  method: "post",
  path: "/automations/{id}/runs",
  tags,
  summary:
    "Start it now for a contact or a conversation, whatever its trigger and conditions (its frequency limit holds)",
  security: authenticated,
  middleware: admin,
  request: { params: AutomationId, body: jsonBody(ManualRunBody) },
  responses: { 201: jsonResponse(RunWithSteps, "The run, as far as it went"), ...errorResponses },
});

const statsRoute = createRoute({
  method: "get",
  path: "/automations/{id}/stats",
  tags,
  summary:
    "How often it was triggered, completed, failed, was stopped or held by its limit, and the messages it sent",
  security: authenticated,
  middleware: supervisor,
  request: { params: AutomationId },
  responses: { 200: jsonResponse(RunStats, "Counts"), ...errorResponses },
});

const runRoute = createRoute({
  method: "get",
  path: "/automation-runs/{id}",
  tags,
  summary: "A run with each step's outcome, input, output, error and timing",
  security: authenticated,
  middleware: supervisor,
  request: { params: RunId },
  responses: { 200: jsonResponse(RunWithSteps, "The run"), ...errorResponses },
});

const retryRoute = createRoute({
  method: "post",
  path: "/automation-runs/{id}/retry",
  tags,
  summary: "Go on with a failed run from the step that failed",
  security: authenticated,
  middleware: admin,
  request: { params: RunId },
  responses: { 200: jsonResponse(RunWithSteps, "The run, as far as it went"), ...errorResponses },
});

const settingsRoute = createRoute({
  method: "get",
  path: "/automation-settings",
  tags,
  summary: "The workspace's rules for automations (quiet hours)",
  security: authenticated,
  middleware: supervisor,
  responses: { 200: jsonResponse(AutomationSettingsSchema, "Settings"), ...errorResponses },
});

const updateSettingsRoute = createRoute({
  method: "patch",
  path: "/automation-settings",
  tags,
  summary: "Set or clear the quiet hours automations' messages wait out",
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(AutomationSettingsPatch) },
  responses: { 200: jsonResponse(AutomationSettingsSchema, "Saved"), ...errorResponses },
});

export const automationsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const [list, stats] = await Promise.all([
      listAutomations(c.get("db"), workspaceId, c.req.valid("query")),
      recentRunStats(c.get("db"), workspaceId, c.get("clock").now()),
    ]);
    const none = { triggered: 0, completed: 0, failed: 0 };
    const data = list.map((a) => ({
      ...withWebhookUrl(a, c.req.url),
      recent_stats: stats.get(a.id) ?? none,
    }));
    return c.json({ data }, 200);
  })
  .openapi(createAutomationRoute, async (c) => {
    const automation = await createAutomation(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(withWebhookUrl(automation, c.req.url), 201);
  })
  .openapi(getRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const automation = await getAutomation(c.get("db"), workspaceId, c.req.valid("param").id);
    return c.json(withWebhookUrl(automation, c.req.url), 200);
  })
  .openapi(rotateTokenRoute, async (c) => {
    const automation = await rotateWebhookToken(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(withWebhookUrl(automation, c.req.url), 200);
  })
  .openapi(updateRoute, async (c) => {
    const automation = await updateAutomation(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(withWebhookUrl(automation, c.req.url), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteAutomation(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(activateRoute, async (c) => {
    const automation = await activateAutomation(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(withWebhookUrl(automation, c.req.url), 200);
  })
  .openapi(deactivateRoute, async (c) => {
    const automation = await deactivateAutomation(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json").running,
      c.get("clock").now(),
    );
    return c.json(withWebhookUrl(automation, c.req.url), 200);
  })
  .openapi(duplicateRoute, async (c) => {
    const automation = await duplicateAutomation(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(withWebhookUrl(automation, c.req.url), 201);
  })
  .openapi(runsRoute, async (c) => {
    const page = await listRuns(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("query"),
    );
    return c.json(page, 200);
  })
  .openapi(manualRunRoute, async (c) => {
    const run = await startManualRun(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(run, 201);
  })
  .openapi(statsRoute, async (c) =>
    c.json(
      await runStats(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id),
      200,
    ),
  )
  .openapi(runRoute, async (c) =>
    c.json(await getRun(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id), 200),
  )
  .openapi(retryRoute, async (c) => {
    const run = await retryRun(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(run, 200);
  })
  .openapi(settingsRoute, async (c) =>
    c.json(await automationSettingsOf(c.get("db"), c.get("principal").workspaceId), 200),
  )
  .openapi(updateSettingsRoute, async (c) => {
    const settings = await updateAutomationSettings(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(settings, 200);
  });
