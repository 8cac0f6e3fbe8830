import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import { adapterFor, isPlatformChannel, type PlatformType } from "../../channels/index";
import {
  addressKindOf,
  broadcastRate,
  reachesOut,
  type SendWindow,
  sendRate,
  sendWindow,
} from "../../channels/rules";
import { type Outbound, SendError } from "../../channels/types";
import {
  channelMessages,
  contactIdentities,
  contacts,
  conversations,
  emailSends,
  type MessageOrigin,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { targetFetch } from "../../lib/targets";
import type { ChannelConfigOf } from "../../schemas/channels";
import { record } from "../events/record";
import type { OutboundOptions } from "../messaging/contract";
import { conversationStub } from "../messaging/stubs";
import { pushToContact, type SendAttempt } from "../web-push/deliver";
import { adapterConfig, type ChannelRow, findChannelRow } from "./channels";
import { identityKind, recordInLedger } from "./ledger";

/** A stored outbound message to hand to its platform; `origin` is where status callbacks go. */
export type OutboundJob = {
  conversationId: string;
  seq: number;
  origin?: string | undefined;
  /** A broadcast's message, sent at its broadcast turn: it keeps to the broadcasts' share too. */
  pacedAs?: "broadcast";
};
/** A job with the workspace its conversation object says it belongs to. */
type Sending = OutboundJob & { workspaceId: string };

/** What the queue consumer should do with the job next. */
export type DeliveryOutcome =
  | { kind: "done" }
  | { kind: "retry"; delaySeconds: number }
  /** Not an attempt: the channel's cap or limit makes it wait; it is sent later, never dropped. */
  | { kind: "wait"; delaySeconds: number };

/**
 * Waits before each try again: a platform's passing hiccup costs a reply (or a broadcast's
 * recipient) seconds, a longer outage gets growing waits. Every try takes its turn from the
 * channel's limiter, so quick retries never push a channel past its pace.
 */
const BACKOFF_SECONDS = [1, 2, 5, 30, 120, 600, 1800, 3600];
export const MAX_SEND_ATTEMPTS = 8;
const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

export async function queueOutbound(env: Env, job: OutboundJob, delaySeconds = 0) {
  await env.OUTBOUND.send(job, {
    delaySeconds: Math.min(Math.ceil(delaySeconds), MAX_QUEUE_DELAY_SECONDS),
  });
}

/** The contacts' addresses on the channel (phone, email, or the platform identity), by contact. */
export async function addressesOn(
  db: Db,
  channel: ChannelRow,
  contactIds: string[],
): Promise<Map<string, string>> {
  const kind = addressKindOf(channel.type);
  if (kind !== "identity") {
    const rows = await db
      .select({ id: contacts.id, address: contacts[kind] })
      .from(contacts)
      .where(inWorkspace(contacts, channel.workspaceId, inArray(contacts.id, contactIds)));
    return new Map(rows.flatMap(({ id, address }) => (address ? [[id, address] as const] : [])));
  }
  const rows = await db
    .select({ contactId: contactIdentities.contactId, value: contactIdentities.value })
    .from(contactIdentities)
    .where(
      inWorkspace(
        contactIdentities,
        channel.workspaceId,
        eq(contactIdentities.kind, identityKind(channel)),
        inArray(contactIdentities.contactId, contactIds),
      ),
    );
  const found = new Map<string, string>();
  for (const row of rows) if (!found.has(row.contactId)) found.set(row.contactId, row.value);
  return found;
}

type EmailConfig = ChannelConfigOf<"email">;
type SenderAccount = EmailConfig["from_accounts"][number];

const senderAccount = (config: EmailConfig, area: string | undefined) =>
  config.from_accounts.find((a) => a.area === (area ?? "all")) ??
  config.from_accounts.find((a) => a.area === "all") ??
  config.from_accounts[0];

/** Seconds until the sender account may send again under its cap; 0 when it may now. */
async function capWait(db: Db, channelId: string, account: SenderAccount, now: number) {
  if (!account.cap_count || !account.cap_hours) return 0;
  const windowMs = account.cap_hours * 60 * 60 * 1000;
  const recent = await db
    .select({ sentAt: emailSends.sentAt })
    .from(emailSends)
    .where(
      and(
        eq(emailSends.channelId, channelId),
        eq(emailSends.sender, account.from),
        gt(emailSends.sentAt, now - windowMs),
      ),
    )
    .orderBy(asc(emailSends.sentAt));
  if (recent.length < account.cap_count) return 0;
  const frees = (recent[recent.length - account.cap_count]?.sentAt ?? now) + windowMs;
  return Math.max(1, Math.ceil((frees - now) / 1000));
}

/** The customer's latest email in the conversation, so the reply threads under it. */
async function lastInboundId(db: Db, sending: Sending) {
  const row = await db.query.channelMessages.findFirst({
    columns: { externalId: true },
    where: inWorkspace(
      channelMessages,
      sending.workspaceId,
      eq(channelMessages.conversationId, sending.conversationId),
      eq(channelMessages.direction, "in"),
    ),
    orderBy: desc(channelMessages.seq),
  });
  return row?.externalId;
}

async function emailFields(
  db: Db,
  channel: ChannelRow,
  config: EmailConfig,
  sending: Sending,
  options: OutboundOptions,
) {
  const account = senderAccount(config, options.area);
  return {
    account,
    fields: {
      from: account?.from,
      subject: options.subject ?? `Re: your conversation with ${channel.name}`,
      html: options.html,
      inReplyTo: await lastInboundId(db, sending),
    },
  };
}

const statusEvent = (db: Db, env: Env, sending: Sending, status: string, reason?: string) =>
  record({ db, env }, sending.workspaceId, {
    type: "message.status",
    conversation_id: sending.conversationId,
    seq: sending.seq,
    status,
    reason: reason ?? null,
  });

async function failed(
  db: Db,
  env: Env,
  sending: Sending,
  reason: string,
): Promise<DeliveryOutcome> {
  await conversationStub(env, sending.conversationId).applyStatus(sending.seq, {
    status: "failed",
    reason,
  });
  await statusEvent(db, env, sending, "failed", reason);
  return { kind: "done" };
}

/** A limiter wait up to this long is slept through: a round trip through the queue takes longer. */
const INLINE_WAIT_MS = 1_000;

/** Takes a send token, sleeping through short waits; the wait left when it is longer (0: taken). */
async function tokenFrom(
  limiter: ReturnType<Env["RATE_LIMITER"]["get"]>,
  rate: ReturnType<typeof sendRate>,
  to: string,
  broadcastPerSecond?: number,
  window?: SendWindow | null,
): Promise<number> {
  for (;;) {
    const waitMs = await limiter.acquire(rate, to, broadcastPerSecond, window);
    if (waitMs === 0 || waitMs > INLINE_WAIT_MS) return waitMs;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** How a message takes its turn: a broadcast's share, the sender's window it counts toward. */
type Turn = { pacedAs: OutboundJob["pacedAs"]; window: SendWindow | null };

/**
 * Automations and scheduled messages that reach out first count toward the sender's window, as
 * broadcasts do (theirs is counted as they are paced). A try again was counted by the first.
 */
const REACHING_OUT: readonly (MessageOrigin | null)[] = ["automation", "scheduled"];

function windowToCount(
  type: PlatformType,
  config: ChannelConfigOf<PlatformType>,
  origin: MessageOrigin | null,
  lastInboundAt: number | null | undefined,
  attempt: number,
  now: number,
): SendWindow | null {
  if (attempt > 1 || !REACHING_OUT.includes(origin) || lastInboundAt === undefined) return null;
  if (!reachesOut(type, lastInboundAt, now)) return null;
  return sendWindow(type, "max_per_window" in config ? config : {});
}

/** One try through the channel's limiter: web push goes to each of the contact's subscriptions. */
async function sendOnChannel(
  db: Db,
  env: Env,
  channel: ChannelRow,
  config: ChannelConfigOf<PlatformType>,
  outbound: Outbound,
  contactId: string,
  now: number,
  turn: Turn,
): Promise<SendAttempt> {
  if (channel.type === "web_push") {
    const push = config as ChannelConfigOf<"web_push">;
    const subject = outbound.subject ?? push.title ?? channel.name;
    return pushToContact(db, env, channel, push, { ...outbound, subject }, contactId, now);
  }
  const type = channel.type as PlatformType;
  const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(channel.id));
  const rate = sendRate(type, config);
  const share = turn.pacedAs === "broadcast" ? broadcastRate(rate) : undefined;
  const waitMs = await tokenFrom(limiter, rate, outbound.to, share, turn.window);
  if (waitMs > 0) return { kind: "wait", delaySeconds: Math.ceil(waitMs / 1000) };
  const { externalId } = await adapterFor(type).send(config, outbound, targetFetch(env));
  return { kind: "sent", externalId };
}

/**
 * Where a message goes; `address` when the caller has read it (null: the contact has none), and
 * when the customer last wrote in the conversation, when read.
 */
type Target = {
  channel: ChannelRow;
  contactId: string;
  address?: string | null;
  lastInboundAt?: number | null;
};

async function targetOf(db: Db, sending: Sending): Promise<Target | null> {
  const conversation = await db.query.conversations.findFirst({
    columns: { channelId: true, contactId: true, lastInboundAt: true },
    where: inWorkspace(
      conversations,
      sending.workspaceId,
      eq(conversations.id, sending.conversationId),
    ),
  });
  const channel = conversation
    ? await findChannelRow(db, sending.workspaceId, conversation.channelId)
    : undefined;
  return conversation && channel
    ? { channel, contactId: conversation.contactId, lastInboundAt: conversation.lastInboundAt }
    : null;
}

/**
 * Sends one queued message on its conversation's channel. Redelivery is harmless: a message
 * that is no longer `queued` was already handled.
 */
export async function deliverOutbound(
  db: Db,
  env: Env,
  job: OutboundJob,
  attempt: number,
  now: number,
  /** The conversation's channel and contact, when the caller has just read them. */
  known?: Target,
): Promise<DeliveryOutcome> {
  const stub = conversationStub(env, job.conversationId);
  const stored = await stub.outboundMessage(job.seq);
  if (stored?.message.status !== "queued") return { kind: "done" };
  const sending: Sending = { ...job, workspaceId: stored.workspaceId };
  const target = known ?? (await targetOf(db, sending));
  const channel = target?.channel;
  if (!target || !channel || !isPlatformChannel(channel.type))
    return failed(db, env, sending, "The conversation has no platform channel.");
  const { contactId } = target;
  if (channel.deletedAt !== null) return failed(db, env, sending, "The channel is disconnected.");
  const to =
    target.address !== undefined
      ? target.address
      : ((await addressesOn(db, channel, [contactId])).get(contactId) ?? null);
  if (!to) return failed(db, env, sending, "The contact has no address on this channel.");
  const config = await adapterConfig<ChannelConfigOf<typeof channel.type>>(env, channel);
  const { message, options } = stored;
  const outbound: Outbound = {
    to,
    text: message.text,
    template: options.template,
    humanAgentTag: options.humanAgentTag,
    reference: message.id,
    statusCallbackUrl: job.origin
      ? `${job.origin}/webhooks/twilio/${channel.id}/status`
      : undefined,
    media:
      message.attachment && job.origin
        ? {
            url: `${job.origin}${message.attachment.url}`,
            contentType: message.attachment.content_type,
            name: message.attachment.name,
          }
        : undefined,
  };
  let account: SenderAccount | undefined;
  if (channel.type === "email") {
    const email = await emailFields(db, channel, config as EmailConfig, sending, options);
    account = email.account;
    const wait = account ? await capWait(db, channel.id, account, now) : 0;
    if (wait > 0) return { kind: "wait", delaySeconds: wait };
    Object.assign(outbound, email.fields);
  }
  const window = windowToCount(
    channel.type,
    config,
    stored.origin,
    target.lastInboundAt,
    attempt,
    now,
  );
  try {
    const turn = { pacedAs: job.pacedAs, window };
    const tried = await sendOnChannel(db, env, channel, config, outbound, contactId, now, turn);
    if (tried.kind === "wait") return tried;
    const { externalId } = tried;
    await recordInLedger(db, {
      channelId: channel.id,
      externalId,
      workspaceId: channel.workspaceId,
      conversationId: job.conversationId,
      seq: job.seq,
      direction: "out",
      createdAt: now,
    });
    if (account)
      await db
        .insert(emailSends)
        .values({
          channelId: channel.id,
          sender: account.from,
          messageKey: message.id,
          sentAt: now,
        })
        .onConflictDoNothing();
    await stub.applyStatus(job.seq, { status: "sent" });
    await statusEvent(db, env, sending, "sent");
    return { kind: "done" };
  } catch (error) {
    const retryable = !(error instanceof SendError) || error.retryable;
    const reason = error instanceof SendError ? error.message : String(error);
    if (!retryable || attempt >= MAX_SEND_ATTEMPTS) return failed(db, env, sending, reason);
    const platformSays = error instanceof SendError ? error.retryAfterSeconds : undefined;
    const backoff = BACKOFF_SECONDS[Math.min(attempt - 1, BACKOFF_SECONDS.length - 1)] ?? 3600;
    return { kind: "retry", delaySeconds: platformSays ?? backoff };
  }
}
