import { bytesToBase64Url, bytesToHex, canonicalBase64UrlToBytes } from "./crypto";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const importedKeys = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_LIMIT = 256;

/** Imported once per secret: visitor tokens are verified on every widget request. */
function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  const cacheKey = `${usage}:${secret}`;
  let key = importedKeys.get(cacheKey);
  if (!key) {
    if (importedKeys.size >= KEY_CACHE_LIMIT) importedKeys.clear();
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      [usage],
    );
    importedKeys.set(cacheKey, key);
  }
  return key;
}

export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const signature = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret, "sign"),
    encoder.encode(message),
  );
  return bytesToHex(signature);
}

/** The header Conversa's signed JSON bodies carry: `sha256=<hex HMAC-SHA256(secret, body)>`. */
export const SIGNATURE_HEADER = "x-conversa-signature";

/** Checks a `sha256=<hex>` signature header over the raw body, in constant time. */
export async function verifySignatureHeader(
  secret: string,
  rawBody: Uint8Array<ArrayBuffer>,
  header: string | null | undefined,
): Promise<boolean> {
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header ?? "")?.[1];
  return hex ? verifyHmacSha256Hex(secret, rawBody, hex) : false;
}

/** Constant-time check of a hex HMAC-SHA256 over `message` (text, or the raw bytes as received). */
export async function verifyHmacSha256Hex(
  secret: string,
  message: string | Uint8Array<ArrayBuffer>,
  hex: string,
): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const signature = Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  return crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret, "verify"),
    signature,
    typeof message === "string" ? encoder.encode(message) : message,
  );
}

const MAC_BYTES = 32;

/** `<payload b64url>.<signature b64url>`: a compact, tamper-evident token (not encrypted). */
export async function signToken(secret: string, payload: object): Promise<string> {
  const body = bytesToBase64Url(encoder.encode(JSON.stringify(payload)));
  const signature = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret, "sign"),
    encoder.encode(body),
  );
  return `${body}.${bytesToBase64Url(new Uint8Array(signature))}`;
}

/**
 * The payload of a token signed with `secret`, or null. Both parts must be canonical base64url,
 * so the MAC is checked over every bit the text carries and one token has one spelling only.
 */
export async function verifyToken(secret: string, token: string): Promise<unknown | null> {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return null;
  const mac = canonicalBase64UrlToBytes(signature);
  const payload = canonicalBase64UrlToBytes(body);
  if (mac?.byteLength !== MAC_BYTES || !payload) return null;
  const ok = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret, "verify"),
    mac,
    encoder.encode(body),
  );
  if (!ok) return null;
  try {
    return JSON.parse(decoder.decode(payload));
  } catch {
    return null;
  }
}

/** How far a signed webhook's own timestamp may be from our clock before it counts as a replay. */
export const REPLAY_WINDOW_MS = 5 * 60 * 1000;

/** True when `seconds` (a signed unix timestamp, as sent) is within the replay window around `now`. */
export const isFreshTimestamp = (seconds: string, now: number) =>
  /^\d{1,12}$/.test(seconds) && Math.abs(now - Number(seconds) * 1000) <= REPLAY_WINDOW_MS;
