import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations } from "../../worker/db/schema";
import {
  conversationOf,
  eventually,
  fakeRequests,
  fakeUrl,
  hmacHex,
  metaJson,
  newChannel,
  postWebhook,
  setFakeTemplates,
  uniqueDigits,
} from "../channel-helpers";
import { api, db, expectProblem, newWorkspace } from "../helpers";
import { fireAlarm, inHours, schedule, scheduledOf } from "./helpers";

const APP_SECRET = "wa-scheduled-secret";

/** A WhatsApp channel on the fake platform, and a conversation the customer opened. */
async function whatsappConversation() {
  const ws = await newWorkspace();
  const phoneNumberId = uniqueDigits(15);
  const wabaId = uniqueDigits(15);
  const channel = await newChannel(ws.ownerCookie, "whatsapp", {
    phone_number_id: phoneNumberId,
    waba_id: wabaId,
    access_token: "EAAG-test-token",
    app_secret: APP_SECRET,
    verify_token: "verify-me-please",
    api_base_url: fakeUrl(),
  });
  const waId = `1650${uniqueDigits(7)}`;
  const body = metaJson({
    object: "whatsapp_business_account",
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: "Ana" }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: `wamid.${uniqueDigits()}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: "Can I get a quote?" },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  await postWebhook(`/webhooks/whatsapp/${channel.id}`, body, {
    "content-type": "application/json",
    "x-hub-signature-256": `sha256=${await hmacHex(APP_SECRET, body)}`,
  });
  const s = { ws, channel };
  return { ...s, phoneNumberId, conversation: await conversationOf(s) };
}

describe("a scheduled WhatsApp message", () => {
  it("switches to its fallback template when the 24-hour window has closed by send time", async () => {
    const s = await whatsappConversation();
    await setFakeTemplates([
      {
        name: "quote_follow_up",
        language: "en_US",
        status: "APPROVED",
        category: "UTILITY",
        components: [{ type: "BODY", text: "Hi {{1}}, any questions about your quote?" }],
      },
    ]);
    await api(`/api/v1/channels/${s.channel.id}/templates/sync`, {
      cookie: s.ws.ownerCookie,
      method: "POST",
    });
    const cookie = s.ws.ownerCookie;
    const message = await schedule(cookie, {
      conversation_id: s.conversation.id,
      send_at: inHours(26),
      message: { text: "Any questions about your quote?" },
      fallback_template: {
        name: "quote_follow_up",
        language: "en_US",
        variables: ["{{contact.name}}"],
      },
    });
    expect(message).toMatchObject({
      channel_id: s.channel.id,
      contact_id: s.conversation.contact.id,
    });
    const without = await schedule(cookie, {
      conversation_id: s.conversation.id,
      send_at: inHours(26),
      message: { text: "Still there?" },
    });
    // by send time, the customer last wrote more than 24 hours ago
    await db()
      .update(conversations)
      .set({ lastInboundAt: Date.now() - 25 * 3_600_000 })
      .where(eq(conversations.id, s.conversation.id));

    await fireAlarm(message.id);
    await fireAlarm(without.id);
    expect(await scheduledOf(cookie, message.id)).toMatchObject({
      status: "sent",
      sent_conversation_id: s.conversation.id,
    });
    const refused = await scheduledOf(cookie, without.id);
    expect(refused.status).toBe("failed");
    expect(refused.reason).toMatch(/template/);
    const sent = await eventually(
      async () => (await fakeRequests(`/${s.phoneNumberId}/messages`))[0],
      "the template send",
    );
    expect(JSON.parse(sent.body)).toMatchObject({
      type: "template",
      template: {
        name: "quote_follow_up",
        components: [{ type: "body", parameters: [{ type: "text", text: "Ana" }] }],
      },
    });
    expect(await fakeRequests(`/${s.phoneNumberId}/messages`)).toHaveLength(1);
  });

  it("refuses a channel that is not the conversation's", async () => {
    const s = await whatsappConversation();
    const problem = await expectProblem(
      await api("/api/v1/scheduled-messages", {
        cookie: s.ws.ownerCookie,
        body: {
          conversation_id: s.conversation.id,
          contact_id: s.conversation.contact.id,
          channel_id: (
            await newChannel(s.ws.ownerCookie, "telegram", {
              bot_token: `${uniqueDigits(10)}:AAB${uniqueDigits(20)}`,
              secret_token: "t0ken_secret",
              api_base_url: fakeUrl(),
            })
          ).id,
          send_at: inHours(1),
          message: { text: "Hi" },
        },
      }),
      422,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["channel_id"]);
  });
});
