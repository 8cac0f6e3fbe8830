import { z } from "zod";
import type { DeliveryStatus } from "../db/schema";
import { base64UrlToBytes, constantTimeEqual } from "../lib/crypto";
import { isFreshTimestamp } from "../lib/signed";
import type { TargetFetch } from "../lib/targets";
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
const DEFAULT_SUBJECT = "Re: your conversation";

const encoder = new TextEncoder();
// atob reads the standard alphabet too, so this decodes plain base64 as well.
const base64ToBytes = base64UrlToBytes;

/** `prefix` followed by the body bytes exactly as received. */
function signedBytes(prefix: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(prefix);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

/** Resend signs events Svix-style: base64 HMAC-SHA256 over `id.timestamp.body`, any `v1,` may match. */
async function verifySvix(request: WebhookRequest, secret: string) {
  const id = request.headers.get("svix-id");
  const timestamp = request.headers.get("svix-timestamp");
  const signatures = request.headers.get("svix-signature");
  if (!id || !timestamp || !signatures || !isFreshTimestamp(timestamp, request.receivedAt))
    return false;
  const key = await crypto.subtle.importKey(
    "raw",
    base64ToBytes(secret.replace(/^whsec_/, "")),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const signed = signedBytes(`${id}.${timestamp}.`, request.rawBytes);
  const candidates = signatures
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .map((s) => base64ToBytes(s.slice(3)));
  for (const candidate of candidates)
    if (await crypto.subtle.verify("HMAC", key, candidate, signed)) return true;
  return false;
}

/** Postmark has no signature: its webhook URL carries Basic auth whose password is the secret. */
function verifyBasicAuth(request: WebhookRequest, secret: string) {
  const [scheme, credentials] = (request.headers.get("authorization") ?? "").split(" ");
  if (scheme?.toLowerCase() !== "basic" || !credentials) return false;
  const decoded = new TextDecoder().decode(base64ToBytes(credentials));
  const colon = decoded.indexOf(":");
  if (colon === -1) return false;
  return constantTimeEqual(encoder.encode(decoded.slice(colon + 1)), encoder.encode(secret));
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` → the 64-byte r‖s WebCrypto verifies; null if malformed. */
function derToRawSignature(der: Uint8Array): Uint8Array<ArrayBuffer> | null {
  if (der[0] !== 0x30) return null;
  const raw = new Uint8Array(64);
  let offset = 2;
  for (const half of [0, 32]) {
    if (der[offset] !== 0x02) return null;
    const length = der[offset + 1] ?? 0;
    let value = der.subarray(offset + 2, offset + 2 + length);
    while (value.length > 0 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) return null;
    raw.set(value, half + 32 - value.length);
    offset += 2 + length;
  }
  return raw;
}

/**
 * SendGrid signs events with ECDSA P-256 over timestamp + body; the secret is its SPKI public key.
 * The timestamp is signed, so an old one means a captured request played again.
 */
async function verifySendGrid(request: WebhookRequest, publicKey: string) {
  const signature = request.headers.get("x-twilio-email-event-webhook-signature");
  const timestamp = request.headers.get("x-twilio-email-event-webhook-timestamp");
  if (!signature || !timestamp || !isFreshTimestamp(timestamp, request.receivedAt)) return false;
  const raw = derToRawSignature(base64ToBytes(signature));
  if (!raw) return false;
  const key = await crypto.subtle.importKey(
    "spki",
    base64ToBytes(publicKey),
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  return crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    raw,
    signedBytes(timestamp, request.rawBytes),
  );
}

/**
 * Provider event (lower-cased) → delivery status and the event recorded on the message.
 * A status never moves backwards, so events that follow delivery (spam, unsubscribe) say delivered.
 */
const EVENTS: Record<string, { status: DeliveryStatus; event: string }> = {
  sent: { status: "sent", event: "sent" },
  processed: { status: "sent", event: "sent" },
  delivery_delayed: { status: "sent", event: "deferred" },
  deferred: { status: "sent", event: "deferred" },
  delivered: { status: "delivered", event: "delivered" },
  delivery: { status: "delivered", event: "delivered" },
  opened: { status: "read", event: "opened" },
  open: { status: "read", event: "opened" },
  clicked: { status: "read", event: "clicked" },
  click: { status: "read", event: "clicked" },
  bounced: { status: "failed", event: "bounced" },
  bounce: { status: "failed", event: "bounced" },
  dropped: { status: "failed", event: "bounced" },
  failed: { status: "failed", event: "failed" },
  complained: { status: "delivered", event: "spam" },
  spamreport: { status: "delivered", event: "spam" },
  spamcomplaint: { status: "delivered", event: "spam" },
  unsubscribe: { status: "delivered", event: "unsubscribed" },
};

function statusEvent(
  kind: string,
  externalId: string,
  timestamp: number,
  reason: string | undefined,
): InboundStatus[] {
  const mapped = EVENTS[kind.toLowerCase()];
  return mapped ? [{ type: "status", externalId, ...mapped, reason, timestamp }] : [];
}

const timeOf = (text: string | undefined) => Date.parse(text ?? "") || Date.now();

const resendEvent = z.looseObject({
  type: z.string(),
  created_at: z.string(),
  data: z.looseObject({
    email_id: z.string(),
    bounce: z.looseObject({ message: z.string().optional() }).optional(),
    failed: z.looseObject({ reason: z.string().optional() }).optional(),
  }),
});

const sendgridEvents = z.array(
  z.looseObject({
    event: z.string(),
    sg_message_id: z.string().optional(),
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

function resendStatuses(body: unknown) {
  const { type, created_at, data } = resendEvent.parse(body);
  const reason = data.bounce?.message ?? data.failed?.reason;
  return statusEvent(type.replace(/^email\./, ""), data.email_id, timeOf(created_at), reason);
}

/** `sg_message_id` is the X-Message-Id of the send followed by `.filter…`. */
function sendgridStatuses(body: unknown) {
  return sendgridEvents.parse(body).flatMap((e) => {
    const externalId = e.sg_message_id?.split(".")[0];
    return externalId ? statusEvent(e.event, externalId, e.timestamp * 1000, e.reason) : [];
  });
}

function postmarkStatuses(body: unknown) {
  const e = postmarkEvent.parse(body);
  const at = timeOf(e.DeliveredAt ?? e.BouncedAt ?? e.ReceivedAt);
  return statusEvent(e.RecordType, e.MessageID, at, e.Description);
}

const PARSERS: Record<Provider, (body: unknown) => InboundStatus[]> = {
  resend: resendStatuses,
  sendgrid: sendgridStatuses,
  postmark: postmarkStatuses,
};

/** One provider's send request and where its answer keeps the message id ("" when it does not). */
type ProviderCall = {
  path: string;
  auth: Record<string, string>;
  body: unknown;
  externalId: (response: Response, answer: unknown) => string;
};

type Letter = {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
};

const threadingHeaders = (message: Outbound): Record<string, string> =>
  message.inReplyTo
    ? { "In-Reply-To": `<${message.inReplyTo}>`, References: `<${message.inReplyTo}>` }
    : {};

/** `Acme Support <support@acme.test>` → SendGrid's `{email, name}`. */
function mailbox(from: string) {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (!match) return { email: from.trim() };
  return { email: match[2] ?? "", ...(match[1] ? { name: match[1] } : {}) };
}

function resendCall(config: EmailConfig, letter: Letter, headers: Record<string, string>) {
  const body = {
    from: letter.from,
    to: [letter.to],
    subject: letter.subject,
    text: letter.text,
    ...(letter.html ? { html: letter.html } : {}),
  };
  return {
    path: "/emails",
    auth: { authorization: `Bearer ${config.api_key}` },
    body: Object.keys(headers).length ? { ...body, headers } : body,
    externalId: (_response: Response, answer: unknown) =>
      z.object({ id: z.string() }).safeParse(answer).data?.id ?? "",
  } satisfies ProviderCall;
}

const postmarkAnswer = z.object({
  MessageID: z.string().optional(),
  ErrorCode: z.number(),
  Message: z.string().optional(),
});

function postmarkCall(config: EmailConfig, letter: Letter, headers: Record<string, string>) {
  return {
    path: "/email",
    auth: { "x-postmark-server-token": config.api_key },
    body: {
      From: letter.from,
      To: letter.to,
      Subject: letter.subject,
      TextBody: letter.text,
      ...(letter.html ? { HtmlBody: letter.html } : {}),
      Headers: Object.entries(headers).map(([Name, Value]) => ({ Name, Value })),
      MessageStream: "outbound",
    },
    externalId: (_response: Response, answer: unknown) => {
      const parsed = postmarkAnswer.safeParse(answer).data;
      if (parsed && parsed.ErrorCode !== 0)
        throw new SendError(
          parsed.Message ?? "Postmark refused the email",
          false,
          `postmark_${parsed.ErrorCode}`,
        );
      return parsed?.MessageID ?? "";
    },
  } satisfies ProviderCall;
}

function sendgridCall(config: EmailConfig, letter: Letter, headers: Record<string, string>) {
  const body = {
    personalizations: [{ to: [{ email: letter.to }] }],
    from: mailbox(letter.from),
    subject: letter.subject,
    // SendGrid wants text/plain before text/html
    content: [
      { type: "text/plain", value: letter.text },
      ...(letter.html ? [{ type: "text/html", value: letter.html }] : []),
    ],
  };
  return {
    path: "/v3/mail/send",
    auth: { authorization: `Bearer ${config.api_key}` },
    body: Object.keys(headers).length ? { ...body, headers } : body,
    externalId: (response: Response) => response.headers.get("x-message-id") ?? "",
  } satisfies ProviderCall;
}

const CALLS: Record<
  Provider,
  (config: EmailConfig, letter: Letter, headers: Record<string, string>) => ProviderCall
> = { resend: resendCall, postmark: postmarkCall, sendgrid: sendgridCall };

/** The error text in Resend (`message`), Postmark (`Message`) and SendGrid (`errors[].message`) answers. */
function providerMessage(answer: unknown) {
  const parsed = z
    .union([
      z.object({ message: z.string() }),
      z.object({ Message: z.string() }),
      z.object({ errors: z.array(z.object({ message: z.string() })).min(1) }),
    ])
    .safeParse(answer);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  return "message" in d ? d.message : "Message" in d ? d.Message : d.errors[0]?.message;
}

async function send(config: EmailConfig, message: Outbound, net: TargetFetch) {
  const letter: Letter = {
    from: message.from ?? config.from_accounts[0]?.from ?? config.inbound_address,
    to: message.to,
    subject: message.subject ?? DEFAULT_SUBJECT,
    html: message.html,
    // files go as a link the customer can open for a while
    text: [message.text, message.media && `${message.media.name}: ${message.media.url}`]
      .filter(Boolean)
      .join("\n\n"),
  };
  const call = CALLS[config.provider](config, letter, threadingHeaders(message));
  const base = trimSlash(config.api_base_url ?? BASES[config.provider]);
  const response = await sendRequest(net, `${base}${call.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...call.auth },
    body: JSON.stringify(call.body),
  });
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok)
    throw new SendError(
      providerMessage(answer) ?? `HTTP ${response.status}`,
      isRetryableStatus(response.status),
      `${config.provider}_${response.status}`,
      retryAfterSeconds(response),
    );
  const externalId = call.externalId(response, answer);
  // Accepted but unreadable: retrying could send the email twice.
  if (!externalId) throw new SendError("the provider returned no message id", false, "bad_answer");
  return { externalId };
}

export const email: ChannelAdapter<"email"> = {
  async verify(request, config) {
    const secret = config.webhook_secret;
    if (!secret) return false;
    try {
      if (config.provider === "resend") return await verifySvix(request, secret);
      if (config.provider === "postmark") return verifyBasicAuth(request, secret);
      return await verifySendGrid(request, secret);
    } catch {
      // Undecodable base64 or a key WebCrypto refuses: not signed by the provider.
      return false;
    }
  },
  parse: (request, config) => PARSERS[config.provider](JSON.parse(request.rawBody)),
  send,
};
