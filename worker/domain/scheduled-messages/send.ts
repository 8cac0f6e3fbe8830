import { replyPolicy } from "../../channels/rules";
import type { Db } from "../../lib/context";
import { systemPrincipal } from "../../lib/context";
import { Problem } from "../../lib/errors";
import { storeAttachment } from "../../lib/files";
import { newId } from "../../lib/ids";
import { nullIfGone } from "../broadcasts/broadcasts";
import { filledFor, messageBody, Refused, refusal } from "../broadcasts/send";
import { type ChannelRow, getChannelRow } from "../channels/channels";
import {
  findActiveConversation,
  getConversation,
  openConversation,
} from "../messaging/conversations";
import { deliverAgentMessage, prepareAgentMessage } from "../messaging/messages";
import { fetchAttachment } from "../messaging/send";
import { contactVariables } from "../messaging/snippets";
import type { ScheduledRow } from "./store";

const ACTIVE = ["open", "pending", "snoozed"];

/** 422s (the channel's rules, a file that cannot be fetched) are refusals, recorded as such. */
const refusedOn422 = (error: unknown): never => {
  throw error instanceof Problem && error.status === 422 ? new Refused(refusal(error)) : error;
};

/** The conversation it goes into: the one it names while still active, else the contact's. */
async function activeConversation(db: Db, row: ScheduledRow) {
  if (row.conversationId) {
    const named = await getConversation(db, row.workspaceId, row.conversationId).catch(nullIfGone);
    if (named && ACTIVE.includes(named.status)) return named;
  }
  const open = await findActiveConversation(db, row.workspaceId, row.contactId, row.channelId);
  return open ? getConversation(db, row.workspaceId, open) : null;
}

/**
 * What it says at send time: its own message, or its fallback template when it is text and
 * WhatsApp's 24-hour window has closed meanwhile.
 */
async function bodyAt(
  db: Db,
  row: ScheduledRow,
  channel: ChannelRow,
  lastInboundAt: number | null,
  now: number,
) {
  const body = await messageBody(db, row.workspaceId, row.message);
  if (body.template || !row.fallbackTemplate || channel.type !== "whatsapp") return body;
  const window = replyPolicy(channel.type, lastInboundAt, now, "bot");
  return window.allowed ? body : { template: row.fallbackTemplate };
}

/**
 * Sends a claimed scheduled message the way an agent's reply goes (the channel's rules, the
 * outbound queue, statuses), from Conversa with the origin "scheduled". Its id is the message's
 * client id, so a retried send finds the message already written and queues nothing more.
 */
export async function sendScheduled(db: Db, env: Env, row: ScheduledRow, now: number) {
  const { workspaceId, contactId } = row;
  const principal = systemPrincipal(workspaceId);
  const channel = await getChannelRow(db, workspaceId, row.channelId).catch(nullIfGone);
  if (!channel || channel.deletedAt !== null) throw new Refused("The channel is disconnected.");
  const contact = await contactVariables(db, workspaceId, contactId);
  if (!contact) throw new Refused("The contact was deleted.");
  const conversation = await activeConversation(db, row);
  if (!conversation && !row.openConversation)
    throw new Refused("The contact has no open conversation on the channel.");
  const lastInboundAt = conversation?.last_inbound_at
    ? Date.parse(conversation.last_inbound_at)
    : null;
  const body = await bodyAt(db, row, channel, lastInboundAt, now);
  const { text, subject, html } = await filledFor(db, principal, contact, body);
  const reply = await prepareAgentMessage(
    db,
    principal,
    { channel, contactId, contact, lastInboundAt },
    {
      text,
      subject,
      template: body.template,
      private: false,
      client_message_id: `scheduled:${row.id}`,
    },
    now,
  ).catch(refusedOn422);
  const file =
    row.attachment && !body.template
      ? await fetchAttachment(env, row.attachment).catch(refusedOn422)
      : undefined;
  const ref = { workspaceId, channelId: channel.id, contactId };
  const conversationId = conversation?.id ?? (await openConversation(db, env, ref, now));
  const attachment = file
    ? await storeAttachment(env, { ...ref, conversationId, fileId: newId("file", now) }, file)
    : undefined;
  const message = await deliverAgentMessage(
    db,
    env,
    conversationId,
    {
      ...reply,
      sender: { type: "bot", id: null, name: row.senderName },
      origin: "scheduled",
      ...(html ? { outbound: { ...reply.outbound, html } } : {}),
    },
    { now, origin: row.origin, attachment },
  );
  return { messageId: message.id, conversationId };
}
