import { inArray } from "drizzle-orm";
import { addressKindOf } from "../../channels/rules";
import { type BroadcastMessage, type ConsentByChannel, contacts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { systemPrincipal } from "../../lib/context";
import { Problem } from "../../lib/errors";
import type { ChannelRow } from "../channels/channels";
import {
  addressesOn,
  type DeliveryOutcome,
  deliverOutbound,
  type OutboundJob,
} from "../channels/outbound";
import { renderTemplateFor } from "../message-templates/send";
import { getMessageTemplate } from "../message-templates/templates";
import {
  findActiveConversation,
  getConversation,
  openConversation,
} from "../messaging/conversations";
import { deliverAgentMessage, prepareAgentMessage } from "../messaging/messages";
import {
  type contactVariables,
  getSnippet,
  renderForContact,
  variableContext,
  variablesOf,
} from "../messaging/snippets";
import { type BroadcastRow, nullIfGone } from "./broadcasts";
import { type BroadcastJob, queueJobs } from "./jobs";
import { shortenLinks } from "./links";
import type { RunRef } from "./runs";
import { messageOf } from "./variants";

/** What the channel or the message refused for this contact: recorded, never retried. */
export class Refused extends Error {}

/** What a saved message says now: its text, its template, or its snippet's current body. */
export async function messageBody(db: Db, workspaceId: string, message: BroadcastMessage) {
  if (message.template) return { template: message.template };
  if (message.text !== undefined) return { text: message.text };
  if (message.message_template_id) {
    const template = await getMessageTemplate(db, workspaceId, message.message_template_id).catch(
      nullIfGone,
    );
    if (!template) throw new Refused("The message template was deleted.");
    return { messageTemplate: template };
  }
  const snippet = message.snippet_id
    ? await getSnippet(db, workspaceId, message.snippet_id).catch(nullIfGone)
    : null;
  if (!snippet) throw new Refused("The snippet was deleted.");
  return { text: snippet.body };
}

export const refusal = (problem: Problem) => {
  const errors = (problem.extra.errors as { message: string }[] | undefined) ?? [];
  return errors.map((e) => e.message).join("; ") || (problem.detail ?? problem.title);
};

/** Run 1 keeps the id it had before broadcasts ran more than once. */
const clientMessageId = (broadcastId: string, send: { run: number; round: number }) =>
  send.run === 1
    ? `broadcast:${broadcastId}:${send.round}`
    : `broadcast:${broadcastId}:run${send.run}:${send.round}`;

/**
 * Sends the written message to the platform here and now: the broadcast's pacer already let it
 * go, so it does not queue behind the outbound queue's live replies (nor they behind it). A
 * passing failure, or a channel bucket still empty, goes back to the broadcasts queue to be sent
 * again at a broadcast turn of its own (`resendMessage`), never through the live replies' queue.
 * Each send also keeps to the broadcasts' share in every second at the limiter
 * (see `RateLimiter.acquire`).
 */
async function sendPaced(
  db: Db,
  env: Env,
  resend: RunRef,
  job: OutboundJob,
  target: { channel: ChannelRow; contactId: string; address: string | null },
  now: number,
) {
  const message: OutboundJob = { ...job, pacedAs: "broadcast" };
  const outcome = await sendAtTurn(db, env, message, 1, now, target);
  await sendAgainLater(env, { ...resend, channelId: target.channel.id, message }, 1, outcome);
}

type Resend = Extract<BroadcastJob, { kind: "resend" }>;

/** One try of a broadcast's message whose turn has come; a crash counts as a passing failure. */
export const sendAtTurn = (
  db: Db,
  env: Env,
  message: OutboundJob,
  attempt: number,
  now: number,
  known?: { channel: ChannelRow; contactId: string; address: string | null },
): Promise<DeliveryOutcome> =>
  deliverOutbound(db, env, message, attempt, now, known).catch(() => ({
    kind: "retry" as const,
    delaySeconds: 2,
  }));

/** A passing failure tries again (the next attempt); a full channel waits (the same attempt). */
export async function sendAgainLater(
  env: Env,
  resend: Omit<Resend, "kind" | "attempt">,
  attempt: number,
  outcome: DeliveryOutcome,
) {
  if (outcome.kind === "done") return;
  const next = outcome.kind === "retry" ? attempt + 1 : attempt;
  await queueJobs(env, [{ kind: "resend", ...resend, attempt: next }], outcome.delaySeconds);
}

type Body = Awaited<ReturnType<typeof messageBody>>;

/** A saved message's text (and an e-mail template's subject and HTML) filled in for one contact. */
export async function filledFor(
  db: Db,
  principal: ReturnType<typeof systemPrincipal>,
  contact: NonNullable<Awaited<ReturnType<typeof contactVariables>>>,
  body: Body,
) {
  if (body.messageTemplate) {
    const context = await variableContext(db, principal, contact);
    const filled = await renderTemplateFor(body.messageTemplate, context);
    return { text: filled.body, subject: filled.subject ?? undefined, html: filled.html };
  }
  const text = body.text
    ? (await renderForContact(db, principal, contact, body.text)).text
    : undefined;
  return { text, subject: undefined, html: null };
}

/** What one send needs to know of its recipient, read for a whole batch at once. */
export type RecipientFacts = {
  contact: NonNullable<Awaited<ReturnType<typeof contactVariables>>>;
  consent: ConsentByChannel;
  /** The contact's address on the channel; null when it has none. */
  address: string | null;
};

/**
 * The facts of these recipients (a contact deleted since has none), in one read, and one more
 * for their identities on a channel that reaches contacts by one.
 */
export async function recipientsFacts(db: Db, channel: ChannelRow, contactIds: string[]) {
  const kind = addressKindOf(channel.type);
  const [rows, identities] = await Promise.all([
    db
      .select({
        id: contacts.id,
        name: contacts.name,
        phone: contacts.phone,
        email: contacts.email,
        customFields: contacts.customFields,
        consent: contacts.consent,
      })
      .from(contacts)
      .where(inWorkspace(contacts, channel.workspaceId, inArray(contacts.id, contactIds))),
    kind === "identity" ? addressesOn(db, channel, contactIds) : new Map<string, string>(),
  ]);
  return new Map<string, RecipientFacts>(
    rows.map((row) => {
      const address = (kind === "identity" ? identities.get(row.id) : row[kind]) ?? null;
      return [row.id, { contact: variablesOf(row), consent: row.consent, address }];
    }),
  );
}

/**
 * Writes the broadcast's message to one contact the way an automation's message goes: into the
 * contact's open conversation on the channel (opened if needed), checked by the channel's rules
 * (consent, the reply window, templates), then sent at once: its broadcast turn has come.
 * The message carries the broadcast (its run and retry round) as its client id, so a conversation
 * never takes it twice: a send retried after a crash finds the message it already wrote and
 * sends nothing more.
 */
export async function sendToRecipient(
  db: Db,
  env: Env,
  broadcast: BroadcastRow,
  channel: ChannelRow,
  recipient: { contactId: string; run: number; round: number; variant: string | null },
  facts: RecipientFacts | undefined,
  now: number,
) {
  const { workspaceId } = broadcast;
  const { contactId } = recipient;
  const principal = systemPrincipal(workspaceId);
  if (!facts) throw new Refused("The contact was deleted.");
  const { contact } = facts;
  const open = await findActiveConversation(db, workspaceId, contactId, channel.id);
  const conversation = open ? await getConversation(db, workspaceId, open) : null;
  const body = await messageBody(db, workspaceId, messageOf(broadcast, recipient.variant));
  const { text: rendered, subject, html } = await filledFor(db, principal, contact, body);
  const text =
    rendered && broadcast.trackClicks
      ? await shortenLinks(db, broadcast, recipient, rendered)
      : rendered;
  const reply = await prepareAgentMessage(
    db,
    principal,
    {
      channel,
      contactId,
      contact,
      consent: facts.consent,
      lastInboundAt: conversation?.last_inbound_at
        ? Date.parse(conversation.last_inbound_at)
        : null,
    },
    {
      text,
      template: body.template
        ? { ...body.template, variables: body.template.variables }
        : undefined,
      subject,
      private: false,
      client_message_id: clientMessageId(broadcast.id, recipient),
    },
    now,
  ).catch((error: unknown) => {
    throw error instanceof Problem && error.status === 422 ? new Refused(refusal(error)) : error;
  });
  const conversationId =
    open ??
    (await openConversation(db, env, { workspaceId, channelId: channel.id, contactId }, now));
  const message = await deliverAgentMessage(
    db,
    env,
    conversationId,
    {
      ...reply,
      sender: { type: "bot", id: null, name: broadcast.name },
      origin: "broadcast",
      ...(html ? { outbound: { ...reply.outbound, html } } : {}),
    },
    { now, origin: "", sendsItself: true },
  );
  const job = { conversationId, seq: message.seq, origin: "" };
  const resend = { workspaceId, broadcastId: broadcast.id, run: recipient.run };
  const target = { channel, contactId, address: facts.address };
  await sendPaced(db, env, resend, job, target, now);
  return { messageId: message.id, conversationId, seq: message.seq };
}
