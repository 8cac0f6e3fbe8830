import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { twilioSignature } from "../../worker/channels/twilio-signature";
import { createDb } from "../../worker/db/client";
import type { Recorded } from "../../worker/domain/events/record";
import { sendSurveys } from "../../worker/listeners/csat";
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
import { conversationAt } from "../reports/helpers";
import { closeConversation, conversationsOn, surveyOnceAsked, surveysOf } from "./helpers";

const AUTH_TOKEN = "twilio-auth-token-0123456789abcdef";
const HOUR = 3_600_000;

async function setup(csat: Record<string, unknown> | undefined) {
  const ws = await newWorkspace();
  const accountSid = `AC${uniqueDigits(16)}${uniqueDigits(16)}`;
  const channel = await newChannel(ws.ownerCookie, "twilio_sms", {
    account_sid: accountSid,
    auth_token: AUTH_TOKEN,
    from: "+14155550100",
    api_base_url: fakeUrl(),
    ...(csat ? { csat } : {}),
  });
  const customer = `+1415${uniqueDigits(7)}`;
  return { ws, channel, accountSid, customer, path: `/webhooks/twilio/${channel.id}` };
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** The customer texts `body`, signed as Twilio signs it. */
async function customerTexts(s: Setup, body: string) {
  const sid = `SM${uniqueDigits(16)}${uniqueDigits(16)}`;
  const form = new URLSearchParams({
    ToCountry: "US",
    SmsMessageSid: sid,
    MessageSid: sid,
    AccountSid: s.accountSid,
    From: s.customer,
    To: "+14155550100",
    Body: body,
    NumMedia: "0",
    NumSegments: "1",
    ApiVersion: "2010-04-01",
  });
  const signature = await twilioSignature(AUTH_TOKEN, `${ORIGIN}${s.path}`, form);
  const response = await api(s.path, {
    rawBody: form.toString(),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": signature,
    },
    origin: null,
  });
  expect(response.status).toBe(200);
  return { form, signature };
}

/** The texts sent to the customer, oldest first. */
async function textsSent(s: Setup) {
  const requests = await fakeRequests(`/Accounts/${s.accountSid}/Messages.json`);
  return requests
    .map((r) => new URLSearchParams(r.body))
    .filter((form) => form.get("To") === s.customer)
    .map((form) => form.get("Body") ?? "");
}

const textSent = (s: Setup, matching: string) =>
  eventually(async () => (await textsSent(s)).find((t) => t.includes(matching)), matching);

/** A customer's conversation, closed by the owner after they wrote. */
async function closedConversation(s: Setup) {
  await customerTexts(s, "My order never came");
  const conversation = await conversationOf(s);
  await eventually(async () => (await messagesOf(s, conversation.id)).length > 0, "the SMS");
  const closed = await closeConversation(s.ws.ownerCookie, conversation.id);
  return closed;
}

describe("satisfaction surveys on SMS", () => {
  it("are refused with the path of a bad setting, and kept on the channel", async () => {
    const s = await setup(undefined);
    const bad = await api(`/api/v1/channels/${s.channel.id}`, {
      method: "PATCH",
      cookie: s.ws.ownerCookie,
      body: { config: { csat: { enabled: true, scale: "stars_7" } } },
    });
    const problem = await expectProblem(bad, 422);
    expect(problem.errors?.map((e) => e.path)).toContain("config.csat.scale");
    const good = await api(`/api/v1/channels/${s.channel.id}`, {
      method: "PATCH",
      cookie: s.ws.ownerCookie,
      body: { config: { csat: { enabled: true, scale: "nps_10" } } },
    });
    expect(good.status).toBe(200);
    const channel = await json<{ config: { csat: unknown } }>(good);
    expect(channel.config.csat).toEqual({ enabled: true, scale: "nps_10", ask_comment: false });
  });

  it("asks once per close, even when the close is heard again; a reply of 4 is the answer, not a new conversation", async () => {
    const s = await setup({ enabled: true, scale: "csat_5" });
    const closed = await closedConversation(s);
    const question = await textSent(s, "Reply with a number from 1 to 5.");
    expect(question).toContain("How satisfied are you");
    const survey = await surveyOnceAsked(s.ws.id, closed.id);
    expect(survey).toMatchObject({ scale: "csat_5", score: null, language: "en" });
    expect(survey.agentId).toBe(s.ws.owner.id);

    // the close delivered again: no second survey, no second text
    const event = {
      type: "conversation.closed",
      conversation: closed,
      from: "open",
      reason: null,
      id: "evt_again",
      workspace_id: s.ws.id,
      at: Date.now(),
    } as Recorded;
    await sendSurveys({ db: createDb(env.DB), env }, event);
    expect(await surveysOf(s.ws.id, closed.id)).toHaveLength(1);

    const reply = await customerTexts(s, " 4 ");
    await textSent(s, "Thank you for your feedback!");
    // Twilio delivers the same reply again: it is taken once
    const again = await api(s.path, {
      rawBody: reply.form.toString(),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": reply.signature,
      },
      origin: null,
    });
    expect(again.status).toBe(200);
    // the inbound queue's turn to see it again
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [answered] = await surveysOf(s.ws.id, closed.id);
    expect(answered).toMatchObject({ score: 4, stage: "done", comment: null });
    expect(await conversationsOn(s.ws.ownerCookie, s.channel.id)).toHaveLength(1);
    const history = await messagesOf(s, closed.id);
    expect(history.find((m) => m.event?.type === "csat_answered")?.event?.data).toMatchObject({
      score: 4,
    });
    const surveys = (await textsSent(s)).filter((t) => t.includes("Reply with a number"));
    expect(surveys).toHaveLength(1);
    expect(history.filter((m) => m.event?.type === "csat_answered")).toHaveLength(1);
    expect((await textsSent(s)).filter((t) => t.includes("Thank you"))).toHaveLength(1);
  });

  it("asks for a comment after the score when set to, and keeps the next text as it", async () => {
    const s = await setup({ enabled: true, scale: "csat_5", ask_comment: true });
    const closed = await closedConversation(s);
    await textSent(s, "Reply with a number");
    await surveyOnceAsked(s.ws.id, closed.id);
    await customerTexts(s, "4/5");
    await textSent(s, "Is there anything you would like to tell us?");
    await customerTexts(s, "Quick and friendly");
    await textSent(s, "Thank you for your feedback!");
    const [survey] = await surveysOf(s.ws.id, closed.id);
    expect(survey).toMatchObject({ score: 4, comment: "Quick and friendly", stage: "done" });
    expect(await conversationsOn(s.ws.ownerCookie, s.channel.id)).toHaveLength(1);
  });

  it("takes a message that is not a score as a new conversation, and the survey waits", async () => {
    const s = await setup({ enabled: true, scale: "csat_5" });
    const closed = await closedConversation(s);
    await textSent(s, "Reply with a number");
    await surveyOnceAsked(s.ws.id, closed.id);
    await customerTexts(s, "Also, can I change my address?");
    const conversations = await eventually(async () => {
      const list = await conversationsOn(s.ws.ownerCookie, s.channel.id);
      return list.length === 2 ? list : undefined;
    }, "a new conversation");
    expect(conversations.map((c) => c.status)).toContain("open");
    const [survey] = await surveysOf(s.ws.id, closed.id);
    expect(survey).toMatchObject({ score: null, stage: "asked" });
  });

  it("asks on the 0–10 scale in the contact's language", async () => {
    const s = await setup({ enabled: true, scale: "nps_10" });
    await customerTexts(s, "Hola");
    const conversation = await conversationOf(s);
    await api(`/api/v1/contacts/${conversation.contact.id}`, {
      method: "PATCH",
      cookie: s.ws.ownerCookie,
      body: { language: "es-MX" },
    });
    await closeConversation(s.ws.ownerCookie, conversation.id);
    const question = await textSent(s, "Responde con un número del 0 al 10.");
    expect(question).toContain("recomiendes");
    await customerTexts(s, "10");
    const survey = await eventually(async () => {
      const [row] = await surveysOf(s.ws.id, conversation.id);
      return row?.score === 10 ? row : undefined;
    }, "the score");
    expect(survey).toMatchObject({ scale: "nps_10", language: "es" });
  });

  it("sends nothing when the channel has surveys off, or the customer never wrote", async () => {
    const off = await setup(undefined);
    const closed = await closedConversation(off);
    const silent = await setup({ enabled: true });
    const opened = await api("/api/v1/messages", {
      cookie: silent.ws.ownerCookie,
      body: { channel_id: silent.channel.id, to: { phone: silent.customer }, text: "Your parcel" },
    });
    expect(opened.status).toBeLessThan(300);
    const never = await conversationOf(silent);
    await closeConversation(silent.ws.ownerCookie, never.id);
    await textSent(silent, "Your parcel");
    // give the queued listeners time to act on both closes
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await surveysOf(off.ws.id, closed.id)).toHaveLength(0);
    expect(await surveysOf(silent.ws.id, never.id)).toHaveLength(0);
    expect((await textsSent(off)).some((t) => t.includes("Reply with a number"))).toBe(false);
  });
});

describe("satisfaction surveys on WhatsApp", () => {
  it("are sent only within the 24-hour window after the customer's last message", async () => {
    const ws = await newWorkspace();
    const channel = await newChannel(ws.ownerCookie, "whatsapp", {
      phone_number_id: uniqueDigits(15),
      access_token: "EAAG-test-token",
      app_secret: "whatsapp-app-secret",
      verify_token: "verify-me-please",
      api_base_url: fakeUrl(),
      csat: { enabled: true },
    });
    const scope = { db: createDb(env.DB), env };
    const closedAt = (hoursSinceCustomer: number) => async () => {
      const id = await conversationAt(ws.id, channel.id, Date.now() - 30 * HOUR);
      const closed = await closeConversation(ws.ownerCookie, id);
      const at = Date.now();
      const event = {
        type: "conversation.closed",
        conversation: {
          ...closed,
          last_inbound_at: new Date(at - hoursSinceCustomer * HOUR).toISOString(),
        },
        from: "open",
        reason: null,
        id: `evt_window${uniqueDigits(8)}`,
        workspace_id: ws.id,
        at,
      } as Recorded;
      await sendSurveys(scope, event);
      return id;
    };
    const late = await closedAt(25)();
    expect(await surveysOf(ws.id, late)).toHaveLength(0);
    const inTime = await closedAt(2)();
    expect(await surveysOf(ws.id, inTime)).toHaveLength(1);
    const question = (await messagesOf({ ws, channel }, inTime)).find(
      (m) => m.sender.type === "bot",
    );
    expect(question?.text).toContain("Reply with a number from 1 to 5.");
  });
});
