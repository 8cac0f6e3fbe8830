import { createRoute, z } from "@hono/zod-openapi";
import { installTemplate, listTemplates } from "../domain/automations/install";
import { withWebhookUrl } from "../domain/automations/webhook";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import {
  AutomationTemplateSchema,
  TemplateInstallBody,
  TemplateKeyParam,
  TemplateListQuery,
} from "../schemas/automation-templates";
import { AutomationSchema } from "../schemas/automations";
import { errorResponses, jsonBody, jsonResponse } from "../schemas/common";

const tags = ["Automations"];

const listRoute = createRoute({
  method: "get",
  path: "/automation-templates",
  tags,
  summary: "Ready-made automations to start from, with the inputs each one asks",
  security: authenticated,
  middleware: [requireRole("supervisor")],
  request: { query: TemplateListQuery },
  responses: {
    200: jsonResponse(z.object({ data: z.array(AutomationTemplateSchema) }), "Templates"),
    ...errorResponses,
  },
});

const installRoute = createRoute({
  method: "post",
  path: "/automation-templates/{key}/install",
  tags,
  summary: "Make a draft automation from a template and its inputs",
  description:
    "The inputs are checked (422 at `inputs.team_id` …), then the automation goes through the same checks as `POST /automations`.",
  security: authenticated,
  middleware: [requireRole("admin")],
  request: { params: TemplateKeyParam, body: jsonBody(TemplateInstallBody) },
  responses: { 201: jsonResponse(AutomationSchema, "The draft"), ...errorResponses },
});

export const automationTemplatesRouter = createRouter()
  .openapi(listRoute, (c) => c.json({ data: listTemplates(c.req.valid("query").lang) }, 200))
  .openapi(installRoute, async (c) => {
    const automation = await installTemplate(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").key,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(withWebhookUrl(automation, c.req.url), 201);
  });
