import { base64UrlToBytes, bytesToBase64Url } from "../worker/lib/crypto";
import { fakeUrl, newChannel, uniqueDigits } from "./channel-helpers";
import { api, json, newWebchat, visitorSession } from "./helpers";

export const PUSH_HOST = "push.example.test";
export const SUBJECT = "mailto:support@acme.test";

const encoder = new TextEncoder();

/** A browser's push subscription: its ECDH key pair and auth secret, made the way a browser does. */
export async function browserSubscription() {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array(
    (await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer,
  );
  const auth = crypto.getRandomValues(new Uint8Array(16));
  const id = uniqueDigits(16);
  return {
    id,
    privateKey: pair.privateKey,
    publicKey,
    auth,
    json: {
      endpoint: `https://${PUSH_HOST}/push/${id}`,
      expirationTime: null,
      keys: { p256dh: bytesToBase64Url(publicKey), auth: bytesToBase64Url(auth) },
    },
  };
}
export type BrowserSubscription = Awaited<ReturnType<typeof browserSubscription>>;

async function hmac(key: Uint8Array, data: Uint8Array) {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data));
}

/** HKDF with a single output block (RFC 5869), enough for the ≤ 32 bytes RFC 8291 needs. */
async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number) {
  const prk = await hmac(salt, ikm);
  return (await hmac(prk, Uint8Array.of(...info, 1))).slice(0, length);
}

/** Decrypts an aes128gcm push message (RFC 8188 + RFC 8291) as the browser would. */
export async function decryptPush(body: Uint8Array, browser: BrowserSubscription) {
  const salt = body.slice(0, 16);
  const keyIdLength = body[20] ?? 0;
  const serverPublic = body.slice(21, 21 + keyIdLength);
  const ciphertext = body.slice(21 + keyIdLength);
  const server = await crypto.subtle.importKey(
    "raw",
    serverPublic,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
  const shared = new Uint8Array(
    await crypto.subtle.deriveBits(
      // workers-types spell the member `$public`; Web Crypto reads `public`
      { name: "ECDH", public: server } as unknown as SubtleCryptoDeriveKeyAlgorithm,
      browser.privateKey,
      256,
    ),
  );
  const keyInfo = Uint8Array.of(
    ...encoder.encode("WebPush: info\0"),
    ...browser.publicKey,
    ...serverPublic,
  );
  const ikm = await hkdf(browser.auth, shared, keyInfo, 32);
  const cek = await hkdf(salt, ikm, encoder.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, encoder.encode("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, ciphertext),
  );
  // the last record ends with the 0x02 delimiter, then zero padding
  let end = padded.length - 1;
  while (end > 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return JSON.parse(new TextDecoder().decode(padded.slice(0, end))) as Record<string, unknown>;
}

/**
 * Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292): the key is the channel's,
 * the ES256 signature verifies with it; returns the JWT claims.
 */
export async function verifyVapid(authorization: string | undefined, channelPublicKey: string) {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? "");
  if (!match?.[1] || !match[2]) throw new Error(`not a vapid authorization: ${authorization}`);
  if (match[2] !== channelPublicKey) throw new Error("signed with another key");
  const [header, payload, signature] = match[1].split(".") as [string, string, string];
  const key = await crypto.subtle.importKey(
    "raw",
    base64UrlToBytes(channelPublicKey),
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const valid = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    base64UrlToBytes(signature),
    encoder.encode(`${header}.${payload}`),
  );
  if (!valid) throw new Error("the VAPID signature does not verify");
  return {
    header: JSON.parse(new TextDecoder().decode(base64UrlToBytes(header))),
    claims: JSON.parse(new TextDecoder().decode(base64UrlToBytes(payload))) as {
      aud: string;
      exp: number;
      sub: string;
    },
  };
}

/** A web push channel delivering through the fake push service, and a web chat whose visitor subscribes. */
export async function pushSetup(cookie: string, extra: Record<string, unknown> = {}) {
  const channel = await newChannel(cookie, "web_push", {
    subject: SUBJECT,
    title: "Acme",
    icon_url: "https://acme.test/icon.png",
    click_url: "https://acme.test/account",
    push_service_base_url: fakeUrl(),
    ...extra,
  });
  const webchat = await newWebchat(cookie);
  return { channel: channel as typeof channel & { config: { vapid_public_key: string } }, webchat };
}

export function subscribeRequest(token: string, body: unknown) {
  return api("/widget/v1/push-subscriptions", {
    body,
    headers: { authorization: `Bearer ${token}` },
    origin: null,
  });
}

/** A visitor of the web chat who allows notifications in a new browser. */
export async function subscribedVisitor(webchatId: string, pushChannelId: string) {
  const visitor = await visitorSession(webchatId);
  const browser = await browserSubscription();
  const response = await subscribeRequest(visitor.token, {
    channel_id: pushChannelId,
    subscription: browser.json,
    user_agent: "Mozilla/5.0 (test)",
  });
  if (response.status !== 201)
    throw new Error(`subscribe failed: ${response.status} ${await response.text()}`);
  return { visitor, browser, subscription: await json<{ id: string }>(response) };
}
