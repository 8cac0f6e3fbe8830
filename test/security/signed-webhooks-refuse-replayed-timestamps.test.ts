import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import {
  fakeUrl,
  newChannel,
  postWebhook,
  sendgridHeaders,
  sendgridKeys,
  svixHeaders,
  uniqueDigits,
} from "../channel-helpers";
import { newWorkspace, ORIGIN } from "../helpers";

const MINUTE = 60_000;
const unixSeconds = (ms: number) => Math.floor(ms / 1000);

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
    const { privateKey, publicKey } = await sendgridKeys();
    const path = await emailChannel("sendgrid", publicKey);
    const signedAt = async (ms: number) => ({
      "content-type": "application/json",
      ...(await sendgridHeaders(privateKey, sendgridBody, unixSeconds(ms))),
    });
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
    const signedAt = async (ms: number) => ({
      "content-type": "application/json",
      ...(await svixHeaders(key, resendBody, unixSeconds(ms))),
    });
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
