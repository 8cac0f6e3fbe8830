import { createRoute, z } from "@hono/zod-openapi";
import { applyBulk } from "../domain/messaging/bulk";
import {
  addLabels,
  assignConversation,
  changeStatus,
  markConversationRead,
  removeLabels,
} from "../domain/messaging/conversation-actions";
import { listConversations } from "../domain/messaging/conversation-list";
import { getConversation } from "../domain/messaging/conversations";
import { MAX_UPLOAD_BYTES, sendAgentFile, sendAgentMessage } from "../domain/messaging/messages";
import { conversationStub } from "../domain/messaging/stubs";
import { transcriptHtml, transcriptOf, transcriptText } from "../domain/messaging/transcript";
import { workspaceTimezone } from "../domain/scheduled-messages/hours";
import { payloadTooLarge, validationFailed } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse, multiLine } from "../schemas/common";
import { TagName } from "../schemas/contacts";
import {
  AgentMessageCreate,
  AssignBody,
  BulkAction,
  BulkResult,
  ConversationListQuery,
  ConversationPage,
  ConversationSchema,
  LabelsBody,
  MessagePage,
  MessageSchema,
  MessagesQuery,
  StatusBody,
  TranscriptQuery,
} from "../schemas/conversations";

const tags = ["Conversations"];
const ConversationId = IdParam("cv");
const security = authenticated;

const listRoute = createRoute({
  method: "get",
  path: "/conversations",
  tags,
  summary: "The inbox: conversations by view and filters, newest activity first",
  security,
  request: { query: ConversationListQuery },
  responses: {
    200: jsonResponse(ConversationPage, "A page"),
    ...errorResponses,
  },
});

const bulkRoute = createRoute({
  method: "post",
  path: "/conversations/bulk",
  tags,
  summary: "Assign, label, unlabel or close up to 100 conversations at once",
  description:
    "The whole request is checked first: an unknown conversation, assignee or closing reason refuses it all and changes nothing. Then each conversation is changed as its own route would (its own timeline event and webhook); `results` says how each went.",
  security,
  request: { body: jsonBody(BulkAction) },
  responses: { 200: jsonResponse(BulkResult, "How each went"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/conversations/{id}",
  tags,
  summary: "One conversation",
  security,
  request: { params: ConversationId },
  responses: { 200: jsonResponse(ConversationSchema, "The conversation"), ...errorResponses },
});

const messagesRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/messages",
  tags,
  summary: "Messages in order: after a seq (catching up) or before one (scrolling back)",
  security,
  request: { params: ConversationId, query: MessagesQuery },
  responses: {
    200: jsonResponse(MessagePage, "Messages by seq"),
    ...errorResponses,
  },
});

const transcriptRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/transcript",
  tags,
  summary: "The conversation's transcript as a text or HTML download",
  security,
  request: { params: ConversationId, query: TranscriptQuery },
  responses: {
    200: {
      description: "The transcript",
      content: {
        "text/plain": { schema: z.string() },
        "text/html": { schema: z.string() },
      },
    },
    ...errorResponses,
  },
});

const sendRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/messages",
  tags,
  summary: "Reply to the customer, or leave an internal note with private: true",
  security,
  request: { params: ConversationId, body: jsonBody(AgentMessageCreate) },
  responses: { 201: jsonResponse(MessageSchema, "Accepted in order"), ...errorResponses },
});

const attachRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/attachments",
  tags,
  summary: "Send a file to the customer (multipart: `file`, optional `text` as its caption)",
  security,
  request: {
    params: ConversationId,
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: z.object({
            file: z.any().openapi({ type: "string", format: "binary" }),
            text: z.string().max(1000).check(multiLine).optional(),
          }),
        },
      },
    },
  },
  responses: { 201: jsonResponse(MessageSchema, "Accepted in order"), ...errorResponses },
});

const assignRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/assign",
  tags,
  summary: "Assign to an agent, or unassign with null",
  security,
  request: { params: ConversationId, body: jsonBody(AssignBody) },
  responses: { 200: jsonResponse(ConversationSchema, "Assigned"), ...errorResponses },
});

const statusRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/status",
  tags,
  summary: "Open, mark pending, snooze until a time, or close",
  security,
  request: { params: ConversationId, body: jsonBody(StatusBody) },
  responses: { 200: jsonResponse(ConversationSchema, "Changed"), ...errorResponses },
});

const addLabelsRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/labels",
  tags,
  summary: "Add labels",
  security,
  request: { params: ConversationId, body: jsonBody(LabelsBody) },
  responses: { 200: jsonResponse(ConversationSchema, "Labelled"), ...errorResponses },
});

const removeLabelRoute = createRoute({
  method: "delete",
  path: "/conversations/{id}/labels/{label}",
  tags,
  summary: "Remove a label",
  security,
  request: {
    params: ConversationId.extend({
      label: TagName.openapi({ param: { name: "label", in: "path" } }),
    }),
  },
  responses: { 200: jsonResponse(ConversationSchema, "Unlabelled"), ...errorResponses },
});

const readRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/read",
  tags,
  summary:
    "Mark the conversation read by agents (clears the unread count) and your mentions in it read",
  security,
  request: { params: ConversationId },
  responses: { 204: { description: "Read" }, ...errorResponses },
});

export const conversationsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json(
      await listConversations(c.get("db"), c.get("principal"), c.req.valid("query")),
      200,
    );
  })
  .openapi(bulkRoute, async (c) => {
    const results = await applyBulk(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json({ results }, 200);
  })
  .openapi(getRoute, async (c) => {
    return c.json(
      await getConversation(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id),
      200,
    );
  })
  .openapi(messagesRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    await getConversation(c.get("db"), c.get("principal").workspaceId, id);
    const data = await conversationStub(c.env, id).list({
      afterSeq: query.after_seq,
      beforeSeq: query.before_seq,
      limit: query.limit,
      audience: "agent",
    });
    return c.json({ data }, 200);
  })
  .openapi(transcriptRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const { workspaceId } = c.get("principal");
    const conversation = await getConversation(c.get("db"), workspaceId, id);
    const timezone = query.timezone ?? (await workspaceTimezone(c.get("db"), workspaceId));
    const transcript = await transcriptOf(c.env, conversation, { timezone, notes: query.notes });
    const html = query.format === "html";
    return new Response(html ? transcriptHtml(transcript) : transcriptText(transcript), {
      headers: {
        "content-type": html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="conversation-${conversation.number}.${html ? "html" : "txt"}"`,
      },
    });
  })
  .openapi(sendRoute, async (c) => {
    const message = await sendAgentMessage(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
      { now: c.get("clock").now(), origin: new URL(c.req.url).origin },
    );
    return c.json(message, 201);
  })
  .openapi(attachRoute, async (c) => {
    if (Number(c.req.header("content-length") ?? 0) > MAX_UPLOAD_BYTES + 64 * 1024)
      throw payloadTooLarge(MAX_UPLOAD_BYTES);
    const { file, text } = c.req.valid("form");
    if (!(file instanceof File))
      throw validationFailed([{ path: "file", message: "attach a file" }]);
    if (file.size > MAX_UPLOAD_BYTES) throw payloadTooLarge(MAX_UPLOAD_BYTES);
    const message = await sendAgentFile(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      file,
      text?.trim() || undefined,
      { now: c.get("clock").now(), origin: new URL(c.req.url).origin },
    );
    return c.json(message, 201);
  })
  .openapi(assignRoute, async (c) => {
    const conversation = await assignConversation(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json").user_id,
      c.get("clock").now(),
    );
    return c.json(conversation, 200);
  })
  .openapi(statusRoute, async (c) => {
    const body = c.req.valid("json");
    const conversation = await changeStatus(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      {
        status: body.status,
        snoozeUntil: body.snooze_until ? Date.parse(body.snooze_until) : null,
        reason: body.reason,
        note: body.note,
      },
      c.get("clock").now(),
    );
    return c.json(conversation, 200);
  })
  .openapi(addLabelsRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(
      await addLabels(c.get("db"), c.env, c.get("principal"), id, c.req.valid("json").labels),
      200,
    );
  })
  .openapi(removeLabelRoute, async (c) => {
    const { id, label } = c.req.valid("param");
    return c.json(await removeLabels(c.get("db"), c.env, c.get("principal"), id, [label]), 200);
  })
  .openapi(readRoute, async (c) => {
    const { id } = c.req.valid("param");
    await markConversationRead(c.get("db"), c.env, c.get("principal"), id, c.get("clock").now());
    return c.body(null, 204);
  });
