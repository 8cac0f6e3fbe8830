import { env } from "cloudflare:workers";
import type { toDeliveryDto } from "../worker/domain/webhooks/subscriptions";
import { targetFetch } from "../worker/lib/targets";
import type { ConversationDto, MessageDto } from "../worker/schemas/conversations";
import { api, json } from "./helpers";

let counter = 0;
/** Digits unique to this test run, for platform ids that tests share the fake platform with. */
export const uniqueDigits = (length = 12) =>
  `${Date.now()}${(counter++).toString().padStart(4, "0")}${Math.floor(Math.random() * 1e6)}`
    .replace(/\D/g, "")
    .slice(-length)
    .padStart(length, "7");

export const fakeUrl = () => {
  if (!env.FAKE_PLATFORMS_URL) throw new Error("FAKE_PLATFORMS_URL is not bound");
  return env.FAKE_PLATFORMS_URL;
};

export type FakeRequest = {
  method: string;
  path: string;
  /** The query string, with its `?`. */
  query: string;
  headers: Record<string, string>;
  body: string;
  /** A binary (aes128gcm) body, base64. */
  body_base64?: string;
  /** When the fake received it (ms). */
  at: number;
  /** What the fake answered. */
  response: { status: number; body: unknown };
};

/** What the fake platform received on paths containing `pathPart`. */
export async function fakeRequests(pathPart: string): Promise<FakeRequest[]> {
  const response = await fetch(`${fakeUrl()}/__fake/requests?path=${encodeURIComponent(pathPart)}`);
  return (await response.json()) as FakeRequest[];
}

/** The next request whose path contains `path` gets this answer (`text` as is, `body` as JSON). */
export async function scriptFake(script: {
  path: string;
  status?: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
  times?: number;
  /** wait this long before answering; without a status, the usual answer comes after it */
  delay_ms?: number;
  /** send `text` and never end the answer */
  hold_open?: boolean;
}) {
  await fetch(`${fakeUrl()}/__fake/script`, { method: "POST", body: JSON.stringify(script) });
}

export async function setFakeTemplates(templates: unknown[]) {
  await fetch(`${fakeUrl()}/__fake/templates`, { method: "PUT", body: JSON.stringify(templates) });
}

/** Polls until `check` returns a value (not undefined / false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${String(last ?? "")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Meta's way: non-ASCII escaped as \uXXXX in the body it signs. */
export const metaJson = (payload: unknown) =>
  JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

export async function hmacHex(secret: string, body: string | Uint8Array) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes));
  return [...signature].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const toBase64 = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)));

/** WebCrypto's raw r‖s ECDSA signature as the DER SEQUENCE SendGrid sends. */
export function rawToDer(raw: Uint8Array) {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    let value = bytes.slice(start);
    if ((value[0] ?? 0) & 0x80) value = Uint8Array.of(0, ...value);
    return Uint8Array.of(0x02, value.length, ...value);
  };
  const r = integer(raw.slice(0, 32));
  const s = integer(raw.slice(32));
  return Uint8Array.of(0x30, r.length + s.length, ...r, ...s);
}

/** A P-256 key pair like a SendGrid account's; `publicKey` is the base64 SPKI SendGrid shows. */
export async function sendgridKeys() {
  const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const spki = (await crypto.subtle.exportKey("spki", keys.publicKey)) as ArrayBuffer;
  return { privateKey: keys.privateKey, publicKey: toBase64(spki) };
}

/** WebCrypto's raw r‖s signature of what SendGrid signs: the timestamp `at` (seconds), then the body. */
export async function sendgridRawSignature(privateKey: CryptoKey, body: string, at: number) {
  const content = new TextEncoder().encode(`${at}${body}`);
  return new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, content),
  );
}

/** The signature headers SendGrid sends with an event webhook. */
export async function sendgridHeaders(
  privateKey: CryptoKey,
  body: string,
  at = Math.floor(Date.now() / 1000),
) {
  const raw = await sendgridRawSignature(privateKey, body, at);
  return {
    "x-twilio-email-event-webhook-signature": toBase64(rawToDer(raw)),
    "x-twilio-email-event-webhook-timestamp": String(at),
  };
}

/** The headers Svix (Resend's webhooks) signs a body with, for a `whsec_…` secret. */
export async function svixHeaders(
  secret: string,
  body: string,
  at = Math.floor(Date.now() / 1000),
) {
  const id = `msg_${uniqueDigits(10)}`;
  const key = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const content = new TextEncoder().encode(`${id}.${at}.${body}`);
  const mac = await crypto.subtle.sign("HMAC", key, content);
  return {
    "svix-id": id,
    "svix-timestamp": String(at),
    "svix-signature": `v1,${toBase64(mac)}`,
  };
}

/** Connects a platform channel the way an admin would. */
export async function newChannel(
  cookie: string,
  type: string,
  config: Record<string, unknown>,
  name = `${type} channel`,
) {
  const response = await api("/api/v1/channels", { cookie, body: { type, name, config } });
  if (response.status !== 201)
    throw new Error(`channel failed: ${response.status} ${await response.text()}`);
  return json<{ id: string; webhook_url: string }>(response);
}

/** POSTs a webhook as the platform would, raw body and headers as given. */
export function postWebhook(path: string, body: string, headers: Record<string, string>) {
  return api(path, { rawBody: body, headers, origin: null });
}

type ChannelSetup = { ws: { ownerCookie: string }; channel: { id: string } };

/** The (first) conversation the channel has opened, once it shows in the inbox. */
export function conversationOf(s: ChannelSetup) {
  return eventually(async () => {
    const list = await json<{ data: ConversationDto[] }>(
      await api("/api/v1/conversations?view=all", { cookie: s.ws.ownerCookie }),
    );
    return list.data.find((c) => c.channel_id === s.channel.id);
  }, `a conversation on ${s.channel.id}`);
}

export async function messagesOf(s: ChannelSetup, conversationId: string) {
  const page = await json<{ data: MessageDto[] }>(
    await api(`/api/v1/conversations/${conversationId}/messages?after_seq=0&limit=100`, {
      cookie: s.ws.ownerCookie,
    }),
  );
  return page.data;
}

/** Subscribes the workspace to `contact.created` at a fresh path of the fake platforms. */
export async function subscribeAtFake(cookie: string) {
  const path = `/hooks/${uniqueDigits()}`;
  const response = await api("/api/v1/webhook-subscriptions", {
    cookie,
    body: { url: `${fakeUrl()}${path}`, events: ["contact.created"] },
  });
  if (response.status !== 201)
    throw new Error(`subscription failed: ${response.status} ${await response.text()}`);
  const { id } = await json<{ id: string }>(response);
  return { id, path };
}

type Delivery = ReturnType<typeof toDeliveryDto>;

/** The first delivery in a subscription's log that `matches`, once there is one. */
export function deliveryOf(
  cookie: string,
  subscriptionId: string,
  matches: (delivery: Delivery) => boolean,
  what: string,
) {
  return eventually(async () => {
    const log = await json<{ data: Delivery[] }>(
      await api(`/api/v1/webhook-subscriptions/${subscriptionId}/deliveries`, { cookie }),
    );
    return log.data.find(matches);
  }, what);
}

/** The outbound URL guard as channel adapters get it, bound to the test environment. */
export const net = targetFetch(env);

/** What the fake DNS-over-HTTPS resolver answers for `name` from now on. */
export async function setFakeDns(
  name: string,
  zone: { A?: string[]; AAAA?: string[]; ttl?: number; status?: number },
) {
  await fetch(`${fakeUrl()}/__fake/dns`, {
    method: "PUT",
    body: JSON.stringify({ name, ...zone }),
  });
}

/** A host name unique to the calling test that resolves to public addresses (nothing there answers). */
export async function publicHost() {
  const name = `public-${uniqueDigits()}.example.com`;
  await setFakeDns(name, {
    A: ["93.184.215.14"],
    AAAA: ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
  });
  return name;
}
