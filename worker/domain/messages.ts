import { eq } from "drizzle-orm";
import type { AppendInput } from "../../durable-objects/conversation";
import { type Attachment, users } from "../db/schema";
import type { Db, Principal } from "../lib/context";
import { notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import {
  conversationStub,
  findActiveConversation,
  getConversation,
  openConversation,
} from "./conversations";
import type { Visitor } from "./visitors";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const clientKey = (id: string | undefined) => (id ? `client:${id}` : null);

export async function sendAgentMessage(
  db: Db,
  env: Env,
  principal: Principal,
  conversationId: string,
  body: { text: string; private: boolean; client_message_id?: string | undefined },
) {
  await getConversation(db, principal.workspaceId, conversationId);
  const user = principal.userId
    ? await db.query.users.findFirst({ where: eq(users.id, principal.userId) })
    : null;
  const input: AppendInput = {
    kind: body.private ? "note" : "text",
    sender: {
      type: principal.userId ? "agent" : "bot",
      id: principal.userId,
      name: user?.name ?? "API",
    },
    text: body.text,
    externalId: clientKey(body.client_message_id),
  };
  return conversationStub(env, conversationId).append(input);
}

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
    const result = await conversationStub(env, body.conversation_id).appendFromVisitor(
      visitor,
      input,
    );
    if (result.ok) return { conversation_id: body.conversation_id, message: result.message };
    if (result.reason === "not_found") throw notFound("Conversation");
  }
  const conversationId = await visitorConversation(db, env, visitor, now);
  const message = await conversationStub(env, conversationId).append(input);
  return { conversation_id: conversationId, message };
}

export async function sendVisitorFile(db: Db, env: Env, visitor: Visitor, file: File, now: number) {
  const conversationId = await visitorConversation(db, env, visitor, now);
  const attachment: Attachment = {
    key: `${visitor.workspaceId}/${conversationId}/${newId("file", now)}`,
    name: file.name || "file",
    content_type: file.type || "application/octet-stream",
    size: file.size,
  };
  await env.FILES.put(attachment.key, file.stream(), {
    httpMetadata: { contentType: attachment.content_type },
    customMetadata: { name: attachment.name },
  });
  const message = await conversationStub(env, conversationId).append({
    kind: "file",
    sender: { type: "visitor", id: visitor.contactId, name: visitor.name },
    attachment,
  });
  return { conversation_id: conversationId, message };
}
