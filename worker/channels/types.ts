import type { ChannelType, DeliveryStatus } from "../db/schema";
import { excerpt, type TargetFetch } from "../lib/targets";
import type { ChannelConfigOf } from "../schemas/channels";

/** Who wrote to us, as the platform knows them. `id` is the platform identity (wa_id, PSID, chat id, address). */
export type InboundSender = {
  id: string;
  name?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
};

/** Media announced by the platform; fetched after the signature check, from the platform's own host. */
export type InboundMedia = {
  /** A platform media id (WhatsApp, Telegram file_id) or a URL on the configured base URL (Twilio, Meta pages). */
  ref: string;
  contentType?: string | undefined;
  name?: string | undefined;
};

export type InboundMessage = {
  type: "message";
  /** The platform's message id: the same id is stored once however often it is delivered. */
  externalId: string;
  from: InboundSender;
  text: string | null;
  media: InboundMedia[];
  /** Platform time in ms. */
  timestamp: number;
  /** Email threading: the ids this message answers (In-Reply-To, References), newest first. */
  replyTo?: string[] | undefined;
  subject?: string | undefined;
};

export type InboundStatus = {
  type: "status";
  /** The id the platform gave our outbound message. */
  externalId: string;
  status: DeliveryStatus;
  /** Provider events that are not a delivery state: opened, clicked, bounced, spam … */
  event?: string | undefined;
  reason?: string | undefined;
  timestamp: number;
};

/** A customer's reaction to a message (WhatsApp, Messenger); an empty emoji removes it. */
export type InboundReaction = {
  type: "reaction";
  externalId: string;
  /** The platform id of the message reacted to. */
  targetExternalId: string;
  from: InboundSender;
  emoji: string;
  timestamp: number;
};

/** Messenger / Instagram read receipts: everything sent to `from` up to `watermark` (ms) is read. */
export type InboundReadWatermark = {
  type: "read_watermark";
  from: InboundSender;
  watermark: number;
};

export type InboundEvent = InboundMessage | InboundStatus | InboundReaction | InboundReadWatermark;

/** What goes out: text, or a WhatsApp template, to the contact's platform identity. */
export type Outbound = {
  to: string;
  text: string | null;
  template?: { name: string; language: string; variables: string[] } | undefined;
  /** Messenger / Instagram: a human agent's reply between 24 h and 7 days after the customer wrote. */
  humanAgentTag?: boolean | undefined;
  subject?: string | undefined;
  /** Email: an HTML part beside the text. */
  html?: string | undefined;
  /** Email: the sender account and threading headers. */
  from?: string | undefined;
  inReplyTo?: string | undefined;
  /** Where status callbacks should go (Twilio StatusCallback). */
  statusCallbackUrl?: string | undefined;
  /** Our message id, for platforms that echo a reference back. */
  reference: string;
  /** A file to send, at a URL the platform can fetch for a while. */
  media?: { url: string; contentType: string; name: string } | undefined;
};

export type SendResult = { externalId: string };

/**
 * A failed send. Retryable errors go back to the queue (after `retryAfterSeconds` when the
 * platform says). The message often quotes the platform's answer, so it is kept to a short,
 * printable excerpt: it is stored as the message's failure reason and shown to admins.
 */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(excerpt(message));
    this.name = "SendError";
  }
}

/** The request as received, with the raw body the platform signed. */
export type WebhookRequest = {
  url: string;
  headers: Headers;
  rawBody: string;
  /** The bytes as received: signatures are checked over these, never a re-encoding. */
  rawBytes: Uint8Array<ArrayBuffer>;
  /** When it arrived (ms, from the injected clock): signed timestamps are checked against it. */
  receivedAt: number;
};

export type ChannelAdapter<T extends ChannelType> = {
  /** true when the request is signed by the platform with this channel's secret. */
  verify(request: WebhookRequest, config: ChannelConfigOf<T>): Promise<boolean>;
  /** Normalized events; fields the adapter does not know are ignored. Throws on a malformed body. */
  parse(request: WebhookRequest, config: ChannelConfigOf<T>): InboundEvent[];
  /** Every call to the platform goes through `net`, the outbound URL guard (worker/lib/targets.ts). */
  send(config: ChannelConfigOf<T>, message: Outbound, net: TargetFetch): Promise<SendResult>;
  /**
   * Asks the platform whether the credentials work (a harmless read); throws a SendError
   * carrying the platform's refusal. Absent when the platform has no such call.
   */
  check?(config: ChannelConfigOf<T>, net: TargetFetch): Promise<void>;
  /** Downloads announced media (only from the configured base URL); absent when the platform sends none. */
  fetchMedia?(config: ChannelConfigOf<T>, media: InboundMedia, net: TargetFetch): Promise<Response>;
};
