import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations } from "../../worker/db/schema";
import type { MessageDto } from "../../worker/schemas/conversations";
import {
  conversationOf,
  eventually,
  fakeRequests,
  fakeUrl,
  hmacHex,
  messagesOf,
  metaJson,
  newChannel,
  postWebhook,
  uniqueDigits,
} from "../channel-helpers";
import { api, db, expectProblem, json, newWorkspace } from "../helpers";

const APP_SECRET = "page-app-secret";
const HOUR = 60 * 60 * 1000;

async function setup(type: "messenger" | "instagram") {
  const ws = await newWorkspace();
  const pageId = uniqueDigits(15);
  const channel = await newChannel(ws.ownerCookie, type, {
    page_id: pageId,
    page_access_token: "EAAB-page-token",
    app_secret: APP_SECRET,
    verify_token: "page-verify-token",
    api_base_url: fakeUrl(),
  });
  const psid = uniqueDigits(16);
  return { ws, type, channel, pageId, psid, path: `/webhooks/${type}/${channel.id}` };
}
type Setup = Awaited<ReturnType<typeof setup>>;

const envelope = (s: Setup, messaging: unknown[]) => ({
  object: s.type === "messenger" ? "page" : "instagram",
  entry: [{ id: s.pageId, time: Date.now(), messaging }],
});

const event = (s: Setup, fields: Record<string, unknown>) => ({
  sender: { id: s.psid },
  recipient: { id: s.pageId },
  timestamp: Date.now(),
  ...fields,
});

async function deliver(s: Setup, payload: unknown) {
  const body = metaJson(payload);
  return postWebhook(s.path, body, {
    "content-type": "application/json",
    "x-hub-signature-256": `sha256=${await hmacHex(APP_SECRET, body)}`,
  });
}

const reply = (s: Setup, conversationId: string, text: string) =>
  api(`/api/v1/conversations/${conversationId}/messages`, {
    cookie: s.ws.ownerCookie,
    body: { text },
  });

async function customerWroteAgo(conversationId: string, ms: number) {
  await db()
    .update(conversations)
    .set({ lastInboundAt: Date.now() - ms })
    .where(eq(conversations.id, conversationId));
}

describe.each(["messenger", "instagram"] as const)("%s", (type) => {
  it("reads messages (not the page's own echoes) and replies inside the window as RESPONSE", async () => {
    const s = await setup(type);
    await deliver(
      s,
      envelope(s, [
        event(s, { message: { mid: `m_${uniqueDigits()}`, text: "Bonjour, c'est ouvert ?" } }),
        {
          sender: { id: s.pageId },
          recipient: { id: s.psid },
          timestamp: Date.now(),
          message: { mid: `m_${uniqueDigits()}`, text: "echo of our own", is_echo: true },
        },
      ]),
    );
    const conversation = await conversationOf(s);
    const sent = await json<MessageDto>(await reply(s, conversation.id, "Oui, jusqu'à 19h."));
    const request = await eventually(
      async () => (await fakeRequests(`/${s.pageId}/messages`))[0],
      "the Send API call",
    );
    expect(JSON.parse(request.body)).toEqual({
      recipient: { id: s.psid },
      messaging_type: "RESPONSE",
      message: { text: "Oui, jusqu'à 19h." },
    });
    expect(request.headers.authorization).toBe("Bearer EAAB-page-token");
    const { message_id: mid } = request.response.body as { message_id: string };
    await deliver(s, envelope(s, [event(s, { delivery: { mids: [mid], watermark: Date.now() } })]));
    await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.status === "delivered";
    }, "delivered");
    await deliver(s, envelope(s, [event(s, { read: { watermark: Date.now() } })]));
    await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.status === "read";
    }, "read by watermark");
    const texts = (await messagesOf(s, conversation.id)).map((m) => m.text);
    expect(texts).not.toContain("echo of our own");
  });

  it("tags a human agent's late reply HUMAN_AGENT, and refuses after 7 days", async () => {
    const s = await setup(type);
    await deliver(
      s,
      envelope(s, [event(s, { message: { mid: `m_${uniqueDigits()}`, text: "hi" } })]),
    );
    const conversation = await conversationOf(s);
    await customerWroteAgo(conversation.id, 3 * 24 * HOUR);
    expect((await reply(s, conversation.id, "Sorry for the wait")).status).toBe(201);
    const request = await eventually(
      async () => (await fakeRequests(`/${s.pageId}/messages`))[0],
      "the tagged send",
    );
    expect(JSON.parse(request.body)).toMatchObject({
      messaging_type: "MESSAGE_TAG",
      tag: "HUMAN_AGENT",
    });
    await customerWroteAgo(conversation.id, 8 * 24 * HOUR);
    const refused = await expectProblem(await reply(s, conversation.id, "Hello?"), 422);
    expect(refused.errors?.[0]?.message).toMatch(/7 days/);
  });
});
