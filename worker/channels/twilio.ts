import { z } from "zod";
import type { DeliveryStatus } from "../db/schema";
import type { ChannelConfigOf } from "../schemas/channels";
import { isRetryableStatus, retryAfterSeconds, sendRequest, trimSlash } from "./http";
import { verifyTwilioSignature } from "./twilio-signature";
import { type ChannelAdapter, type InboundMessage, type InboundStatus, SendError } from "./types";

type TwilioConfig = ChannelConfigOf<"twilio_sms">;

const TWILIO = "https://api.twilio.com";

export type ConsentKeyword = "stop" | "start" | "help";

const KEYWORDS: Record<string, ConsentKeyword> = {
  stop: "stop",
  stopall: "stop",
  unsubscribe: "stop",
  cancel: "stop",
  end: "stop",
  quit: "stop",
  optout: "stop",
  revoke: "stop",
  start: "start",
  yes: "start",
  unstop: "start",
  optin: "start",
  help: "help",
  info: "help",
};

/** Twilio's opt-out / opt-in / help keyword when it is the whole message (any case), else null. */
export const consentKeyword = (text: string): ConsentKeyword | null =>
  KEYWORDS[text.trim().toLowerCase()] ?? null;

const DELIVERY_STATUS: Record<string, DeliveryStatus> = {
  accepted: "queued",
  queued: "queued",
  sending: "queued",
  sent: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "failed",
  failed: "failed",
};
/** States Twilio gives messages it receives, not ones we sent. */
const INBOUND_STATES = ["received", "receiving"];

/** A status callback about a message we sent, as opposed to a message someone sent us. */
export function isStatusCallback(form: URLSearchParams): boolean {
  const status = form.get("MessageStatus");
  return status !== null && !INBOUND_STATES.includes(status);
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new Error(`${name} is missing`);
  return value;
}

function parseStatus(form: URLSearchParams): InboundStatus[] {
  const status = DELIVERY_STATUS[required(form, "MessageStatus")];
  if (!status) return [];
  return [
    {
      type: "status",
      externalId: required(form, "MessageSid"),
      status,
      reason: form.get("ErrorCode") || undefined,
      timestamp: Date.now(),
    },
  ];
}

const MAX_MEDIA = 10;

function parseMessage(form: URLSearchParams): InboundMessage[] {
  const from = required(form, "From");
  const count = Math.min(Number(form.get("NumMedia")) || 0, MAX_MEDIA);
  const media = Array.from({ length: count }, (_, i) => ({
    ref: form.get(`MediaUrl${i}`) ?? "",
    contentType: form.get(`MediaContentType${i}`) ?? undefined,
  })).filter((m) => m.ref);
  return [
    {
      type: "message",
      externalId: required(form, "MessageSid"),
      from: { id: from, phone: from.replace(/^whatsapp:/, "") },
      text: form.get("Body") || null,
      media,
      // Twilio's webhooks carry no time of their own
      timestamp: Date.now(),
    },
  ];
}

const apiBase = (config: TwilioConfig) => trimSlash(config.api_base_url ?? TWILIO);
const basicAuth = (config: TwilioConfig) =>
  `Basic ${btoa(`${config.account_sid}:${config.auth_token}`)}`;

const created = z.object({ sid: z.string() });
const twilioError = z.object({ code: z.number().optional(), message: z.string().optional() });
const TOO_MANY_REQUESTS = 20429;

function sendError(response: Response, payload: unknown): SendError {
  const error = twilioError.safeParse(payload);
  const code = error.success ? error.data.code : undefined;
  return new SendError(
    (error.success && error.data.message) || `Twilio answered HTTP ${response.status}`,
    isRetryableStatus(response.status) || code === TOO_MANY_REQUESTS,
    code ? `twilio_${code}` : `http_${response.status}`,
    retryAfterSeconds(response),
  );
}

export const twilioSms: ChannelAdapter<"twilio_sms"> = {
  verify: (request, config) =>
    verifyTwilioSignature(
      config.auth_token,
      request.url,
      request.rawBody,
      request.headers.get("x-twilio-signature"),
    ),

  parse(request) {
    const form = new URLSearchParams(request.rawBody);
    return isStatusCallback(form) ? parseStatus(form) : parseMessage(form);
  },

  async send(config, message, net) {
    const form = new URLSearchParams({ To: message.to, Body: message.text ?? "" });
    form.set(config.from.startsWith("MG") ? "MessagingServiceSid" : "From", config.from);
    if (message.statusCallbackUrl) form.set("StatusCallback", message.statusCallbackUrl);
    if (message.media) form.set("MediaUrl", message.media.url);
    const url = `${apiBase(config)}/2010-04-01/Accounts/${config.account_sid}/Messages.json`;
    const response = await sendRequest(net, url, {
      method: "POST",
      headers: {
        authorization: basicAuth(config),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: form.toString(),
    });
    const payload: unknown = await response.json().catch(() => null);
    if (!response.ok) throw sendError(response, payload);
    const sent = created.safeParse(payload);
    if (!sent.success) throw new SendError("unexpected answer from Twilio", false, "bad_answer");
    return { externalId: sent.data.sid };
  },

  async check(config, net) {
    const url = `${apiBase(config)}/2010-04-01/Accounts/${config.account_sid}.json`;
    const response = await sendRequest(net, url, { headers: { authorization: basicAuth(config) } });
    if (!response.ok) throw sendError(response, await response.json().catch(() => null));
  },

  async fetchMedia(config, media, net) {
    if (!media.ref.startsWith(`${apiBase(config)}/`))
      throw new Error("media URL is not on the configured Twilio API host");
    return net(media.ref, { headers: { authorization: basicAuth(config) } });
  },
};
