import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  type CopilotScope,
  rewriteText,
  suggestReply,
  summarizeThread,
  translateText,
} from "../domain/ai/copilot";
import type { AppEnv } from "../lib/context";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse, ProblemSchema } from "../schemas/common";
import {
  RewriteBody,
  RewriteSchema,
  SuggestionSchema,
  SummarySchema,
  TranslateBody,
  TranslationSchema,
} from "../schemas/copilot";

const tags = ["Copilot"];
const ConversationId = IdParam("cv");

/** Every copilot answer may be an AI problem: off, over budget, timed out, provider failing. */
const responses = {
  ...errorResponses,
  503: {
    description:
      "AI unavailable: `reason` is not_configured, budget_exhausted, timeout or provider_error",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
} as const;

const suggestRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/copilot/suggest",
  tags,
  summary: "A reply draft for the agent from the thread and the knowledge base; never sent",
  description:
    "Reads the latest messages (internal notes as context only), the contact's name and language, and knowledge-base passages about the customer's last message. Stores nothing in the conversation.",
  security: authenticated,
  request: { params: ConversationId },
  responses: { 200: jsonResponse(SuggestionSchema, "The draft"), ...responses },
});

const summarizeRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/copilot/summarize",
  tags,
  summary: "A short summary of the thread for the agent",
  security: authenticated,
  request: { params: ConversationId },
  responses: { 200: jsonResponse(SummarySchema, "The summary"), ...responses },
});

const translateRoute = createRoute({
  method: "post",
  path: "/copilot/translate",
  tags,
  summary: "Translate an incoming message for the agent, or the agent's draft for the contact",
  security: authenticated,
  request: { body: jsonBody(TranslateBody) },
  responses: { 200: jsonResponse(TranslationSchema, "The translation"), ...responses },
});

const rewriteRoute = createRoute({
  method: "post",
  path: "/copilot/rewrite",
  tags,
  summary: "Rewrite a draft friendlier, shorter, more formal, or with its mistakes fixed",
  security: authenticated,
  request: { body: jsonBody(RewriteBody) },
  responses: { 200: jsonResponse(RewriteSchema, "The rewritten draft"), ...responses },
});

const scopeOf = (c: Context<AppEnv>): CopilotScope => ({
  db: c.get("db"),
  env: c.env,
  clock: c.get("clock"),
  principal: c.get("principal"),
});

export const copilotRouter = createRouter()
  .openapi(suggestRoute, async (c) =>
    c.json(await suggestReply(scopeOf(c), c.req.valid("param").id), 200),
  )
  .openapi(summarizeRoute, async (c) =>
    c.json(await summarizeThread(scopeOf(c), c.req.valid("param").id), 200),
  )
  .openapi(translateRoute, async (c) =>
    c.json(await translateText(scopeOf(c), c.req.valid("json")), 200),
  )
  .openapi(rewriteRoute, async (c) =>
    c.json(await rewriteText(scopeOf(c), c.req.valid("json")), 200),
  );
