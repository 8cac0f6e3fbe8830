import { describe, expect, it } from "vitest";
import { twilioSignature } from "../../worker/channels/twilio-signature";
import type { MessageDto } from "../../worker/schemas/conversations";
import {
  conversationOf,
  eventually,
  fakeRequests,
  fakeUrl,
  messagesOf,
  newChannel,
  uniqueDigits,
} from "../channel-helpers";
import { api, expectProblem, json, newWorkspace, ORIGIN } from "../helpers";

const AUTH_TOKEN = "twilio-auth-token-0123456789abcdef";

async function setup() {
  const ws = await newWorkspace();
  const accountSid = `AC${uniqueDigits(16)}${uniqueDigits(16)}`;
  const channel = await newChannel(ws.ownerCookie, "twilio_sms", {
    account_sid: accountSid,
    auth_token: AUTH_TOKEN,
    from: "+14155550100",
    api_base_url: fakeUrl(),
  });
  const customer = `+1415${uniqueDigits(7)}`;
  return { ws, channel, accountSid, customer, path: `/webhooks/twilio/${channel.id}` };
}
type Setup = Awaited<ReturnType<typeof setup>>;

async function post(path: string, params: Record<string, string>, token = AUTH_TOKEN) {
  const form = new URLSearchParams(params);
  const signature = await twilioSignature(token, `${ORIGIN}${path}`, form);
  return api(path, {
    rawBody: form.toString(),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": signature,
    },
    origin: null,
  });
}

const sms = (s: Setup, body: string, extra: Record<string, string> = {}) => ({
  ToCountry: "US",
  SmsMessageSid: `SM${uniqueDigits(16)}${uniqueDigits(16)}`,
  MessageSid: `SM${uniqueDigits(16)}${uniqueDigits(16)}`,
  AccountSid: s.accountSid,
  From: s.customer,
  To: "+14155550100",
  Body: body,
  NumMedia: "0",
  NumSegments: "1",
  ApiVersion: "2010-04-01",
  ...extra,
});

const contactOf = async (s: Setup, id: string) =>
  json<{ consent: Record<string, { status: string; source: string }> }>(
    await api(`/api/v1/contacts/${id}`, { cookie: s.ws.ownerCookie }),
  );

describe("Twilio webhook signatures", () => {
  it("reject a webhook signed with another token, or over other params", async () => {
    const s = await setup();
    await expectProblem(await post(s.path, sms(s, "hello"), "not-the-token"), 403);
    const params = sms(s, "hello");
    const signature = await twilioSignature(
      AUTH_TOKEN,
      `${ORIGIN}${s.path}`,
      new URLSearchParams(params),
    );
    const tampered = await api(s.path, {
      rawBody: new URLSearchParams({ ...params, Body: "changed" }).toString(),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": signature,
      },
      origin: null,
    });
    await expectProblem(tampered, 403);
  });
});

describe("Twilio SMS", () => {
  it("stores an SMS with its MMS media once, answers TwiML, and sends replies with a status callback", async () => {
    const s = await setup();
    const mediaUrl = `${fakeUrl()}/2010-04-01/Accounts/${s.accountSid}/Messages/MM1/Media/ME${uniqueDigits()}`;
    const params = sms(s, "Photo of the damage", {
      NumMedia: "1",
      MediaUrl0: mediaUrl,
      MediaContentType0: "image/jpeg",
    });
    const first = await post(s.path, params);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toContain("text/xml");
    expect(await first.text()).toContain("<Response/>");
    await post(s.path, params);
    const conversation = await conversationOf(s);
    expect(conversation.contact.phone).toBe(s.customer);
    const [message] = await eventually(async () => {
      const list = await messagesOf(s, conversation.id);
      return list.length ? list : undefined;
    }, "the SMS");
    expect(message).toMatchObject({ kind: "file", text: "Photo of the damage" });

    const sent = await json<MessageDto>(
      await api(`/api/v1/conversations/${conversation.id}/messages`, {
        cookie: s.ws.ownerCookie,
        body: { text: "Thanks, we will call you" },
      }),
    );
    const request = await eventually(
      async () => (await fakeRequests(`/Accounts/${s.accountSid}/Messages.json`))[0],
      "the send",
    );
    const form = new URLSearchParams(request.body);
    expect(Object.fromEntries(form)).toMatchObject({
      To: s.customer,
      From: "+14155550100",
      Body: "Thanks, we will call you",
      StatusCallback: `${ORIGIN}/webhooks/twilio/${s.channel.id}/status`,
    });
    expect(request.headers.authorization).toBe(`Basic ${btoa(`${s.accountSid}:${AUTH_TOKEN}`)}`);
    const sid = await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.status === "sent" ? m : undefined;
    }, "sent");
    expect(sid.status).toBe("sent");
  });

  it("takes status callbacks forward only, with the error code of a failure", async () => {
    const s = await setup();
    await post(s.path, sms(s, "hi"));
    const conversation = await conversationOf(s);
    const sent = await json<MessageDto>(
      await api(`/api/v1/conversations/${conversation.id}/messages`, {
        cookie: s.ws.ownerCookie,
        body: { text: "hello back" },
      }),
    );
    const request = await eventually(
      async () => (await fakeRequests(`/Accounts/${s.accountSid}/Messages.json`))[0],
      "the send",
    );
    expect(request).toBeDefined();
    await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.status === "sent";
    }, "sent");
    const { results } = await (await import("cloudflare:workers")).env.DB.prepare(
      "SELECT external_id FROM channel_messages WHERE conversation_id = ? AND direction = 'out'",
    )
      .bind(conversation.id)
      .all<{ external_id: string }>();
    const messageSid = results[0]?.external_id ?? "";
    const status = (name: string, extra: Record<string, string> = {}) => ({
      AccountSid: s.accountSid,
      MessageSid: messageSid,
      SmsSid: messageSid,
      MessageStatus: name,
      SmsStatus: name,
      To: s.customer,
      From: "+14155550100",
      ApiVersion: "2010-04-01",
      ...extra,
    });
    const statusPath = `${s.path}/status`;
    expect((await post(statusPath, status("delivered"))).status).toBe(200);
    await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.status === "delivered";
    }, "delivered");
    await post(statusPath, status("sent"));
    await post(statusPath, status("undelivered", { ErrorCode: "30007" }));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
    expect(after?.status).toBe("delivered");
  });

  it("STOP, HELP and START change consent, are confirmed, and opted-out contacts get no replies", async () => {
    const s = await setup();
    await post(s.path, sms(s, "  stop "));
    const conversation = await conversationOf(s);
    const optedOut = await eventually(async () => {
      const contact = await contactOf(s, conversation.contact.id);
      return contact.consent.sms?.status === "opted_out" ? contact : undefined;
    }, "opted out");
    expect(optedOut.consent.sms?.source).toBe("keyword");
    const confirmation = await eventually(async () => {
      const requests = await fakeRequests(`/Accounts/${s.accountSid}/Messages.json`);
      return requests[0];
    }, "the STOP confirmation");
    expect(new URLSearchParams(confirmation.body).get("Body")).toMatch(/unsubscribed/);

    const blocked = await expectProblem(
      await api(`/api/v1/conversations/${conversation.id}/messages`, {
        cookie: s.ws.ownerCookie,
        body: { text: "Wait, one more thing" },
      }),
      422,
    );
    expect(blocked.errors?.[0]?.message).toMatch(/opted out/);

    await post(s.path, sms(s, "HELP"));
    await post(s.path, sms(s, "Start"));
    await eventually(async () => {
      const contact = await contactOf(s, conversation.contact.id);
      return contact.consent.sms?.status === "opted_in";
    }, "opted in again");
    const replies = await eventually(async () => {
      const requests = await fakeRequests(`/Accounts/${s.accountSid}/Messages.json`);
      return requests.length === 3 ? requests : undefined;
    }, "three confirmations");
    expect(replies.map((r) => new URLSearchParams(r.body).get("Body"))).toEqual([
      expect.stringMatching(/unsubscribed/),
      expect.stringMatching(/Reply STOP/),
      expect.stringMatching(/subscribed again/),
    ]);
    const events = (await messagesOf(s, conversation.id))
      .filter((m) => m.kind === "event")
      .map((m) => m.event?.data.status);
    expect(events).toEqual(["opted_out", "opted_in"]);
  });
});
