import { z } from "zod";
import { bytesToHex, constantTimeEqual } from "../lib/crypto";
import type { TargetFetch } from "../lib/targets";
import { isRetryableStatus, retryAfterSeconds, sendRequest, trimSlash } from "./http";
import { SendError, type WebhookRequest } from "./types";

const GRAPH = "https://graph.facebook.com";

const DEFAULT_VERSION = "v21.0";

/** Hosts Meta serves media from when the real Graph API is used. */
const META_MEDIA_HOSTS = [/\.fbcdn\.net$/, /\.fbsbx\.com$/, /^graph\.facebook\.com$/];

type MetaConfig = { api_base_url?: string | undefined; api_version?: string | undefined };

export const graphBase = (config: MetaConfig) =>
  `${trimSlash(config.api_base_url ?? GRAPH)}/${config.api_version ?? DEFAULT_VERSION}`;

/** The GET handshake Meta makes when the webhook is configured: the challenge, or null (→ 403). */
export function metaHandshake(url: URL, verifyToken: string): string | null {
  const mode = url.searchParams.get("hub.mode");
  const token = url.searchParams.get("hub.verify_token") ?? "";
  const challenge = url.searchParams.get("hub.challenge");
  const encoder = new TextEncoder();
  const matches = constantTimeEqual(encoder.encode(token), encoder.encode(verifyToken));
  return mode === "subscribe" && matches && challenge !== null ? challenge : null;
}

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body bytes)>`. */
export async function verifyMetaSignature(request: WebhookRequest, appSecret: string) {
  const header = request.headers.get("x-hub-signature-256") ?? "";
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header)?.[1];
  if (!hex) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(appSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = bytesToHex(await crypto.subtle.sign("HMAC", key, request.rawBytes));
  const encoder = new TextEncoder();
  return constantTimeEqual(encoder.encode(expected), encoder.encode(hex.toLowerCase()));
}

/** Media may only come from the platform itself: the configured base URL, or Meta's CDN. */
export function isPlatformMediaUrl(config: MetaConfig, url: string) {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (config.api_base_url) return target.origin === new URL(config.api_base_url).origin;
  return target.protocol === "https:" && META_MEDIA_HOSTS.some((h) => h.test(target.hostname));
}

// ---- WhatsApp Cloud API -------------------------------------------------------------------

const graphError = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  }),
});

/** Graph error codes worth retrying: throttling and transient server errors. */
const RETRYABLE_GRAPH_CODES = new Set([
  1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131056, 133004,
]);

export async function graphPost(
  net: TargetFetch,
  url: string,
  token: string,
  body: unknown,
): Promise<unknown> {
  const response = await sendRequest(net, url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return graphAnswer(response);
}

/** Reads an object's id with the token: the check that the token may use it. */
export async function graphCheck(net: TargetFetch, url: string, token: string) {
  const response = await sendRequest(net, `${url}?fields=id`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await graphAnswer(response);
}

/** The answer's JSON, or a SendError keyed on Meta's error code. */
async function graphAnswer(response: Response): Promise<unknown> {
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload;
  const parsed = graphError.safeParse(payload);
  const error = parsed.success ? parsed.data.error : undefined;
  const code = error?.code;
  const retryable =
    isRetryableStatus(response.status) || (code !== undefined && RETRYABLE_GRAPH_CODES.has(code));
  throw new SendError(
    error?.error_data?.details ?? error?.message ?? `HTTP ${response.status}`,
    retryable,
    code === undefined ? `http_${response.status}` : `meta_${code}`,
    retryAfterSeconds(response),
  );
}
