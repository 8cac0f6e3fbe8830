import { eq } from "drizzle-orm";
import { adapterFor, isPlatformChannel } from "../../channels/index";
import { consentKeyword } from "../../channels/twilio";
import type {
  InboundEvent,
  InboundMedia,
  InboundMessage,
  InboundReaction,
  InboundReadWatermark,
  InboundSender,
  InboundStatus,
} from "../../channels/types";
import {
  type ChannelType,
  contactIdentities,
  contacts,
  conversations,
  workspaces,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { storeAttachment } from "../../lib/files";
import { newId } from "../../lib/ids";
import { targetFetch } from "../../lib/targets";
import { recordKeywordConsent } from "../contacts/consent";
import { normalizePhone } from "../contacts/contacts";
import { takeSurveyAnswer } from "../csat/surveys";
import { record } from "../events/record";
import { findActiveConversation, openConversation } from "../messaging/conversations";
import { conversationStub } from "../messaging/stubs";
import { routeCustomerMessage } from "../routing/routing";
import { adapterConfig, type ChannelRow } from "./channels";
import { identityKind, ledgerEntry, recordInLedger } from "./ledger";

/** One normalized platform event waiting in the inbound queue. */
export type InboundJob = { channelId: string; event: InboundEvent; receivedAt: number };

/** Raised when an event refers to something not stored yet (a status before its send): retry later. */
export class NotYetKnown extends Error {}

const MAX_MEDIA_BYTES = 10 * 1024 * 1024;
const PHONE_CHANNELS: ChannelType[] = ["whatsapp", "twilio_sms"];

async function defaultCountry(db: Db, workspaceId: string) {
  const row = await db.query.workspaces.findFirst({
    columns: { defaultCountry: true },
    where: eq(workspaces.id, workspaceId),
  });
  return row?.defaultCountry ?? "US";
}

async function contactByColumn(
  db: Db,
  workspaceId: string,
  column: "phone" | "email",
  value: string,
) {
  const row = await db.query.contacts.findFirst({
    columns: { id: true, name: true },
    where: inWorkspace(contacts, workspaceId, eq(contacts[column], value)),
  });
  return row ?? null;
}

/** A contact first seen on a channel; subscribers hear of it (contact.created). */
async function insertContact(
  db: Db,
  env: Env,
  channel: ChannelRow,
  fields: { name: string | null; phone?: string | null; email?: string | null },
  now: number,
) {
  const { workspaceId } = channel;
  const id = newId("ct", now);
  const inserted = await db
    .insert(contacts)
    .values({ id, workspaceId, ...fields, source: channel.type, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: contacts.id });
  if (inserted.length)
    await record({ db, env }, workspaceId, {
      type: "contact.created",
      contact: { id, ...fields, source: "channel" },
    });
  return id;
}

/**
 * How the channel knows a sender: phone and email channels by that column of the contact, the
 * others by a platform identity.
 */
type SenderKey = { column: "phone" | "email"; value: string } | { kind: string; value: string };

async function senderKey(db: Db, channel: ChannelRow, sender: InboundSender): Promise<SenderKey> {
  if (channel.type === "email")
    return { column: "email", value: (sender.email ?? sender.id).toLowerCase() };
  if (PHONE_CHANNELS.includes(channel.type)) {
    const raw = sender.phone ?? sender.id;
    const phone = normalizePhone(raw, await defaultCountry(db, channel.workspaceId));
    return { column: "phone", value: phone ?? `+${raw.replace(/\D/g, "")}` };
  }
  return { kind: identityKind(channel), value: sender.id };
}

async function contactByKey(db: Db, workspaceId: string, key: SenderKey) {
  if ("column" in key) return contactByColumn(db, workspaceId, key.column, key.value);
  const identity = await db.query.contactIdentities.findFirst({
    where: inWorkspace(
      contactIdentities,
      workspaceId,
      eq(contactIdentities.kind, key.kind),
      eq(contactIdentities.value, key.value),
    ),
  });
  if (!identity) return null;
  const contact = await db.query.contacts.findFirst({
    columns: { id: true, name: true },
    where: inWorkspace(contacts, workspaceId, eq(contacts.id, identity.contactId)),
  });
  return contact ?? { id: identity.contactId, name: null };
}

/**
 * The contact a sender already is on the channel (null when none), and the fields a new one
 * would be created with: nothing is written.
 */
export async function findSender(db: Db, channel: ChannelRow, sender: InboundSender) {
  const key = await senderKey(db, channel, sender);
  return {
    known: await contactByKey(db, channel.workspaceId, key),
    fields: { name: sender.name ?? null, ...("column" in key ? { [key.column]: key.value } : {}) },
  };
}

/** The sender's contact on the channel, created (with its identity) on first sight. */
export async function contactForSender(
  db: Db,
  env: Env,
  channel: ChannelRow,
  sender: InboundSender,
  now: number,
): Promise<{ id: string; name: string | null }> {
  const { workspaceId } = channel;
  const key = await senderKey(db, channel, sender);
  const known = await contactByKey(db, workspaceId, key);
  if (known) return known;
  const fields = { name: sender.name ?? null };
  if ("column" in key) {
    await insertContact(db, env, channel, { ...fields, [key.column]: key.value }, now);
  } else {
    const contactId = await insertContact(db, env, channel, fields, now);
    await db
      .insert(contactIdentities)
      .values({ workspaceId, kind: key.kind, value: key.value, contactId })
      .onConflictDoNothing();
  }
  const winner = await contactByKey(db, workspaceId, key);
  if (!winner) throw new Error("contact vanished after insert");
  return winner;
}

/**
 * Email continues its thread (reply headers or reply address) while it is not closed. Where a new
 * conversation would open, an answer to the contact's pending survey is taken instead (`answer`).
 */
async function conversationFor(
  db: Db,
  env: Env,
  channel: ChannelRow,
  contactId: string,
  message: InboundMessage,
  now: number,
  hint?: string | null,
): Promise<{ conversationId: string } | { answer: { conversationId: string; seq: number } }> {
  const thread = (await ledgerEntry(db, channel, message.replyTo ?? []))?.conversationId;
  for (const candidate of [hint, thread]) {
    if (!candidate) continue;
    const row = await db.query.conversations.findFirst({
      columns: { status: true, contactId: true },
      where: inWorkspace(
        conversations,
        channel.workspaceId,
        eq(conversations.id, candidate),
        eq(conversations.channelId, channel.id),
      ),
    });
    if (row && row.status !== "closed" && row.contactId === contactId)
      return { conversationId: candidate };
  }
  const ref = { workspaceId: channel.workspaceId, channelId: channel.id, contactId };
  // a new email thread is a new ticket; chat channels continue the open conversation
  const open =
    channel.type === "email"
      ? null
      : await findActiveConversation(db, ref.workspaceId, contactId, channel.id);
  if (open) return { conversationId: open };
  const answer = await takeSurveyAnswer(db, env, channel, contactId, message.text, now);
  if (answer) return { answer };
  return { conversationId: await openConversation(db, env, ref, now) };
}

/** Media fetched only now, after the signature check, from the platform's own host. */
async function downloadMedia(
  env: Env,
  channel: ChannelRow,
  media: InboundMedia,
  where: Where,
  now: number,
) {
  if (!isPlatformChannel(channel.type)) return null;
  const adapter = adapterFor(channel.type);
  if (!adapter.fetchMedia) return null;
  try {
    const config = await adapterConfig<Parameters<typeof adapter.send>[0]>(env, channel);
    const response = await adapter.fetchMedia(config, media, targetFetch(env));
    if (!response.ok) return null;
    const body = await response.arrayBuffer();
    if (body.byteLength > MAX_MEDIA_BYTES) return null;
    const contentType =
      media.contentType ?? response.headers.get("content-type") ?? "application/octet-stream";
    return await storeAttachment(
      env,
      { ...where, fileId: newId("file", now) },
      { body, name: media.name ?? "attachment", contentType, size: body.byteLength },
    );
  } catch (error) {
    console.warn(`media ${media.ref} of ${channel.id} could not be fetched`, error);
    return null;
  }
}

type Attachment = Awaited<ReturnType<typeof storeAttachment>>;
type Where = { workspaceId: string; conversationId: string };

/** A message with several files becomes one stored message per file, the text on the first. */
function messageParts(text: string | null, attachments: Attachment[], missing: number) {
  const note = missing > 0 ? `(${missing} attachment(s) could not be downloaded)` : null;
  const body = [text, note].filter(Boolean).join("\n") || null;
  if (attachments.length === 0) return [{ text: body, attachment: null }];
  return attachments.map((attachment, i) => ({ attachment, text: i === 0 ? body : null }));
}

async function ingestMessage(
  db: Db,
  env: Env,
  channel: ChannelRow,
  message: InboundMessage,
  now: number,
  storeFiles: (where: Where) => Promise<(Attachment | null)[]>,
  conversationHint?: string | null,
) {
  if (await ledgerEntry(db, channel, [message.externalId])) return;
  const contact = await contactForSender(db, env, channel, message.from, now);
  const target = await conversationFor(
    db,
    env,
    channel,
    contact.id,
    message,
    now,
    conversationHint,
  );
  if ("answer" in target) {
    // a survey's answer is noted in the closed conversation it asks about, once
    await recordInLedger(db, {
      channelId: channel.id,
      externalId: message.externalId,
      workspaceId: channel.workspaceId,
      ...target.answer,
      direction: "in",
      createdAt: now,
    });
    return;
  }
  const { conversationId } = target;
  const stored = await storeFiles({ workspaceId: channel.workspaceId, conversationId });
  const attachments = stored.filter((a) => a !== null);
  const parts = messageParts(message.text, attachments, stored.length - attachments.length);
  const stub = conversationStub(env, conversationId);
  let firstSeq = 0;
  for (const [i, part] of parts.entries()) {
    const appended = await stub.append({
      kind: part.attachment ? "file" : "text",
      sender: { type: "contact", id: contact.id, name: contact.name },
      text: part.text,
      attachment: part.attachment,
      externalId: `${channel.type}:${message.externalId}${i ? `#${i}` : ""}`,
    });
    if (i === 0) firstSeq = appended.seq;
  }
  await recordInLedger(db, {
    channelId: channel.id,
    externalId: message.externalId,
    workspaceId: channel.workspaceId,
    conversationId,
    seq: firstSeq,
    direction: "in",
    createdAt: now,
  });
  if (!(await stub.isRouted()))
    await routeCustomerMessage(
      db,
      env,
      { workspaceId: channel.workspaceId, conversationId },
      message.text,
      now,
    );
  const keyword =
    channel.type === "twilio_sms" && message.text ? consentKeyword(message.text) : null;
  if (keyword)
    await recordKeywordConsent(db, env, channel, contact.id, conversationId, keyword, now);
}

async function ingestStatus(db: Db, env: Env, channel: ChannelRow, status: InboundStatus) {
  const entry = await ledgerEntry(db, channel, [status.externalId]);
  if (!entry) throw new NotYetKnown(`no message ${status.externalId} on ${channel.id} yet`);
  const now = await conversationStub(env, entry.conversationId).applyStatus(entry.seq, {
    status: status.status,
    reason: status.reason ?? null,
    event: status.event ?? null,
    at: status.timestamp,
  });
  await record({ db, env }, channel.workspaceId, {
    type: "message.status",
    conversation_id: entry.conversationId,
    seq: entry.seq,
    status: now,
    reported: status.status,
    event: status.event ?? null,
    reason: status.reason ?? null,
  });
}

async function ingestReaction(db: Db, env: Env, channel: ChannelRow, reaction: InboundReaction) {
  const target = await ledgerEntry(db, channel, [reaction.targetExternalId]);
  if (!target) return;
  const contact = await contactForSender(db, env, channel, reaction.from, reaction.timestamp);
  await conversationStub(env, target.conversationId).append({
    kind: "event",
    sender: { type: "contact", id: contact.id, name: contact.name },
    event: { type: "reaction", data: { emoji: reaction.emoji, seq: target.seq } },
    externalId: `${channel.type}:${reaction.externalId}`,
  });
}

async function ingestReadWatermark(
  db: Db,
  env: Env,
  channel: ChannelRow,
  read: InboundReadWatermark,
  now: number,
) {
  const contact = await contactForSender(db, env, channel, read.from, now);
  const conversationId = await findActiveConversation(
    db,
    channel.workspaceId,
    contact.id,
    channel.id,
  );
  if (conversationId) await conversationStub(env, conversationId).readUpTo(read.watermark);
}

/** Applies one platform event: idempotent, so a redelivered job changes nothing. */
export async function ingestEvent(db: Db, env: Env, channel: ChannelRow, job: InboundJob) {
  const { event } = job;
  if (event.type === "message")
    return ingestMessage(db, env, channel, event, job.receivedAt, (where) =>
      Promise.all(event.media.map((m) => downloadMedia(env, channel, m, where, job.receivedAt))),
    );
  if (event.type === "status") return ingestStatus(db, env, channel, event);
  if (event.type === "reaction") return ingestReaction(db, env, channel, event);
  return ingestReadWatermark(db, env, channel, event, job.receivedAt);
}

/** An inbound email: its attachments came with it, nothing to download. */
export function ingestEmailMessage(
  db: Db,
  env: Env,
  channel: ChannelRow,
  message: InboundMessage,
  files: { body: ArrayBuffer; name: string; contentType: string }[],
  now: number,
  conversationHint: string | null,
) {
  return ingestMessage(
    db,
    env,
    channel,
    message,
    now,
    (where) =>
      Promise.all(
        files.map((f) =>
          storeAttachment(
            env,
            { ...where, fileId: newId("file", now) },
            { ...f, size: f.body.byteLength },
          ),
        ),
      ),
    conversationHint,
  );
}
