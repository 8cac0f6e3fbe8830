import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { conversations } from "../db/schema";
import { inWorkspace } from "../db/scope";
import { findAssistant } from "../domain/ai/assistants";
import { handOff } from "../domain/ai/handoff";
import { getWebchatChannel } from "../domain/channels/channels";
import { answerFromWidget } from "../domain/csat/surveys";
import { MAX_UPLOAD_BYTES } from "../domain/messaging/messages";
import { conversationStub } from "../domain/messaging/stubs";
import { sendVisitorFile, sendVisitorMessage } from "../domain/messaging/visitor-messages";
import {
  currentToken,
  renewedToken,
  revokedToken,
  startVisitorSession,
  type Visitor,
  visitorFromToken,
} from "../domain/webchat/visitors";
import {
  updateVisitorContact,
  visitorConversations,
  widgetChannel,
} from "../domain/webchat/widget";
import { bearerToken } from "../lib/auth";
import type { AppEnv } from "../lib/context";
import {
  forbidden,
  notFound,
  payloadTooLarge,
  unauthorized,
  validationFailed,
} from "../lib/errors";
import { limitHeaders, WIDGET_LIMIT } from "../lib/rate-limit";
import { createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import { MessagePage, MessagesQuery, VisitorMessageCreate } from "../schemas/conversations";
import {
  ChannelConfig,
  ContactBody,
  Sent,
  SessionBody,
  SurveyAnswer,
  SurveySchema,
  VisitorConversation,
} from "../schemas/widget";

const tags = ["Widget"];
const visitorSecurity = [{ visitor: [] }];

const channelRoute = createRoute({
  method: "get",
  path: "/channels/{id}",
  tags,
  summary: "Public look and state of a web-chat channel",
  request: { params: IdParam("ch") },
  responses: { 200: jsonResponse(ChannelConfig, "Channel"), ...errorResponses },
});

const sessionRoute = createRoute({
  method: "post",
  path: "/sessions",
  tags,
  summary: "Start or resume a visitor session; returns the visitor token",
  request: { body: jsonBody(SessionBody) },
  responses: {
    200: jsonResponse(
      z
        .object({
          token: z.string(),
          visitor_id: z.string(),
          conversation_id: z.string().nullable(),
        })
        .openapi("WidgetSession"),
      "Session",
    ),
    ...errorResponses,
  },
});

const sendRoute = createRoute({
  method: "post",
  path: "/messages",
  tags,
  summary: "Send a message as the visitor (opens a conversation when none is open)",
  security: visitorSecurity,
  request: { body: jsonBody(VisitorMessageCreate) },
  responses: { 201: jsonResponse(Sent, "Accepted"), ...errorResponses },
});

const uploadRoute = createRoute({
  method: "post",
  path: "/attachments",
  tags,
  summary: "Send a file as the visitor (multipart field `file`)",
  security: visitorSecurity,
  request: {
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: z.object({ file: z.any().openapi({ type: "string", format: "binary" }) }),
        },
      },
    },
  },
  responses: { 201: jsonResponse(Sent, "Accepted"), ...errorResponses },
});

const contactRoute = createRoute({
  method: "patch",
  path: "/contact",
  tags,
  summary:
    "Tell the visitor's name, email or phone (pre-chat form, offline email); kept on their contact",
  security: visitorSecurity,
  request: { body: jsonBody(ContactBody) },
  responses: {
    200: jsonResponse(
      z
        .object({
          token: z.string().openapi({ description: "A token naming the visitor as they are now" }),
          name: z.string().nullable(),
          email: z.string().nullable(),
          phone: z.string().nullable(),
        })
        .openapi("WidgetContact"),
      "Contact",
    ),
    ...errorResponses,
  },
});

const conversationsRoute = createRoute({
  method: "get",
  path: "/conversations",
  tags,
  summary: "The visitor's conversations on the channel, newest first, closed ones included",
  security: visitorSecurity,
  responses: {
    200: jsonResponse(z.object({ data: z.array(VisitorConversation) }), "Conversations"),
    ...errorResponses,
  },
});

const messagesRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/messages",
  tags,
  summary: "The visitor's messages after a seq (internal notes never appear)",
  security: visitorSecurity,
  request: { params: IdParam("cv"), query: MessagesQuery },
  responses: {
    200: jsonResponse(MessagePage, "Messages"),
    ...errorResponses,
  },
});

const handoffRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/handoff",
  tags,
  summary: "The visitor asks for a person: the AI assistant hands the conversation to the team",
  security: visitorSecurity,
  request: { params: IdParam("cv") },
  responses: {
    200: jsonResponse(
      z.object({
        handed_off: z
          .boolean()
          .openapi({ description: "False when the assistant had already handed it over" }),
      }),
      "Handed over",
    ),
    ...errorResponses,
  },
});

const surveyRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/survey",
  tags,
  summary: "The visitor answers the satisfaction survey sent after the conversation closed",
  description:
    "The first score counts: answering again changes nothing and returns the survey as stored. A comment may come with the score, or once after it. 404 when the conversation has no survey.",
  security: visitorSecurity,
  request: { params: IdParam("cv"), body: jsonBody(SurveyAnswer) },
  responses: { 200: jsonResponse(SurveySchema, "The survey as stored"), ...errorResponses },
});

const socketRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/ws",
  tags: ["Realtime"],
  summary: "WebSocket for the visitor (token in the query: browsers cannot set headers on sockets)",
  request: {
    params: IdParam("cv"),
    query: z.object({
      token: z.string().max(2048),
      after_seq: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: { 101: { description: "Switching protocols" }, ...errorResponses },
});

/** The header an answer carries a renewed visitor token in; the widget keeps it. */
export const VISITOR_TOKEN_HEADER = "visitor-token";

/**
 * The visitor behind the request's token (`Authorization: Bearer`, or `?token=` on the
 * WebSocket, as browsers cannot set headers there): 401 when it is missing, forged, expired or
 * revoked. An answer to a token past half its life carries a fresh one in `Visitor-Token`.
 */
export const authenticateVisitor = createMiddleware<AppEnv>(async (c, next) => {
  const token =
    bearerToken(c.req.header("authorization")) ??
    (c.req.path.endsWith("/ws") ? c.req.query("token") : undefined);
  if (!token) throw unauthorized("Send the visitor token from POST /widget/v1/sessions.");
  const now = c.get("clock").now();
  const defer = (work: Promise<unknown>) => c.executionCtx.waitUntil(work);
  const session = await visitorFromToken(c.get("db"), c.env, token, now, defer);
  if (!session) throw revokedToken();
  c.set("visitor", session.visitor);
  const renewed = await renewedToken(c.env, session, now);
  await next();
  // a WebSocket upgrade's headers are fixed; the widget renews through its session then
  if (renewed && c.res.status !== 101) c.res.headers.set(VISITOR_TOKEN_HEADER, renewed);
});

/** The visitor `authenticateVisitor` found; a route outside its paths has none and answers 401. */
export function visitorOf(c: Context<AppEnv>): Visitor {
  const visitor = c.get("visitor") as Visitor | undefined;
  if (!visitor) throw unauthorized("Send the visitor token from POST /widget/v1/sessions.");
  return visitor;
}

/** The widget runs on customers' sites: any origin may call, with a bearer token and no cookies. */
export const widgetCors = cors({
  origin: "*",
  allowHeaders: ["authorization", "content-type", "idempotency-key"],
  exposeHeaders: [VISITOR_TOKEN_HEADER, "retry-after"],
  maxAge: 86400,
});

/** A visitor may only reach conversations of their own contact on their own channel. */
async function assertOwnConversation(c: Context<AppEnv>, visitor: Visitor, id: string) {
  const conversation = await c.get("db").query.conversations.findFirst({
    where: inWorkspace(
      conversations,
      visitor.workspaceId,
      eq(conversations.id, id),
      eq(conversations.contactId, visitor.contactId),
      eq(conversations.channelId, visitor.channelId),
    ),
  });
  if (!conversation) throw notFound("Conversation");
  return conversation;
}

export const widgetRouter = createRouter();

widgetRouter
  .openapi(channelRoute, async (c) => {
    const channel = await getWebchatChannel(c.get("db"), c.req.valid("param").id);
    return c.json(await widgetChannel(c.get("db"), channel, c.get("clock").now()), 200);
  })
  .openapi(sessionRoute, async (c) => {
    return c.json(
      await startVisitorSession(c.get("db"), c.env, c.req.valid("json"), c.get("clock").now()),
      200,
    );
  })
  .openapi(sendRoute, async (c) => {
    const visitor = visitorOf(c);
    const { limit, ...sent } = await sendVisitorMessage(
      c.get("db"),
      c.env,
      visitor,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    for (const [name, value] of Object.entries(limitHeaders(WIDGET_LIMIT, limit)))
      c.header(name, value);
    return c.json(sent, 201);
  })
  .openapi(uploadRoute, async (c) => {
    const visitor = visitorOf(c);
    if (Number(c.req.header("content-length") ?? 0) > MAX_UPLOAD_BYTES)
      throw payloadTooLarge(MAX_UPLOAD_BYTES);
    const { file } = c.req.valid("form");
    if (!(file instanceof File))
      throw validationFailed([{ path: "file", message: "attach a file" }]);
    if (file.size > MAX_UPLOAD_BYTES) throw payloadTooLarge(MAX_UPLOAD_BYTES);
    return c.json(
      await sendVisitorFile(c.get("db"), c.env, visitor, file, c.get("clock").now()),
      201,
    );
  })
  .openapi(contactRoute, async (c) => {
    const visitor = visitorOf(c);
    const now = c.get("clock").now();
    const contact = await updateVisitorContact(c.get("db"), visitor, c.req.valid("json"), now);
    const named = { ...visitor, name: contact.name };
    return c.json({ token: await currentToken(c.get("db"), c.env, named, now), ...contact }, 200);
  })
  .openapi(conversationsRoute, async (c) => {
    const data = await visitorConversations(c.get("db"), visitorOf(c), 20);
    return c.json({ data }, 200);
  })
  .openapi(messagesRoute, async (c) => {
    const visitor = visitorOf(c);
    const { id } = c.req.valid("param");
    await assertOwnConversation(c, visitor, id);
    const query = c.req.valid("query");
    const data = await conversationStub(c.env, id).list({
      afterSeq: query.after_seq,
      beforeSeq: query.before_seq,
      limit: query.limit,
      audience: "visitor",
    });
    return c.json({ data }, 200);
  })
  .openapi(handoffRoute, async (c) => {
    const visitor = visitorOf(c);
    const { id } = c.req.valid("param");
    const conversation = await assertOwnConversation(c, visitor, id);
    const assistant = conversation.aiAssistantId
      ? await findAssistant(c.get("db"), visitor.workspaceId, conversation.aiAssistantId)
      : null;
    const handedOff = await handOff(
      c.get("db"),
      c.env,
      { workspaceId: visitor.workspaceId, conversationId: id },
      { assistant, reason: "the customer asked for a person", by: "customer" },
      c.get("clock").now(),
    );
    return c.json({ handed_off: handedOff }, 200);
  })
  .openapi(surveyRoute, async (c) => {
    const visitor = visitorOf(c);
    const { id } = c.req.valid("param");
    await assertOwnConversation(c, visitor, id);
    const survey = await answerFromWidget(
      c.get("db"),
      c.env,
      visitor,
      id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(survey, 200);
  })
  .openapi(socketRoute, async (c) => {
    const visitor = visitorOf(c);
    const { id } = c.req.valid("param");
    await assertOwnConversation(c, visitor, id);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
      throw forbidden("Open this URL as a WebSocket.");
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-audience", "visitor");
    headers.set("x-user-id", visitor.contactId);
    headers.set("x-user-name", visitor.name ?? "");
    return conversationStub(c.env, id).fetch(
      new Request(c.req.url, { headers }),
    ) as unknown as Response;
  });
