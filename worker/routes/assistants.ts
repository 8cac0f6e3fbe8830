import { createRoute, z } from "@hono/zod-openapi";
import { assistantTest } from "../domain/ai/assistant-test";
import {
  assistantFor,
  createAssistant,
  deleteAssistant,
  findAssistant,
  getAssistant,
  listAssistants,
  toAssistantDto,
  updateAssistant,
} from "../domain/ai/assistants";
import { handBack, handOff } from "../domain/ai/handoff";
import { getConversation } from "../domain/messaging/conversations";
import { hubFor } from "../domain/messaging/stubs";
import { audit } from "../domain/workspace/audit";
import { requireRole } from "../lib/auth";
import { conflict, validationFailed } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import {
  AssistantCreate,
  AssistantPatch,
  AssistantSchema,
  AssistantTestRequest,
  AssistantTestResult,
} from "../schemas/assistants";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import { ConversationSchema } from "../schemas/conversations";

const tags = ["AI"];
const security = authenticated;
const admin = [requireRole("admin")];
const AssistantId = IdParam("ast");
const target = (id: string) => ({ type: "ai_assistant", id });

const listRoute = createRoute({
  method: "get",
  path: "/ai/assistants",
  tags,
  summary: "The workspace's AI assistants",
  security,
  responses: {
    200: jsonResponse(z.object({ data: z.array(AssistantSchema) }), "Assistants"),
    ...errorResponses,
  },
});

const createAssistantRoute = createRoute({
  method: "post",
  path: "/ai/assistants",
  tags,
  summary: "Add an AI assistant that answers channels' new conversations from the knowledge base",
  security,
  middleware: admin,
  request: { body: jsonBody(AssistantCreate) },
  responses: { 201: jsonResponse(AssistantSchema, "Created"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/ai/assistants/{id}",
  tags,
  summary: "One AI assistant",
  security,
  request: { params: AssistantId },
  responses: { 200: jsonResponse(AssistantSchema, "Assistant"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/ai/assistants/{id}",
  tags,
  summary: "Change an AI assistant",
  security,
  middleware: admin,
  request: { params: AssistantId, body: jsonBody(AssistantPatch) },
  responses: { 200: jsonResponse(AssistantSchema, "Changed"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/ai/assistants/{id}",
  tags,
  summary: "Delete an AI assistant; the conversations it had go on with people",
  security,
  middleware: admin,
  request: { params: AssistantId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const testRoute = createRoute({
  method: "post",
  path: "/ai/assistants/{id}/test",
  tags,
  summary: "Try the assistant on a made-up conversation: its reply, decision and citations",
  description: "Nothing is stored or sent; the tokens count in the AI usage.",
  security,
  middleware: admin,
  request: { params: AssistantId, body: jsonBody(AssistantTestRequest) },
  responses: { 200: jsonResponse(AssistantTestResult, "Decision"), ...errorResponses },
});

const ConversationId = IdParam("cv");

const handBackRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/assistant/hand-back",
  tags,
  summary:
    "Give the conversation back to its channel's AI assistant, which answers the next message",
  security,
  request: { params: ConversationId },
  responses: { 200: jsonResponse(ConversationSchema, "With the assistant"), ...errorResponses },
});

const takeOverRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/assistant/take-over",
  tags,
  summary: "Take the conversation from the AI assistant: it stops answering",
  security,
  request: { params: ConversationId },
  responses: { 200: jsonResponse(ConversationSchema, "With people"), ...errorResponses },
});

export const assistantsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listAssistants(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: rows.map(toAssistantDto) }, 200);
  })
  .openapi(createAssistantRoute, async (c) => {
    const principal = c.get("principal");
    const body = c.req.valid("json");
    const row = await createAssistant(
      c.get("db"),
      principal.workspaceId,
      body,
      c.get("clock").now(),
    );
    await hubFor(c.env, principal.workspaceId).interestChanged();
    await audit(c.get("db"), principal, "ai_assistant.created", target(row.id), body);
    return c.json(toAssistantDto(row), 201);
  })
  .openapi(getRoute, async (c) => {
    const row = await getAssistant(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json(toAssistantDto(row), 200);
  })
  .openapi(updateRoute, async (c) => {
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const row = await updateAssistant(
      c.get("db"),
      principal.workspaceId,
      id,
      body,
      c.get("clock").now(),
    );
    await hubFor(c.env, principal.workspaceId).interestChanged();
    await audit(c.get("db"), principal, "ai_assistant.updated", target(id), body);
    return c.json(toAssistantDto(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    await deleteAssistant(c.get("db"), principal.workspaceId, id);
    await hubFor(c.env, principal.workspaceId).interestChanged();
    await audit(c.get("db"), principal, "ai_assistant.deleted", target(id));
    return c.body(null, 204);
  })
  .openapi(testRoute, async (c) => {
    const db = c.get("db");
    const assistant = await getAssistant(
      db,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json(await assistantTest(db, c.env, assistant, c.req.valid("json").messages), 200);
  })
  .openapi(handBackRoute, async (c) => {
    const db = c.get("db");
    const { workspaceId } = c.get("principal");
    const { id } = c.req.valid("param");
    const conversation = await getConversation(db, workspaceId, id);
    if (conversation.status === "closed")
      throw conflict("Reopen the conversation first: a closed one has nobody to answer.");
    if (conversation.ai?.state === "active") return c.json(conversation, 200);
    const assistant = await assistantFor(db, workspaceId, {
      channelId: conversation.channel_id,
      teamId: conversation.team_id,
    });
    if (!assistant)
      throw validationFailed([
        {
          path: "id",
          message: "no enabled AI assistant answers this conversation's team or channel",
        },
      ]);
    await handBack(db, c.env, { workspaceId, conversationId: id }, assistant);
    return c.json(await getConversation(db, workspaceId, id), 200);
  })
  .openapi(takeOverRoute, async (c) => {
    const db = c.get("db");
    const { workspaceId } = c.get("principal");
    const { id } = c.req.valid("param");
    const conversation = await getConversation(db, workspaceId, id);
    if (conversation.ai?.state === "active") {
      const assistant = conversation.ai.assistant_id
        ? await findAssistant(db, workspaceId, conversation.ai.assistant_id)
        : null;
      const reason = "an agent took the conversation over";
      await handOff(
        db,
        c.env,
        { workspaceId, conversationId: id },
        { assistant, reason, by: "agent" },
        c.get("clock").now(),
      );
    }
    return c.json(await getConversation(db, workspaceId, id), 200);
  });
