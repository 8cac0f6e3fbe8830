import { eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { isPlatformChannel } from "../../channels/index";
import { replyPolicy } from "../../channels/rules";
import {
  type Attachment,
  type ConsentByChannel,
  conversations,
  type MessageOrigin,
  users,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { validationFailed } from "../../lib/errors";
import { storeAttachment } from "../../lib/files";
import { newId } from "../../lib/ids";
import type { AgentMessageCreate, ConversationDto } from "../../schemas/conversations";
import { type ChannelRow, getChannelRow } from "../channels/channels";
import { queueOutbound } from "../channels/outbound";
import { approvedTemplate, renderTemplate } from "../channels/templates";
import { isOptedOut, optedOutOf } from "../contacts/consent";
import { openDuration } from "../reports/business-time";
import { targetMet, writeCounting } from "../reports/rollups";
import type { OutboundOptions } from "./contract";
import { getConversation } from "./conversations";
import { checkMentions, recordMentions } from "./mentions";
import { checkVariables, contactVariables, renderForContact } from "./snippets";
import { conversationStub } from "./stubs";
import type { VariableContext } from "./variables";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** The key a client's own message id is kept under, so a retried send is stored once. */
export const clientKey = (id: string | undefined) => (id ? `client:${id}` : null);

type AgentMessageBody = z.infer<typeof AgentMessageCreate>;

async function senderOf(db: Db, principal: Principal) {
  const user = principal.userId
    ? await db.query.users.findFirst({ where: eq(users.id, principal.userId) })
    : null;
  return {
    type: principal.userId ? ("agent" as const) : ("bot" as const),
    id: principal.userId,
    name: user?.name ?? "API",
  };
}

/**
 * Whom a reply goes to, as far as its checks need: the channel, the contact (`id` null when it
 * is only about to be created) and when the customer last wrote.
 */
export type ReplyTarget = {
  channel: ChannelRow;
  contactId: string | null;
  contact: VariableContext["contact"];
  lastInboundAt: number | null;
  /** The contact's consent, when the caller has just read it. */
  consent?: ConsentByChannel;
};

/** A reply checked against the channel's rules, its variables filled: nothing is written yet. */
export type PreparedReply = {
  sender: Awaited<ReturnType<typeof senderOf>>;
  /** How the history tells it apart: by hand through the API, or sent by an automation … */
  origin?: MessageOrigin | undefined;
  note: boolean;
  /** Goes out through the platform: stored `queued` and handed to the outbound queue. */
  platform: boolean;
  text: string | undefined;
  outbound?: OutboundOptions;
  externalId: string | null;
  /** The API key it is sent with: each key's client_message_ids are its own. */
  senderKey: string | null;
  workspaceId: string;
};

/** Text or a template for a platform channel, checked against its rules (window, consent). */
async function platformReply(
  db: Db,
  target: ReplyTarget,
  body: AgentMessageBody,
  senderType: "agent" | "bot",
  now: number,
  fill: (text: string, path: string) => Promise<string>,
): Promise<{ text: string; outbound: OutboundOptions }> {
  const { channel } = target;
  const optedOut = target.consent
    ? optedOutOf(target.consent, channel)
    : target.contactId !== null &&
      (await isOptedOut(db, channel.workspaceId, target.contactId, channel));
  if (optedOut)
    throw validationFailed([
      { path: "text", message: "The contact has opted out of messages on this channel" },
    ]);
  const email = { subject: body.subject, area: body.area };
  if (body.template) {
    if (channel.type !== "whatsapp")
      throw validationFailed([{ path: "template", message: "Templates are for WhatsApp" }]);
    const template = await approvedTemplate(db, channel, body.template);
    // template variables may use the variable engine: {{contact.first_name|there}}
    const variables = await Promise.all(
      body.template.variables.map((v, i) => fill(v, `template.variables.${i}`)),
    );
    return {
      text: renderTemplate(template.body, variables),
      outbound: { template: { name: template.name, language: template.language, variables } },
    };
  }
  const decision = replyPolicy(channel.type, target.lastInboundAt, now, senderType);
  if (!decision.allowed) throw validationFailed([{ path: "text", message: decision.reason }]);
  return {
    text: body.text ?? "",
    outbound: {
      ...(decision.humanAgentTag ? { humanAgentTag: true } : {}),
      ...withoutUndefined(email),
    },
  };
}

const withoutUndefined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Checks an agent's (or the API's) message against everything that can refuse it and fills its
 * variables, before anything is stored: a refused message leaves nothing behind.
 */
export async function prepareAgentMessage(
  db: Db,
  principal: Principal,
  target: ReplyTarget,
  body: AgentMessageBody,
  now: number,
): Promise<PreparedReply> {
  const sender = await senderOf(db, principal);
  const origin = principal.apiKeyId ? ("api" as const) : undefined;
  const externalId = clientKey(body.client_message_id);
  if (body.private || !isPlatformChannel(target.channel.type)) {
    if (body.template)
      throw validationFailed([{ path: "template", message: "Templates are for WhatsApp" }]);
    return {
      sender,
      origin,
      note: body.private,
      platform: false,
      text: body.text,
      externalId,
      senderKey: principal.apiKeyId,
      workspaceId: principal.workspaceId,
    };
  }
  const fill = async (text: string, path: string) => {
    await checkVariables(db, principal.workspaceId, text, path);
    const rendered = (await renderForContact(db, principal, target.contact, text)).text;
    if (!rendered.trim())
      throw validationFailed([{ path, message: "is empty for this contact; give a default" }]);
    return rendered;
  };
  const { text, outbound } = await platformReply(db, target, body, sender.type, now, fill);
  return {
    sender,
    origin,
    note: false,
    platform: true,
    text: text || undefined,
    outbound,
    externalId,
    senderKey: principal.apiKeyId,
    workspaceId: principal.workspaceId,
  };
}

/** Stores a prepared message in the conversation, and queues it when it goes to a platform. */
export async function deliverAgentMessage(
  db: Db,
  env: Env,
  conversationId: string,
  reply: PreparedReply,
  context: {
    now: number;
    origin: string;
    attachment?: Attachment | undefined;
    /** The caller sends it itself (a paced broadcast): it is stored `queued` but not queued. */
    sendsItself?: boolean;
  },
) {
  const stub = conversationStub(env, conversationId);
  const attachment = context.attachment ?? null;
  const kind = reply.note ? "note" : attachment ? "file" : "text";
  if (!reply.platform) {
    const message = await stub.append({
      kind,
      sender: reply.sender,
      origin: reply.origin ?? null,
      text: reply.text,
      attachment,
      externalId: reply.externalId,
      senderKey: reply.senderKey,
    });
    if (!reply.note) await recordFirstResponse(db, reply, conversationId, context.now);
    return message;
  }
  const { message, created } = await stub.appendOnce({
    kind,
    sender: reply.sender,
    text: reply.text ?? null,
    attachment,
    status: "queued",
    origin: reply.origin ?? null,
    outbound: reply.outbound ?? null,
    externalId: reply.externalId,
    senderKey: reply.senderKey,
  });
  if (created && !context.sendsItself)
    await queueOutbound(env, { conversationId, seq: message.seq, origin: context.origin });
  await recordFirstResponse(db, reply, conversationId, context.now);
  return message;
}

/** Whom a reply in this conversation goes to. */
export async function conversationTarget(
  db: Db,
  workspaceId: string,
  conversation: ConversationDto,
): Promise<ReplyTarget> {
  return {
    channel: await getChannelRow(db, workspaceId, conversation.channel_id),
    contactId: conversation.contact.id,
    contact: await contactVariables(db, workspaceId, conversation.contact.id),
    lastInboundAt: conversation.last_inbound_at ? Date.parse(conversation.last_inbound_at) : null,
  };
}

/**
 * An agent's (or API) message. On a platform channel it is stored `queued` and handed to the
 * outbound queue; notes and web chat replies are simply stored.
 */
export async function sendAgentMessage(
  db: Db,
  env: Env,
  principal: Principal,
  conversationId: string,
  body: AgentMessageBody,
  context: { now: number; origin: string },
) {
  const conversation = await getConversation(db, principal.workspaceId, conversationId);
  const mentioned = await checkMentions(db, principal.workspaceId, body.mention_ids ?? []);
  const target = await conversationTarget(db, principal.workspaceId, conversation);
  const reply = await prepareAgentMessage(db, principal, target, body, context.now);
  const message = await deliverAgentMessage(db, env, conversationId, reply, context);
  await recordMentions(
    db,
    env,
    {
      workspaceId: principal.workspaceId,
      conversationId,
      seq: message.seq,
      text: message.text,
      by: { id: reply.sender.id, name: reply.sender.name },
    },
    mentioned,
    context.now,
  );
  return message;
}

/** A file from the inbox composer: checked like any reply before the file is stored. */
export async function sendAgentFile(
  db: Db,
  env: Env,
  principal: Principal,
  conversationId: string,
  file: File,
  caption: string | undefined,
  context: { now: number; origin: string },
) {
  const conversation = await getConversation(db, principal.workspaceId, conversationId);
  const target = await conversationTarget(db, principal.workspaceId, conversation);
  const body = { text: caption, private: false };
  const reply = await prepareAgentMessage(db, principal, target, body, context.now);
  const attachment = await storeAttachment(
    env,
    {
      workspaceId: principal.workspaceId,
      conversationId,
      fileId: newId("file", context.now),
    },
    {
      body: file.stream(),
      name: file.name || "file",
      contentType: file.type || "application/octet-stream",
      size: file.size,
    },
  );
  return deliverAgentMessage(db, env, conversationId, reply, { ...context, attachment });
}

/**
 * The first public reply by a person stops the first-response SLA clock, and counts in reports
 * with the time it took.
 */
async function recordFirstResponse(
  db: Db,
  reply: PreparedReply,
  conversationId: string,
  now: number,
) {
  if (reply.sender.type !== "agent") return;
  const where = inWorkspace(conversations, reply.workspaceId, eq(conversations.id, conversationId));
  const current = await db.query.conversations.findFirst({
    columns: { createdAt: true, firstResponseAt: true, teamId: true, firstResponseDueAt: true },
    where,
  });
  if (!current || current.firstResponseAt !== null) return;
  const inBusinessHours = await openDuration(
    db,
    reply.workspaceId,
    conversationId,
    current.createdAt,
    now,
  );
  const met = targetMet(now, current.firstResponseDueAt);
  const write = db
    .update(conversations)
    .set({
      firstResponseAt: now,
      firstResponseBy: reply.sender.id,
      firstResponseBusinessMs: inBusinessHours,
      firstResponseTeamId: current.teamId,
      firstResponseSlaMet: met === null ? null : met === 1,
    })
    .where(
      inWorkspace(
        conversations,
        reply.workspaceId,
        eq(conversations.id, conversationId),
        isNull(conversations.firstResponseAt),
      ),
    );
  const fact = {
    workspaceId: reply.workspaceId,
    conversationId,
    at: now,
    agentId: reply.sender.id,
    teamId: current.teamId,
    when: { sql: "c.first_response_at IS NULL", params: [] },
  };
  await writeCounting(db, write, {
    before: [
      { ...fact, metric: "first_response", durationMs: now - current.createdAt },
      { ...fact, metric: "first_response_business", durationMs: inBusinessHours },
      ...(met === null ? [] : [{ ...fact, metric: "first_response_sla" as const, score: met }]),
    ],
  });
}
