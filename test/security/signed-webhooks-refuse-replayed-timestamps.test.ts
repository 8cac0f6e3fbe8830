import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { fakeUrl, newChannel, postWebhook, uniqueDigits } from "../channel-helpers";
import { newWorkspace, ORIGIN } from "../helpers";

const MINUTE = 60_000;
const encoder = new TextEncoder();
const toBase64 = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)));
const unixSeconds = (ms: number) => String(Math.floor(ms / 1000));

/** WebCrypto's r‖s as the DER SEQUENCE SendGrid sends. */
function rawToDer(raw: Uint8Array) {
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

async function emailChannel(provider: "sendgrid" | "resend", webhookSecret: string) {
  const ws = await newWorkspace();
  const channel = await newChannel(ws.ownerCookie, "email", {
    inbound_address: `support-${uniqueDigits(8)}@acme.test`,
    provider,
    api_key: "provider-key",
    webhook_secret: webhookSecret,
    from_accounts: [{ area: "all", from: "Acme Support <support@acme.test>" }],
    api_base_url: fakeUrl(),
  });
  return `/webhooks/email-events/${channel.id}`;
}

const sendgridBody = JSON.stringify([
  { event: "delivered", sg_message_id: `${uniqueDigits()}.filter`, timestamp: 1762246800 },
]);
const resendBody = JSON.stringify({
  type: "email.delivered",
  created_at: "2025-11-04T09:00:00.000Z",
  data: { email_id: `re_${uniqueDigits()}` },
});

describe("signed webhooks that carry a timestamp", () => {
  it("refuse a SendGrid event signed more than 5 minutes from now (replayed or post-dated)", async () => {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const publicKey = toBase64(
      (await crypto.subtle.exportKey("spki", keys.publicKey)) as ArrayBuffer,
    );
    const path = await emailChannel("sendgrid", publicKey);
    const signedAt = async (ms: number) => {
      const timestamp = unixSeconds(ms);
      const raw = await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        keys.privateKey,
        encoder.encode(timestamp + sendgridBody),
      );
      return {
        "content-type": "application/json",
        "x-twilio-email-event-webhook-signature": toBase64(rawToDer(new Uint8Array(raw))),
        "x-twilio-email-event-webhook-timestamp": timestamp,
      };
    };
    const now = Date.now();
    expect((await postWebhook(path, sendgridBody, await signedAt(now - 4 * MINUTE))).status).toBe(
      200,
    );
    for (const skew of [-6 * MINUTE, -24 * 60 * MINUTE, 6 * MINUTE])
      expect(
        (await postWebhook(path, sendgridBody, await signedAt(now + skew))).status,
        `${skew / MINUTE} minutes`,
      ).toBe(403);
  });

  it("refuse a Resend (Svix) event whose timestamp is outside the window of the injected clock", async () => {
    const key = `whsec_${btoa("resend-replay-window-key-0123")}`;
    const path = await emailChannel("resend", key);
    const hmac = await crypto.subtle.importKey(
      "raw",
      Uint8Array.from(atob(key.slice("whsec_".length)), (c) => c.charCodeAt(0)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const signedAt = async (ms: number) => {
      const id = `msg_${uniqueDigits()}`;
      const timestamp = unixSeconds(ms);
      const mac = await crypto.subtle.sign(
        "HMAC",
        hmac,
        encoder.encode(`${id}.${timestamp}.${resendBody}`),
      );
      return {
        "content-type": "application/json",
        "svix-id": id,
        "svix-timestamp": timestamp,
        "svix-signature": `v1,${toBase64(mac)}`,
      };
    };
    // the window is measured on the app's clock, not the machine's
    const clockNow = Date.parse("2031-05-05T12:00:00Z");
    const app = createApp({ clock: { now: () => clockNow } });
    const post = async (headers: Record<string, string>) =>
      (await app.request(`${ORIGIN}${path}`, { method: "POST", headers, body: resendBody }, env))
        .status;
    expect(await post(await signedAt(clockNow - 2 * MINUTE))).toBe(200);
    expect(await post(await signedAt(clockNow - 6 * MINUTE))).toBe(403);
    expect(await post(await signedAt(Date.now()))).toBe(403);
  });
});
