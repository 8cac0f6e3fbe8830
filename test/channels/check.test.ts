import { describe, expect, it } from "vitest";
import { fakeRequests, fakeUrl, newChannel, scriptFake, uniqueDigits } from "../channel-helpers";
import { api, expectProblem, json, newWebchat, newWorkspace } from "../helpers";

type Check = { status: string; checked_at: string | null; error: string | null };
type Channel = { id: string; check: Check | null; routing?: Record<string, unknown> };

const check = async (cookie: string, id: string) => {
  const response = await api(`/api/v1/channels/${id}/credentials/check`, {
    cookie,
    method: "POST",
  });
  expect(response.status).toBe(200);
  return json<Channel>(response);
};

const getChannel = async (cookie: string, id: string) =>
  json<Channel>(await api(`/api/v1/channels/${id}`, { cookie }));

async function telegramChannel() {
  const ws = await newWorkspace();
  const botToken = `${uniqueDigits(10)}:AAC${uniqueDigits(20)}`;
  const channel = await newChannel(ws.ownerCookie, "telegram", {
    bot_token: botToken,
    secret_token: "check_secret",
    api_base_url: fakeUrl(),
  });
  return { ws, channel, botToken };
}

describe("checking a channel's credentials", () => {
  it("asks Telegram who the bot is and keeps the answer; a refusal shows as failing", async () => {
    const { ws, channel, botToken } = await telegramChannel();
    expect((await getChannel(ws.ownerCookie, channel.id)).check).toEqual({
      status: "unchecked",
      checked_at: null,
      error: null,
    });

    const checked = await check(ws.ownerCookie, channel.id);
    expect(checked.check?.status).toBe("connected");
    expect(checked.check?.checked_at).toMatch(/^\d{4}-/);
    const calls = await fakeRequests(`/bot${botToken}/getMe`);
    expect(calls).toHaveLength(1);

    await scriptFake({
      path: `/bot${botToken}/getMe`,
      status: 401,
      body: { ok: false, error_code: 401, description: "Unauthorized" },
    });
    const refused = await check(ws.ownerCookie, channel.id);
    expect(refused.check).toMatchObject({ status: "failing", error: "Unauthorized" });
    expect((await getChannel(ws.ownerCookie, channel.id)).check?.status).toBe("failing");
  });

  it("forgets the last check once the credentials change", async () => {
    const { ws, channel } = await telegramChannel();
    await check(ws.ownerCookie, channel.id);
    const response = await api(`/api/v1/channels/${channel.id}`, {
      cookie: ws.ownerCookie,
      method: "PATCH",
      body: { config: { bot_token: `${uniqueDigits(10)}:AAD${uniqueDigits(20)}` } },
    });
    expect(response.status).toBe(200);
    expect((await json<Channel>(response)).check?.status).toBe("unchecked");
  });

  it("reads the Twilio account with the auth token", async () => {
    const ws = await newWorkspace();
    const sid = `AC${uniqueDigits(32)}`;
    const channel = await newChannel(ws.ownerCookie, "twilio_sms", {
      account_sid: sid,
      auth_token: "tw_check_token",
      from: "+15550001111",
      api_base_url: fakeUrl(),
    });
    expect((await check(ws.ownerCookie, channel.id)).check?.status).toBe("connected");
    const [call] = await fakeRequests(`/2010-04-01/Accounts/${sid}.json`);
    expect(call?.method).toBe("GET");
    expect(call?.headers.authorization).toBe(`Basic ${btoa(`${sid}:tw_check_token`)}`);
  });

  it("reads the WhatsApp phone number with the access token", async () => {
    const ws = await newWorkspace();
    const phoneId = uniqueDigits(15);
    const channel = await newChannel(ws.ownerCookie, "whatsapp", {
      phone_number_id: phoneId,
      access_token: "wa_check_token",
      app_secret: "wa_app_secret",
      verify_token: "verify-check",
      api_base_url: fakeUrl(),
    });
    await scriptFake({
      path: `/${phoneId}`,
      status: 401,
      body: {
        error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 },
      },
    });
    const refused = await check(ws.ownerCookie, channel.id);
    expect(refused.check).toMatchObject({
      status: "failing",
      error: "Invalid OAuth access token.",
    });
    expect((await check(ws.ownerCookie, channel.id)).check?.status).toBe("connected");
    const calls = await fakeRequests(`/${phoneId}`);
    expect(calls.at(-1)?.headers.authorization).toBe("Bearer wa_check_token");
  });

  it("has no check for web chat, and only admins may check", async () => {
    const ws = await newWorkspace();
    const webchat = await newWebchat(ws.ownerCookie);
    expect((await getChannel(ws.ownerCookie, webchat.id)).check).toBeNull();
    const refused = await expectProblem(
      await api(`/api/v1/channels/${webchat.id}/credentials/check`, {
        cookie: ws.ownerCookie,
        method: "POST",
      }),
      422,
    );
    expect(refused.errors?.[0]?.path).toBe("id");

    const agent = await (await ws.addMember("agent")).login();
    await expectProblem(
      await api(`/api/v1/channels/${webchat.id}/credentials/check`, {
        cookie: agent,
        method: "POST",
      }),
      403,
    );
  });

  it("shows the routing set for the channel to admins", async () => {
    const ws = await newWorkspace();
    const webchat = await newWebchat(ws.ownerCookie);
    const team = await json<{ id: string }>(
      await api("/api/v1/teams", { cookie: ws.ownerCookie, body: { name: "Sales" } }),
    );
    const routing = { team_id: team.id, business_hours_id: null, menu: null };
    const saved = await api(`/api/v1/channels/${webchat.id}/routing`, {
      cookie: ws.ownerCookie,
      method: "PUT",
      body: routing,
    });
    expect(saved.status).toBe(200);
    expect((await getChannel(ws.ownerCookie, webchat.id)).routing).toEqual(routing);
  });
});
