import { z } from "zod";
import type { DeliveryStatus } from "../db/schema";
import { constantTimeEqual } from "../lib/crypto";
import type { ChannelConfigOf } from "../schemas/channels";
import { isRetryableStatus, retryAfterSeconds, sendRequest, trimSlash } from "./http";
import {
  type ChannelAdapter,
  type InboundStatus,
  type Outbound,
  SendError,
  type WebhookRequest,
} from "./types";

type EmailConfig = ChannelConfigOf<"email">;
type Provider = EmailConfig["provider"];

const BASES: Record<Provider, string> = {
  resend: "https://api.resend.com",
  postmark: "https://api.postmarkapp.com",
  sendgrid: "https://api.sendgrid.com",
};
const SVIX_TOLERANCE_MS = 5 * 60 * 1000;
const encoder = new TextEncoder();

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

/** Resend signs events Svix-style: base64 HMAC-SHA256 over `id.timestamp.body`. */
async function verifySvix(request: WebhookRequest, secret: string) {
  const id = request.headers.get("svix-id");
  const timestamp = request.headers.get("svix-timestamp");
  const signatures = request.headers.get("svix-signature");
  if (!id || !timestamp || !signatures) return false;
  if (Math.abs(Date.now() - Number(timestamp) * 1000) > SVIX_TOLERANCE_MS) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    fromBase64(secret.replace(/^whsec_/, "")),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = toBase64(
    await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${request.rawBody}`)),
  );
  return signatures
    .split(" ")
    .map((s) => s.split(",")[1] ?? "")
    .some((given) => constantTimeEqual(encoder.encode(given), encoder.encode(expected)));
}

/** Postmark has no signature: its webhook URL carries Basic auth whose password is the secret. */
function verifyBasicAuth(request: WebhookRequest, secret: string) {
  const header = request.headers.get("authorization") ?? "";
  if (!header.startsWith("Basic ")) return false;
  const password = atob(header.slice(6)).split(":").slice(1).join(":");
  return constantTimeEqual(encoder.encode(password), encoder.encode(secret));
}

/** DER ECDSA signature → the raw r‖s WebCrypto verifies. */
function derToRaw(der: Uint8Array) {
  const readInt = (offset: number) => {
    const length = der[offset + 1] ?? 0;
    let bytes = der.slice(offset + 2, offset + 2 + length);
    while (bytes.length > 32 && bytes[0] === 0) bytes = bytes.slice(1);
    const padded = new Uint8Array(32);
    padded.set(bytes, 32 - bytes.length);
    return { value: padded, next: offset + 2 + length };
  };
  const r = readInt(2);
  const s = readInt(r.next);
  const raw = new Uint8Array(64);
  raw.set(r.value, 0);
  raw.set(s.value, 32);
  return raw;
}

/** SendGrid signs events with ECDSA P-256 over timestamp + body; the secret is its public key. */
async function verifySendGrid(request: WebhookRequest, publicKey: string) {
  const signature = request.headers.get("x-twilio-email-event-webhook-signature");
  const timestamp = request.headers.get("x-twilio-email-event-webhook-timestamp");
  if (!signature || !timestamp) return false;
  try {
    const key = await crypto.subtle.importKey(
      "spki",
      fromBase64(publicKey),
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    return await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      key,
      derToRaw(fromBase64(signature)),
      encoder.encode(timestamp + request.rawBody),
    );
  } catch {
    return false;
  }
}

/** Provider event → delivery status (never backwards: complaints come after delivery) + event. */
const EVENTS: Record<string, { status: DeliveryStatus; event: string }> = {
  sent: { status: "sent", event: "sent" },
  processed: { status: "sent", event: "sent" },
  delivered: { status: "delivered", event: "delivered" },
  delivery: { status: "delivered", event: "delivered" },
  opened: { status: "read", event: "opened" },
  open: { status: "read", event: "opened" },
  clicked: { status: "read", event: "clicked" },
  click: { status: "read", event: "clicked" },
  bounced: { status: "failed", event: "bounced" },
  bounce: { status: "failed", event: "bounced" },
  dropped: { status: "failed", event: "bounced" },
  complained: { status: "delivered", event: "spam" },
  spamreport: { status: "delivered", event: "spam" },
  spamcomplaint: { status: "delivered", event: "spam" },
};

function statusEvent(
  kind: string,
  externalId: string,
  timestamp: number,
  reason?: string,
): InboundStatus[] {
  const mapped = EVENTS[kind.toLowerCase()];
  return mapped ? [{ type: "status", externalId, ...mapped, reason, timestamp }] : [];
}

const resendEvent = z.looseObject({
  type: z.string(),
  created_at: z.string(),
  data: z.looseObject({
    email_id: z.string(),
    bounce: z.looseObject({ message: z.string().optional() }).optional(),
  }),
});
const sendgridEvents = z.array(
  z.looseObject({
    event: z.string(),
    sg_message_id: z.string(),
    timestamp: z.number(),
    reason: z.string().optional(),
  }),
);
const postmarkEvent = z.looseObject({
  RecordType: z.string(),
  MessageID: z.string(),
  Description: z.string().optional(),
  DeliveredAt: z.string().optional(),
  BouncedAt: z.string().optional(),
  ReceivedAt: z.string().optional(),
});

function parseEvents(provider: Provider, body: unknown): InboundStatus[] {
  if (provider === "resend") {
    const e = resendEvent.parse(body);
    return statusEvent(
      e.type.replace(/^email\./, ""),
      e.data.email_id,
      Date.parse(e.created_at),
      e.data.bounce?.message,
    );
  }
  if (provider === "sendgrid") {
    return sendgridEvents
      .parse(body)
      .flatMap((e) =>
        statusEvent(
          e.event,
          e.sg_message_id.split(".")[0] ?? e.sg_message_id,
          e.timestamp * 1000,
          e.reason,
        ),
      );
  }
  const e = postmarkEvent.parse(body);
  const at = Date.parse(e.DeliveredAt ?? e.BouncedAt ?? e.ReceivedAt ?? "") || Date.now();
  return statusEvent(e.RecordType, e.MessageID, at, e.Description);
}

const threading = (message: Outbound) =>
  message.inReplyTo
    ? { "In-Reply-To": `<${message.inReplyTo}>`, References: `<${message.inReplyTo}>` }
    : undefined;

/** Each provider's send request and where its answer keeps the message id. */
function providerRequest(
  config: EmailConfig,
  message: Outbound,
): {
  url: string;
  auth: Record<string, string>;
  body: unknown;
  id: (r: Response, json: unknown) => string;
} {
  const base = trimSlash(config.api_base_url ?? BASES[config.provider]);
  const headers = threading(message);
  const subject = message.subject ?? "Message";
  if (config.provider === "resend")
    return {
      url: `${base}/emails`,
      auth: { authorization: `Bearer ${config.api_key}` },
      body: { from: message.from, to: [message.to], subject, text: message.text ?? "", headers },
      id: (_r: Response, json: unknown) => z.object({ id: z.string() }).parse(json).id,
    };
  if (config.provider === "postmark")
    return {
      url: `${base}/email`,
      auth: { "x-postmark-server-token": config.api_key },
      body: {
        From: message.from,
        To: message.to,
        Subject: subject,
        TextBody: message.text ?? "",
        Headers: Object.entries(headers ?? {}).map(([Name, Value]) => ({ Name, Value })),
        MessageStream: "outbound",
      },
      id: (_r: Response, json: unknown) => {
        const answer = z
          .object({ MessageID: z.string(), ErrorCode: z.number(), Message: z.string().optional() })
          .parse(json);
        if (answer.ErrorCode !== 0)
          throw new SendError(
            answer.Message ?? "Postmark refused",
            false,
            `postmark_${answer.ErrorCode}`,
          );
        return answer.MessageID;
      },
    };
  return {
    url: `${base}/v3/mail/send`,
    auth: { authorization: `Bearer ${config.api_key}` },
    body: {
      personalizations: [{ to: [{ email: message.to }] }],
      from: {
        email: message.from?.match(/<([^>]+)>/)?.[1] ?? message.from,
        name: message.from?.match(/^([^<]+)</)?.[1]?.trim(),
      },
      subject,
      content: [{ type: "text/plain", value: message.text ?? "" }],
      headers,
    },
    id: (r: Response) => r.headers.get("x-message-id") ?? "",
  };
}

const providerMessage = (json: unknown) => {
  const parsed = z
    .union([
      z.object({ message: z.string() }),
      z.object({ Message: z.string() }),
      z.object({ errors: z.array(z.object({ message: z.string() })).min(1) }),
    ])
    .safeParse(json);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  return "message" in d ? d.message : "Message" in d ? d.Message : d.errors[0]?.message;
};

export const email: ChannelAdapter<"email"> = {
  async verify(request, config) {
    const secret = config.webhook_secret;
    if (!secret) return false;
    if (config.provider === "resend") return verifySvix(request, secret);
    if (config.provider === "postmark") return verifyBasicAuth(request, secret);
    return verifySendGrid(request, secret);
  },
  parse: (request, config) => parseEvents(config.provider, JSON.parse(request.rawBody)),
  async send(config, message) {
    const request = providerRequest(config, message);
    const response = await sendRequest(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...request.auth },
      body: JSON.stringify(request.body),
    });
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok)
      throw new SendError(
        providerMessage(json) ?? `HTTP ${response.status}`,
        isRetryableStatus(response.status),
        `${config.provider}_${response.status}`,
        retryAfterSeconds(response),
      );
    const externalId = request.id(response, json);
    if (!externalId)
      throw new SendError("the provider returned no message id", false, "bad_answer");
    return { externalId };
  },
};
