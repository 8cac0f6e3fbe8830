import { buildPushPayload } from "@block65/webcrypto-web-push";
import { bytesToBase64Url } from "../lib/crypto";
import type { ChannelConfigOf } from "../schemas/channels";
import { isRetryableStatus, retryAfterSeconds, sendRequest, trimSlash } from "./http";
import { type ChannelAdapter, SendError } from "./types";

type WebPushConfig = ChannelConfigOf<"web_push">;

/** A browser's subscription as PushSubscription.toJSON() gives it; the `to` of a push. */
export type PushAddress = { endpoint: string; keys: { p256dh: string; auth: string } };

export const pushAddress = (to: string): PushAddress => JSON.parse(to) as PushAddress;

/** What the service worker (web/public/conversa-push-sw.js) shows. */
export type PushNotification = {
  title: string;
  body: string;
  url: string | null;
  icon: string | null;
};

/** Seconds a push service keeps an undelivered notification for an offline browser. */
const TIME_TO_LIVE = 24 * 60 * 60;

/** A new VAPID key pair (RFC 8292), base64url: the raw public point and the private scalar `d`. */
export async function generateVapidKeys() {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const publicRaw = (await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer;
  const privateJwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  if (!privateJwk.d) throw new Error("the generated key has no private part");
  return {
    vapid_public_key: bytesToBase64Url(new Uint8Array(publicRaw)),
    vapid_private_key: privateJwk.d,
  };
}

export const notificationOf = (
  config: WebPushConfig,
  text: string | null,
  title: string | undefined,
): PushNotification => ({
  title: title ?? config.title ?? "",
  body: text ?? "",
  url: config.click_url ?? null,
  icon: config.icon_url ?? null,
});

/** The endpoint, or the same path under the configured base URL (a local fake push service). */
function deliveryUrl(config: WebPushConfig, endpoint: string) {
  if (!config.push_service_base_url) return endpoint;
  const url = new URL(endpoint);
  return `${trimSlash(config.push_service_base_url)}/${url.host}${url.pathname}${url.search}`;
}

/** 404 and 410: the subscription expired or the user revoked it; it must not be used again. */
export const isGoneCode = (code: string | undefined) =>
  code === "web_push_404" || code === "web_push_410";

export const webPush: ChannelAdapter<"web_push"> = {
  // push is outbound only: nothing comes back on a webhook
  verify: async () => false,
  parse: () => [],

  async send(config, outbound, net) {
    const address = pushAddress(outbound.to);
    const notification = notificationOf(config, outbound.text, outbound.subject);
    let payload: Awaited<ReturnType<typeof buildPushPayload>>;
    try {
      payload = await buildPushPayload(
        { data: notification, options: { ttl: TIME_TO_LIVE, urgency: "normal" } },
        { endpoint: address.endpoint, expirationTime: null, keys: address.keys },
        {
          subject: config.subject,
          publicKey: config.vapid_public_key,
          privateKey: config.vapid_private_key,
        },
      );
    } catch (error) {
      throw new SendError(
        `cannot encrypt for this subscription: ${String(error)}`,
        false,
        "bad_key",
      );
    }
    const response = await sendRequest(net, deliveryUrl(config, address.endpoint), {
      method: "POST",
      headers: payload.headers,
      body: payload.body,
    });
    if (response.ok) return { externalId: response.headers.get("location") ?? address.endpoint };
    const answer = (await response.text().catch(() => "")).trim();
    throw new SendError(
      `the push service answered HTTP ${response.status}${answer ? `: ${answer}` : ""}`,
      isRetryableStatus(response.status),
      `web_push_${response.status}`,
      retryAfterSeconds(response),
    );
  },
};
