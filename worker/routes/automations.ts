import { createRoute, z } from "@hono/zod-openapi";
import {
  activateAutomation,
  createAutomation,
  deactivateAutomation,
  deleteAutomation,
  duplicateAutomation,
  getAutomation,
  listAutomations,
  updateAutomation,
} from "../domain/automations/store";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import {
  AutomationCreate,
  AutomationListQuery,
  AutomationPatch,
  AutomationSchema,
  DeactivateBody,
} from "../schemas/automations";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";

const tags = ["Automations"];
const admin = [requireRole("admin")];
const supervisor = [requireRole("supervisor")];
const AutomationId = IdParam("aut");

const listRoute = createRoute({
  method: "get",
  path: "/automations",
  tags,
  summary: "The workspace's automations, newest first",
  security: authenticated,
  middleware: supervisor,
  request: { query: AutomationListQuery },
  responses: {
    200: jsonResponse(z.object({ data: z.array(AutomationSchema) }), "Automations"),
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

export const automationsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const data = await listAutomations(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("query"),
    );
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
    return c.json(automation, 201);
  })
  .openapi(getRoute, async (c) =>
    c.json(
      await getAutomation(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id),
      200,
    ),
  )
  .openapi(updateRoute, async (c) => {
    const automation = await updateAutomation(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(automation, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteAutomation(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(activateRoute, async (c) => {
    const automation = await activateAutomation(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(automation, 200);
  })
  .openapi(deactivateRoute, async (c) => {
    const automation = await deactivateAutomation(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json").running,
      c.get("clock").now(),
    );
    return c.json(automation, 200);
  })
  .openapi(duplicateRoute, async (c) => {
    const automation = await duplicateAutomation(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(automation, 201);
  });
