import { describe, expect, it } from "vitest";
import type { MessageDto } from "../../worker/schemas/conversations";
import {
  deliveryOf,
  eventually,
  fakeUrl,
  newChannel,
  scriptFake,
  subscribeAtFake,
  uniqueDigits,
} from "../channel-helpers";
import { api, createKey, expectProblem, json, newWorkspace } from "../helpers";

/** Terminal escapes, NUL, line breaks and bidi controls, then far more text than anyone should keep. */
const HOSTILE = `\u001b[2J\u001b[31mALERT\u0000\r\n\u202eevil\u2066 ${"x".repeat(5000)}`;
/** What is left of it: printable text, one space per whitespace run, 200 characters and an ellipsis. */
const EXCERPT = `[2J[31mALERT evil ${"x".repeat(200 - "[2J[31mALERT evil ".length)}…`;

async function telegram() {
  const ws = await newWorkspace();
  const botToken = `${uniqueDigits(10)}:AAE${uniqueDigits(20)}`;
  const channel = await newChannel(ws.ownerCookie, "telegram", {
    bot_token: botToken,
    secret_token: "excerpt_test",
    api_base_url: fakeUrl(),
  });
  const refuseNextSend = () =>
    scriptFake({
      path: `/bot${botToken}/sendMessage`,
      status: 400,
      body: { ok: false, error_code: 400, description: HOSTILE },
    });
  return { ws, channel, refuseNextSend };
}

describe("what a target answered", () => {
  it("is logged for a webhook delivery as a short printable excerpt", async () => {
    const ws = await newWorkspace();
    const { id, path } = await subscribeAtFake(ws.ownerCookie);
    await scriptFake({ path, status: 500, text: HOSTILE });
    await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { name: "Rita" } });
    const delivery = await deliveryOf(
      ws.ownerCookie,
      id,
      (d) => d.last_status === 500,
      "the failed delivery",
    );
    expect(delivery.last_response).toBe(EXCERPT);
  });

  it("is shown by a channel test only as an excerpt of the platform's error", async () => {
    const { ws, channel, refuseNextSend } = await telegram();
    await refuseNextSend();
    const problem = await expectProblem(
      await api(`/api/v1/channels/${channel.id}/test`, {
        cookie: ws.ownerCookie,
        body: { to: "12345" },
      }),
      502,
    );
    expect(problem.detail).toBe(EXCERPT);
  });

  it("is stored as a failed message's reason only as an excerpt", async () => {
    const { ws, channel, refuseNextSend } = await telegram();
    const key = await createKey(ws.ownerCookie);
    await refuseNextSend();
    const accepted = await json<{ status_url: string }>(
      await api("/api/v1/messages", {
        key,
        body: { channel_id: channel.id, to: { platform_id: uniqueDigits(9) }, text: "Hi" },
      }),
    );
    const failed = await eventually(async () => {
      const message = await json<MessageDto>(await api(accepted.status_url, { key }));
      return message.status === "failed" ? message : undefined;
    }, "the failed send");
    expect(failed.status_reason).toBe(EXCERPT);
  });

  it("is shown for a refused WhatsApp template only as an excerpt", async () => {
    const ws = await newWorkspace();
    const wabaId = uniqueDigits(15);
    const channel = await newChannel(ws.ownerCookie, "whatsapp", {
      phone_number_id: uniqueDigits(15),
      waba_id: wabaId,
      access_token: "EAAG-test-token",
      app_secret: "app-secret",
      verify_token: "verify-me-please",
      api_base_url: fakeUrl(),
    });
    await scriptFake({
      path: `/${wabaId}/message_templates`,
      status: 400,
      body: { error: { message: HOSTILE, code: 100 } },
    });
    const problem = await expectProblem(
      await api(`/api/v1/channels/${channel.id}/templates`, {
        cookie: ws.ownerCookie,
        body: { name: "greeting", language: "en_US", category: "UTILITY", body: "Hello" },
      }),
      502,
    );
    expect(problem.detail).toBe(EXCERPT);
  });

  it("never reaches a send-API caller when an attachment cannot be fetched: the status only", async () => {
    const { ws, channel } = await telegram();
    const key = await createKey(ws.ownerCookie);
    const path = `/media/broken-${uniqueDigits()}`;
    await scriptFake({ path, status: 500, text: "stack trace of an internal service" });
    const problem = await expectProblem(
      await api("/api/v1/messages", {
        key,
        body: {
          channel_id: channel.id,
          to: { platform_id: uniqueDigits(9) },
          attachment: { url: `${fakeUrl()}${path}` },
        },
      }),
      422,
    );
    expect(problem.errors).toEqual([
      { path: "attachment.url", message: "could not be fetched (HTTP 500)" },
    ]);
  });
});
