import { createRoute } from "@hono/zod-openapi";
import { listCalls } from "../domain/ai/calls";
import { aiSettingsRow, toAiSettingsDto, updateAiSettings } from "../domain/ai/settings";
import { monthOf, usageReport } from "../domain/ai/usage";
import { hubFor } from "../domain/messaging/stubs";
import { audit } from "../domain/workspace/audit";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import {
  AiCallPage,
  AiCallsQuery,
  type AiSettingsInput,
  AiSettingsPut,
  AiSettingsSchema,
  AiUsageQuery,
  AiUsageSchema,
} from "../schemas/ai";
import { errorResponses, jsonBody, jsonResponse } from "../schemas/common";

const tags = ["AI"];

const settingsRoute = createRoute({
  method: "get",
  path: "/ai/settings",
  tags,
  summary: "The workspace's AI provider, models and budgets (the key is never shown)",
  security: authenticated,
  responses: { 200: jsonResponse(AiSettingsSchema, "Settings"), ...errorResponses },
});

const updateSettingsRoute = createRoute({
  method: "put",
  path: "/ai/settings",
  tags,
  summary: "Set the AI provider (any OpenAI-compatible API), its key, models and budgets",
  security: authenticated,
  middleware: [requireRole("admin")],
  request: { body: jsonBody(AiSettingsPut) },
  responses: { 200: jsonResponse(AiSettingsSchema, "Saved"), ...errorResponses },
});

const usageRoute = createRoute({
  method: "get",
  path: "/ai/usage",
  tags,
  summary: "Tokens the AI features used in a month, by feature and by day, against the budget",
  security: authenticated,
  middleware: [requireRole("supervisor")],
  request: { query: AiUsageQuery },
  responses: { 200: jsonResponse(AiUsageSchema, "Usage"), ...errorResponses },
});

const callsRoute = createRoute({
  method: "get",
  path: "/ai/calls",
  tags,
  summary:
    "Recent AI calls, newest first: what was asked and answered (masked when redact_pii was on), tokens, outcome",
  description: "Calls are kept for 30 days. Embeddings are counted in usage only.",
  security: authenticated,
  middleware: [requireRole("admin")],
  request: { query: AiCallsQuery },
  responses: { 200: jsonResponse(AiCallPage, "A page of calls"), ...errorResponses },
});

/** What the audit log keeps of a change: the key never, only whether it was replaced or removed. */
function auditedChanges({ api_key, ...rest }: AiSettingsInput) {
  if (api_key === undefined) return rest;
  return { ...rest, api_key: api_key === null ? "removed" : "replaced" };
}

export const aiRouter = createRouter()
  .openapi(settingsRoute, async (c) => {
    const { workspaceId, role } = c.get("principal");
    return c.json(toAiSettingsDto(await aiSettingsRow(c.get("db"), workspaceId), role), 200);
  })
  .openapi(updateSettingsRoute, async (c) => {
    const principal = c.get("principal");
    const input = c.req.valid("json");
    const now = c.get("clock").now();
    const row = await updateAiSettings(c.get("db"), c.env, principal.workspaceId, input, now);
    // classifying on arrival listens to customer messages only while it is on
    if (input.enabled !== undefined || input.classify_on_arrival !== undefined)
      await hubFor(c.env, principal.workspaceId).interestChanged();
    await audit(
      c.get("db"),
      principal,
      "ai_settings.updated",
      { type: "ai_settings", id: null },
      auditedChanges(input),
      now,
    );
    return c.json(toAiSettingsDto(row, principal.role), 200);
  })
  .openapi(usageRoute, async (c) => {
    const db = c.get("db");
    const settings = await aiSettingsRow(db, c.get("principal").workspaceId);
    const month = c.req.valid("query").month ?? monthOf(c.get("clock").now()).month;
    return c.json(await usageReport(db, settings, month), 200);
  })
  .openapi(callsRoute, async (c) =>
    c.json(await listCalls(c.get("db"), c.get("principal").workspaceId, c.req.valid("query")), 200),
  );
