import type { Db } from "../../lib/context";
import { notFound } from "../../lib/errors";
import { storeAttachment } from "../../lib/files";
import { newId } from "../../lib/ids";
import { rateLimited, WIDGET_LIMIT } from "../../lib/rate-limit";
import { routeCustomerMessage } from "../routing/routing";
import type { Visitor } from "../webchat/visitors";
import type { AppendInput } from "./contract";
import { findActiveConversation, openConversation } from "./conversations";
import { clientKey } from "./messages";
import { conversationStub } from "./stubs";

// What a web-chat visitor writes: a text or a file into their open conversation, within their
// request limit.

/** The visitor's open conversation on the channel, or a new one. */
async function visitorConversation(db: Db, env: Env, visitor: Visitor, now: number) {
  const active = await findActiveConversation(
    db,
    visitor.workspaceId,
    visitor.contactId,
    visitor.channelId,
  );
  return active ?? openConversation(db, env, visitor, now);
}

export async function sendVisitorMessage(
  db: Db,
  env: Env,
  visitor: Visitor,
  body: {
    text: string;
    client_message_id?: string | undefined;
    conversation_id?: string | undefined;
  },
  now: number,
) {
  const input: AppendInput = {
    kind: "text",
    sender: { type: "visitor", id: visitor.contactId, name: visitor.name },
    text: body.text,
    externalId: clientKey(body.client_message_id),
  };
  if (body.conversation_id) {
    // the hot path: the widget names its conversation and the object checks it is theirs
    const sent = await appendAsVisitor(db, env, body.conversation_id, visitor, input, now);
    if (sent) return sent;
  }
  const conversationId = await visitorConversation(db, env, visitor, now);
  const sent = await appendAsVisitor(db, env, conversationId, visitor, input, now);
  if (!sent) throw notFound("Conversation");
  return sent;
}

/**
 * Appends to the visitor's conversation, within their request limit (kept by the conversation);
 * null when it is closed.
 */
async function appendAsVisitor(
  db: Db,
  env: Env,
  conversationId: string,
  visitor: Visitor,
  input: AppendInput,
  now: number,
) {
  const result = await conversationStub(env, conversationId).appendFromVisitor(
    visitor,
    input,
    WIDGET_LIMIT,
  );
  if (result.ok) {
    if (!result.routed) {
      const ref = { workspaceId: visitor.workspaceId, conversationId };
      await routeCustomerMessage(db, env, ref, input.text ?? "", now);
    }
    return { conversation_id: conversationId, message: result.message, limit: result.limit };
  }
  if (result.reason === "rate_limited") throw rateLimited(WIDGET_LIMIT, result.limit);
  if (result.reason === "not_found") throw notFound("Conversation");
  return null;
}

export async function sendVisitorFile(db: Db, env: Env, visitor: Visitor, file: File, now: number) {
  const conversationId = await visitorConversation(db, env, visitor, now);
  const attachment = await storeAttachment(
    env,
    { workspaceId: visitor.workspaceId, conversationId, fileId: newId("file", now) },
    {
      body: file.stream(),
      name: file.name || "file",
      contentType: file.type || "application/octet-stream",
      size: file.size,
    },
  );
  const message = await conversationStub(env, conversationId).append({
    kind: "file",
    sender: { type: "visitor", id: visitor.contactId, name: visitor.name },
    attachment,
  });
  return { conversation_id: conversationId, message };
}
