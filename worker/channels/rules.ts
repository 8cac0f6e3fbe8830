import type { ChannelType } from "../db/schema";

/**
 * What a channel reaches a contact at: the contact's own phone or email, or the identity the
 * platform gave it (a chat id, a page-scoped id, a browser subscription).
 */
export const addressKindOf = (type: ChannelType): "phone" | "email" | "identity" =>
  type === "whatsapp" || type === "twilio_sms" ? "phone" : type === "email" ? "email" : "identity";

/** A platform's send rate: for the channel as a whole, and per recipient. */
export type RateLimit = { perSecond: number; perRecipientPerSecond?: number };

const HOUR = 60 * 60 * 1000;

/**
 * Platforms that only let a business write freely for a while after the customer last wrote:
 * WhatsApp 24 h (then approved templates only); Messenger and Instagram 24 h, and up to 7 days
 * for a human agent's reply tagged HUMAN_AGENT.
 */
const WINDOWS: Partial<Record<ChannelType, { standardMs: number; humanAgentMs?: number }>> = {
  whatsapp: { standardMs: 24 * HOUR },
  messenger: { standardMs: 24 * HOUR, humanAgentMs: 7 * 24 * HOUR },
  instagram: { standardMs: 24 * HOUR, humanAgentMs: 7 * 24 * HOUR },
};

/**
 * Whether a message Conversa sends on its own reaches out first: the customer has not written
 * within the channel's standard window (a day where the platform has none). Those count toward
 * the sender's `max_per_window`; an automatic answer to a customer who just wrote does not.
 */
export function reachesOut(type: ChannelType, lastInboundAt: number | null, now: number) {
  const windowMs = WINDOWS[type]?.standardMs ?? 24 * HOUR;
  return lastInboundAt === null || now - lastInboundAt > windowMs;
}

/** When free-form replies stop being possible; null when the channel has no window. */
export function replyWindowClosesAt(type: ChannelType, lastInboundAt: number | null) {
  const window = WINDOWS[type];
  if (!window) return null;
  if (lastInboundAt === null) return 0;
  return lastInboundAt + (window.humanAgentMs ?? window.standardMs);
}

export type ReplyDecision =
  | { allowed: true; humanAgentTag: boolean }
  | { allowed: false; reason: string; templatesOnly: boolean };

/** May this free-form message (not a template) go out now? */
export function replyPolicy(
  type: ChannelType,
  lastInboundAt: number | null,
  now: number,
  sender: "agent" | "bot",
): ReplyDecision {
  const window = WINDOWS[type];
  if (!window) return { allowed: true, humanAgentTag: false };
  const age = lastInboundAt === null ? Number.POSITIVE_INFINITY : now - lastInboundAt;
  if (age <= window.standardMs) return { allowed: true, humanAgentTag: false };
  if (window.humanAgentMs && age <= window.humanAgentMs && sender === "agent")
    return { allowed: true, humanAgentTag: true };
  if (type === "whatsapp")
    return {
      allowed: false,
      templatesOnly: true,
      reason:
        "The customer last wrote more than 24 hours ago: WhatsApp only allows an approved template now.",
    };
  return {
    allowed: false,
    templatesOnly: false,
    reason:
      sender === "agent"
        ? "The customer last wrote more than 7 days ago: the platform allows no reply until they write again."
        : "Outside the platform's 24-hour window, only a human agent may reply (up to 7 days).",
  };
}

/**
 * Published send limits, kept a little under: WhatsApp 80 messages/s per number; Telegram
 * about 30/s per bot and 1/s per chat; a Twilio long code 1 SMS/s; Meta's Send API and the
 * email providers allow more than one conversation produces. Push services publish no number:
 * each browser subscription is its own recipient.
 */
export const RATE_LIMITS: Record<Exclude<ChannelType, "webchat">, RateLimit> = {
  whatsapp: { perSecond: 70 },
  messenger: { perSecond: 100 },
  instagram: { perSecond: 100 },
  telegram: { perSecond: 25, perRecipientPerSecond: 1 },
  twilio_sms: { perSecond: 1 },
  email: { perSecond: 10 },
  custom: { perSecond: 50 },
  web_push: { perSecond: 50 },
};

/** The channel's send rate: its configured `max_per_second`, or the platform's published limit. */
export function sendRate(
  type: Exclude<ChannelType, "webchat">,
  config: { max_per_second?: number | undefined },
): RateLimit {
  const published = RATE_LIMITS[type];
  return config.max_per_second ? { ...published, perSecond: config.max_per_second } : published;
}

export type SendWindow = { count: number; hours: number };

/** Documented per-window limits: WhatsApp's lowest tier of business-initiated sends a day. */
const WINDOW_LIMITS: Partial<Record<Exclude<ChannelType, "webchat">, SendWindow>> = {
  whatsapp: { count: 250, hours: 24 },
};

/** The sender's cap per window: its configured `max_per_window`, or the documented one. */
export const sendWindow = (
  type: Exclude<ChannelType, "webchat">,
  config: { max_per_window?: SendWindow | undefined },
): SendWindow | null => config.max_per_window ?? WINDOW_LIMITS[type] ?? null;

/**
 * Broadcasts draw from their own bucket refilled at this share of the channel's rate, on top of
 * the channel's bucket every outbound message takes from (`deliverOutbound`). So broadcasts
 * never hold more than this share of the budget: the rest is always there for live replies,
 * which wait behind no broadcast.
 */
export const BROADCAST_SHARE = 0.8;

/** Broadcast messages a second on a channel (at least one every two seconds). */
export const broadcastRate = (limit: RateLimit) => Math.max(0.5, limit.perSecond * BROADCAST_SHARE);
