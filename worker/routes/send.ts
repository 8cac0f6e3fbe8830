import { createRoute } from "@hono/zod-openapi";
import { checkAddress } from "../domain/channels/address-check";
import { getMessage, sendToAddress } from "../domain/messaging/send";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import { MessageSchema } from "../schemas/conversations";
import { CheckRequest, CheckResult, SendAccepted, SendRequest } from "../schemas/send";

const tags = ["Send"];

const sendRoute = createRoute({
  method: "post",
  path: "/messages",
  tags,
  summary: "Send to an address on a channel (the contact and conversation are found or created)",
  description:
    "Goes the way an agent's reply goes: the channel's rules (24-hour window, consent) apply, the message is queued and its status follows at `status_url`. Use `Idempotency-Key` to retry safely.",
  security: authenticated,
  request: { body: jsonBody(SendRequest) },
  responses: { 202: jsonResponse(SendAccepted, "Queued"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/messages/{id}",
  tags,
  summary: "A message and its delivery status",
  security: authenticated,
  request: { params: IdParam("msg") },
  responses: { 200: jsonResponse(MessageSchema, "The message"), ...errorResponses },
});

const checkRoute = createRoute({
  method: "post",
  path: "/channels/{id}/check",
  tags,
  summary: "Whether an address is valid and reachable on the channel",
  security: authenticated,
  request: { params: IdParam("ch"), body: jsonBody(CheckRequest) },
  responses: {
    200: jsonResponse(CheckResult, "What Conversa and the platform can tell"),
    ...errorResponses,
  },
});

export const sendRouter = createRouter()
  .openapi(sendRoute, async (c) => {
    const { message, conversationId } = await sendToAddress(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("json"),
      { now: c.get("clock").now(), origin: new URL(c.req.url).origin },
    );
    return c.json(
      {
        id: message.id,
        conversation_id: conversationId,
        seq: message.seq,
        status: message.status,
        status_url: `/api/v1/messages/${message.id}`,
      },
      202,
    );
  })
  .openapi(getRoute, async (c) =>
    c.json(
      await getMessage(c.get("db"), c.env, c.get("principal").workspaceId, c.req.valid("param").id),
      200,
    ),
  )
  .openapi(checkRoute, async (c) =>
    c.json(
      await checkAddress(
        c.get("db"),
        c.env,
        c.get("principal").workspaceId,
        c.req.valid("param").id,
        c.req.valid("json").to,
      ),
      200,
    ),
  );
