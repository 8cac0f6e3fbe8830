import { z } from "zod";
import type { DeliveryStatus } from "../db/schema";
import { constantTimeEqual } from "../lib/crypto";
import { isRetryableStatus, retryAfterSeconds, sendRequest, trimSlash } from "./http";
import { type ChannelAdapter, type InboundEvent, SendError, type WebhookRequest } from "./types";

const TWILIO = "https://api.twilio.com";

function base64(bytes: ArrayBuffer) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

/**
 * `X-Twilio-Signature`: base64(HMAC-SHA1(auth token, URL + every POST param as key+value,
 * sorted by key)).
 */
export async function twilioSignature(authToken: string, url: string, params: [string, string][]) {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const data = url + sorted.map(([k, v]) => k + v).join("");
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(authToken),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  return base64(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)));
}

async function verify(request: WebhookRequest, authToken: string) {
  const given = request.headers.get("x-twilio-signature");
  if (!given) return false;
  const params = [...new URLSearchParams(request.rawBody).entries()];
  const expected = await twilioSignature(authToken, request.url, params);
  const encoder = new TextEncoder();
  return constantTimeEqual(encoder.encode(expected), encoder.encode(given));
}

const KEYWORDS: Record<string, "stop" | "start" | "help"> = {
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

/** Twilio's opt-out / opt-in / help keywords, when they are the whole message. */
export const consentKeyword = (text: string) =>
  KEYWORDS[
    text
      .trim()
      .toLowerCase()
      .replace(/[.!]+$/, "")
  ] ?? null;

const STATUS: Record<string, DeliveryStatus> = {
  accepted: "queued",
  queued: "queued",
  sending: "queued",
  sent: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "failed",
  failed: "failed",
};

function parse(request: WebhookRequest): InboundEvent[] {
  const form = new URLSearchParams(request.rawBody);
  const sid = form.get("MessageSid") ?? form.get("SmsSid");
  if (!sid) throw new Error("MessageSid is missing");
  const messageStatus = form.get("MessageStatus") ?? form.get("SmsStatus");
  if (form.get("MessageStatus")) {
    const status = STATUS[messageStatus ?? ""];
    if (!status) return [];
    const code = form.get("ErrorCode");
    return [
      {
        type: "status",
        externalId: sid,
        status,
        reason: code ? `twilio ${code}` : undefined,
        timestamp: Date.now(),
      },
    ];
  }
  const from = form.get("From");
  if (!from) throw new Error("From is missing");
  const count = Math.min(Number(form.get("NumMedia") ?? 0) || 0, 10);
  const media = Array.from({ length: count }, (_, i) => ({
    ref: form.get(`MediaUrl${i}`) ?? "",
    contentType: form.get(`MediaContentType${i}`) ?? undefined,
  })).filter((m) => m.ref);
  return [
    {
      type: "message",
      externalId: sid,
      from: { id: from, phone: from },
      text: form.get("Body") || null,
      media,
      timestamp: Date.now(),
    },
  ];
}

const twilioError = z.object({ code: z.number().optional(), message: z.string().optional() });
const twilioSent = z.object({ sid: z.string() });

export const twilioSms: ChannelAdapter<"twilio_sms"> = {
  verify: (request, config) => verify(request, config.auth_token),
  parse: (request) => parse(request),
  async send(config, message) {
    const form = new URLSearchParams({ To: message.to, Body: message.text ?? "" });
    form.set(config.from.startsWith("MG") ? "MessagingServiceSid" : "From", config.from);
    if (message.statusCallbackUrl) form.set("StatusCallback", message.statusCallbackUrl);
    const response = await sendRequest(
      `${trimSlash(config.api_base_url ?? TWILIO)}/2010-04-01/Accounts/${config.account_sid}/Messages.json`,
      {
        method: "POST",
        headers: {
          authorization: `Basic ${btoa(`${config.account_sid}:${config.auth_token}`)}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: form.toString(),
      },
    );
    const payload: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const sent = twilioSent.safeParse(payload);
      if (!sent.success) throw new SendError("unexpected answer from Twilio", false, "bad_answer");
      return { externalId: sent.data.sid };
    }
    const error = twilioError.safeParse(payload);
    const code = error.success ? error.data.code : undefined;
    throw new SendError(
      (error.success && error.data.message) || `HTTP ${response.status}`,
      isRetryableStatus(response.status) || code === 20429,
      code ? `twilio_${code}` : `http_${response.status}`,
      retryAfterSeconds(response),
    );
  },
  async fetchMedia(config, media) {
    const base = trimSlash(config.api_base_url ?? TWILIO);
    if (!media.ref.startsWith(`${base}/`)) throw new Error("media URL is not on Twilio's host");
    return fetch(media.ref, {
      headers: { authorization: `Basic ${btoa(`${config.account_sid}:${config.auth_token}`)}` },
    });
  },
};
