import { describe, expect, it } from "vitest";
import type { MessageDto } from "../../worker/schemas/conversations";
import { eventually, fakeRequests, fakeUrl, newChannel, uniqueDigits } from "../channel-helpers";
import { api, createKey, expectProblem, json, newWorkspace } from "../helpers";

type Accepted = { id: string; conversation_id: string; status: string; status_url: string };

async function setupTelegram() {
  const ws = await newWorkspace();
  const key = await createKey(ws.ownerCookie);
  const botToken = `${uniqueDigits(10)}:AAS${uniqueDigits(20)}`;
  const channel = await newChannel(ws.ownerCookie, "telegram", {
    bot_token: botToken,
    secret_token: "send_api_secret",
    api_base_url: fakeUrl(),
  });
  return { ws, key, channel, botToken };
}

describe("send API", () => {
  it("sends to an address, creating the contact and conversation, and reports the status", async () => {
    const { ws, key, channel, botToken } = await setupTelegram();
    const chatId = uniqueDigits(9);
    const hook = `/hooks/${uniqueDigits()}`;
    await api("/api/v1/webhook-subscriptions", {
      cookie: ws.ownerCookie,
      body: { url: `${fakeUrl()}${hook}`, events: ["contact.created"] },
    });
    const response = await api("/api/v1/messages", {
      key,
      body: {
        channel_id: channel.id,
        to: { platform_id: chatId, name: "Sam" },
        text: "Your code is 4921",
      },
      headers: { "idempotency-key": `otp-${chatId}` },
    });
    expect(response.status).toBe(202);
    const accepted = await json<Accepted>(response);
    expect(accepted).toMatchObject({
      status: "queued",
      status_url: `/api/v1/messages/${accepted.id}`,
    });
    const sent = await eventually(async () => {
      const message = await json<MessageDto>(await api(accepted.status_url, { key }));
      return message.status === "sent" ? message : undefined;
    }, "sent");
    expect(sent.text).toBe("Your code is 4921");
    const requests = await fakeRequests(`/bot${botToken}/sendMessage`);
    expect(JSON.parse(requests[0]?.body ?? "{}")).toEqual({
      chat_id: chatId,
      text: "Your code is 4921",
    });

    // the same request again: one message, the first answer
    const again = await api("/api/v1/messages", {
      key,
      body: {
        channel_id: channel.id,
        to: { platform_id: chatId, name: "Sam" },
        text: "Your code is 4921",
      },
      headers: { "idempotency-key": `otp-${chatId}` },
    });
    expect((await json<Accepted>(again)).id).toBe(accepted.id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await fakeRequests(`/bot${botToken}/sendMessage`)).toHaveLength(1);

    // a second message to the same address joins the same conversation
    const second = await json<Accepted>(
      await api("/api/v1/messages", {
        key,
        body: { channel_id: channel.id, to: { platform_id: chatId }, text: "Still there?" },
      }),
    );
    expect(second.conversation_id).toBe(accepted.conversation_id);
    const announced = await eventually(
      async () => (await fakeRequests(hook))[0],
      "contact.created",
    );
    expect(JSON.parse(announced.body)).toMatchObject({
      type: "contact.created",
      data: { contact: { name: "Sam", source: "channel" } },
    });
  });

  it("says which address field the channel needs", async () => {
    const { key, channel } = await setupTelegram();
    const missing = await expectProblem(
      await api("/api/v1/messages", {
        key,
        body: { channel_id: channel.id, to: { email: "a@b.co" }, text: "x" },
      }),
      422,
    );
    expect(missing.errors?.[0]).toMatchObject({
      path: "to",
      message: expect.stringMatching(/platform_id/),
    });
    await expectProblem(
      await api("/api/v1/messages", {
        key,
        body: { channel_id: channel.id, to: { platform_id: "1" } },
      }),
      422,
    );
    await expectProblem(await api("/api/v1/messages/msg_unknown", { key }), 404);
  });

  it("checks addresses: form, and the platform's answer where it has one", async () => {
    const { ws, key, channel } = await setupTelegram();
    const check = (id: string, to: string) =>
      api(`/api/v1/channels/${id}/check`, { key, body: { to } }).then((r) =>
        json<{ valid: boolean; normalized: string | null; reachable: boolean | null }>(r),
      );
    expect(await check(channel.id, "12345")).toMatchObject({ valid: true, reachable: true });
    expect(await check(channel.id, "404123")).toMatchObject({ valid: true, reachable: false });
    expect(await check(channel.id, "@someone")).toMatchObject({ valid: false });
    const sms = await newChannel(ws.ownerCookie, "twilio_sms", {
      account_sid: `AC${uniqueDigits(16)}${uniqueDigits(16)}`,
      auth_token: "check-token",
      from: "+14155550100",
      api_base_url: fakeUrl(),
    });
    expect(await check(sms.id, "(415) 555-2671")).toEqual({
      valid: true,
      normalized: "+14155552671",
      reachable: true,
      reason: null,
    });
    expect(await check(sms.id, "+1 415 555 0000")).toMatchObject({ valid: true, reachable: false });
    expect(await check(sms.id, "12")).toMatchObject({ valid: false, reachable: null });
  });

  it("fetches an attachment, stores it, and sends it as the platform's photo with a caption", async () => {
    const { key, channel, botToken } = await setupTelegram();
    const chatId = uniqueDigits(9);
    const response = await api("/api/v1/messages", {
      key,
      body: {
        channel_id: channel.id,
        to: { platform_id: chatId },
        text: "Your invoice",
        attachment: { url: `${fakeUrl()}/media/invoice-${chatId}` },
      },
    });
    expect(response.status).toBe(202);
    const accepted = await json<Accepted>(response);
    const request = await eventually(
      async () => (await fakeRequests(`/bot${botToken}/sendPhoto`))[0],
      "the sendPhoto call",
    );
    const sent = JSON.parse(request.body) as { chat_id: string; photo: string; caption: string };
    expect(sent).toMatchObject({ chat_id: chatId, caption: "Your invoice" });
    expect(sent.photo).toMatch(/^https:\/\/conversa\.test\/files\/.+sig=/);
    const message = await json<MessageDto>(await api(accepted.status_url, { key }));
    expect(message).toMatchObject({ kind: "file", attachment: { content_type: "image/jpeg" } });
    const file = await api(message.attachment?.url ?? "");
    expect(await file.text()).toBe(`fake media invoice-${chatId}`);
    await expectProblem(
      await api("/api/v1/messages", {
        key,
        body: {
          channel_id: channel.id,
          to: { platform_id: chatId },
          attachment: { url: `${fakeUrl()}/nothing-here` },
        },
      }),
      422,
    );
  });
});
