import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts, conversations } from "../../worker/db/schema";
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
  scriptFake,
  setFakeTemplates,
  uniqueDigits,
} from "../channel-helpers";
import { api, db, expectProblem, json, newWorkspace } from "../helpers";

const APP_SECRET = "wa-app-secret-ü";

async function setup() {
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
  return { ws, channel, phoneNumberId, wabaId, waId, path: `/webhooks/whatsapp/${channel.id}` };
}

type Setup = Awaited<ReturnType<typeof setup>>;

function envelope(s: Setup, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: s.wabaId,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: s.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

const inbound = (s: Setup, messages: unknown[], name = "Zoë Müller") =>
  envelope(s, { contacts: [{ profile: { name }, wa_id: s.waId }], messages });

const textMessage = (s: Setup, id: string, body: string) => ({
  from: s.waId,
  id,
  timestamp: String(Math.floor(Date.now() / 1000)),
  type: "text",
  text: { body },
});

async function deliver(s: Setup, payload: unknown, secret = APP_SECRET) {
  const body = metaJson(payload);
  const response = await postWebhook(s.path, body, {
    "content-type": "application/json",
    "x-hub-signature-256": `sha256=${await hmacHex(secret, body)}`,
  });
  return response;
}

async function reply(s: Setup, conversationId: string, body: Record<string, unknown>) {
  return api(`/api/v1/conversations/${conversationId}/messages`, {
    cookie: s.ws.ownerCookie,
    body,
  });
}

async function statusOf(s: Setup, conversationId: string, seq: number) {
  const messages = await messagesOf(s, conversationId);
  return messages.find((m) => m.seq === seq);
}

describe("WhatsApp webhook verification", () => {
  it("answers Meta's handshake only with the right verify token", async () => {
    const s = await setup();
    const ok = await api(
      `${s.path}?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    await expectProblem(
      await api(`${s.path}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`),
      403,
    );
  });

  it("checks the signature against Meta's vector and rejects bad or missing ones, storing nothing", async () => {
    expect(await hmacHex("secret", "test")).toBe(
      "0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914",
    );
    const s = await setup();
    const body = metaJson(inbound(s, [textMessage(s, `wamid.${uniqueDigits()}`, "¿Hola?")]));
    await expectProblem(await deliver(s, JSON.parse(body), "another-secret"), 403);
    await expectProblem(
      await postWebhook(s.path, body, { "content-type": "application/json" }),
      403,
    );
    // signed over different bytes than sent: the unescaped body
    const tampered = await postWebhook(s.path, JSON.stringify(JSON.parse(body)), {
      "content-type": "application/json",
      "x-hub-signature-256": `sha256=${await hmacHex(APP_SECRET, body)}`,
    });
    await expectProblem(tampered, 403);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stored = await db().select().from(contacts).where(eq(contacts.workspaceId, s.ws.id));
    expect(stored).toHaveLength(0);
  });
});

describe("WhatsApp inbound", () => {
  it("turns a signed message into a contact and a conversation, once however often it is delivered", async () => {
    const s = await setup();
    const id = `wamid.${uniqueDigits()}`;
    const payload = inbound(s, [textMessage(s, id, "Olá, preciso de ajuda 🙏")]);
    const first = await deliver(s, payload);
    expect(first.status).toBe(200);
    expect(await deliver(s, payload)).toHaveProperty("status", 200);
    const conversation = await conversationOf(s);
    expect(conversation).toMatchObject({
      channel_type: "whatsapp",
      status: "open",
      contact: { name: "Zoë Müller", phone: `+${s.waId}` },
      last_message: { preview: "Olá, preciso de ajuda 🙏", sender_type: "contact" },
    });
    expect(conversation.reply_window_closes_at).not.toBeNull();
    await deliver(s, payload);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const messages = await messagesOf(s, conversation.id);
    expect(messages.map((m) => [m.kind, m.sender.type, m.text])).toEqual([
      ["text", "contact", "Olá, preciso de ajuda 🙏"],
    ]);
  });

  it("reads several kinds in one POST, in order, and downloads media from the platform only", async () => {
    const s = await setup();
    const ts = String(Math.floor(Date.now() / 1000));
    const mediaId = uniqueDigits(16);
    await deliver(
      s,
      inbound(s, [
        {
          from: s.waId,
          id: `wamid.${uniqueDigits()}`,
          timestamp: ts,
          type: "image",
          image: { id: mediaId, mime_type: "image/jpeg", sha256: "abc", caption: "my receipt" },
        },
        {
          from: s.waId,
          id: `wamid.${uniqueDigits()}`,
          timestamp: ts,
          type: "location",
          location: { latitude: 38.7223, longitude: -9.1393, name: "Loja", address: "Lisboa" },
        },
        {
          from: s.waId,
          id: `wamid.${uniqueDigits()}`,
          timestamp: ts,
          type: "interactive",
          interactive: { type: "button_reply", button_reply: { id: "yes", title: "Yes, please" } },
        },
        {
          from: s.waId,
          id: `wamid.${uniqueDigits()}`,
          timestamp: ts,
          type: "unsupported_future_kind",
          unknown_field: { anything: true },
        },
      ]),
    );
    const conversation = await conversationOf(s);
    const messages = await eventually(async () => {
      const list = await messagesOf(s, conversation.id);
      return list.length === 4 ? list : undefined;
    }, "four messages");
    expect(messages.map((m) => [m.kind, m.text])).toEqual([
      ["file", "my receipt"],
      ["text", "📍 Loja, Lisboa (38.7223, -9.1393)"],
      ["text", "Yes, please"],
      ["text", "[unsupported WhatsApp message: unsupported_future_kind]"],
    ]);
    const file = messages[0]?.attachment;
    expect(file).toMatchObject({ content_type: "image/jpeg" });
    const download = await api(file?.url ?? "");
    expect(await download.text()).toBe(`fake media ${mediaId}`);
    const lookups = await fakeRequests(`/${mediaId}`);
    expect(lookups[0]?.headers.authorization).toBe("Bearer EAAG-test-token");
  });
});

describe("WhatsApp outbound", () => {
  async function openConversation(s: Setup) {
    await deliver(s, inbound(s, [textMessage(s, `wamid.${uniqueDigits()}`, "Hi")]));
    return conversationOf(s);
  }

  it("sends an agent's reply in the Cloud API format and follows its status forward only", async () => {
    const s = await setup();
    const conversation = await openConversation(s);
    const response = await reply(s, conversation.id, { text: "Hello! How can I help?" });
    expect(response.status).toBe(201);
    const sent = await json<MessageDto>(response);
    expect(sent.status).toBe("queued");
    const request = await eventually(
      async () => (await fakeRequests(`/v21.0/${s.phoneNumberId}/messages`))[0],
      "the send request",
    );
    expect(request.headers.authorization).toBe("Bearer EAAG-test-token");
    expect(JSON.parse(request.body)).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: `+${s.waId}`,
      type: "text",
      text: { preview_url: false, body: "Hello! How can I help?" },
    });
    await eventually(
      async () => (await statusOf(s, conversation.id, sent.seq))?.status === "sent",
      "sent",
    );
    // the platform's id is what status webhooks name
    const wamid = await eventually(async () => {
      const { results } = await env.DB.prepare(
        "SELECT external_id FROM channel_messages WHERE conversation_id = ? AND direction = 'out'",
      )
        .bind(conversation.id)
        .all<{ external_id: string }>();
      return results[0]?.external_id;
    }, "the outbound ledger entry");
    const status = (name: string) => ({
      id: wamid,
      status: name,
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipient_id: s.waId,
    });
    await deliver(s, envelope(s, { statuses: [status("read")] }));
    await eventually(
      async () => (await statusOf(s, conversation.id, sent.seq))?.status === "read",
      "read",
    );
    await deliver(s, envelope(s, { statuses: [status("delivered"), status("sent")] }));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await statusOf(s, conversation.id, sent.seq))?.status).toBe("read");
  });

  it("retries a throttled send and marks a permanent error failed with the platform's reason", async () => {
    const s = await setup();
    const conversation = await openConversation(s);
    await scriptFake({
      path: `/${s.phoneNumberId}/messages`,
      status: 400,
      headers: { "retry-after": "1" },
      body: {
        error: {
          message: "(#130429) Rate limit hit",
          type: "OAuthException",
          code: 130429,
          error_data: { details: "Cloud API message throughput has been reached." },
          fbtrace_id: "Az8or2yhqkZfEZ-_4Qn_Bam",
        },
      },
    });
    const retried = await json<MessageDto>(await reply(s, conversation.id, { text: "first" }));
    await eventually(
      async () => (await statusOf(s, conversation.id, retried.seq))?.status === "sent",
      "sent after a retry",
    );
    expect(await fakeRequests(`/${s.phoneNumberId}/messages`)).toHaveLength(2);

    await scriptFake({
      path: `/${s.phoneNumberId}/messages`,
      status: 400,
      body: {
        error: {
          message: "(#131026) Message undeliverable",
          code: 131026,
          error_data: { details: "Receiver is incapable of receiving this message" },
        },
      },
    });
    const refused = await json<MessageDto>(await reply(s, conversation.id, { text: "second" }));
    const failed = await eventually(async () => {
      const m = await statusOf(s, conversation.id, refused.seq);
      return m?.status === "failed" ? m : undefined;
    }, "failed");
    expect(failed.status_reason).toBe("Receiver is incapable of receiving this message");
  });

  it("outside the 24-hour window allows only an approved template, filled with its variables", async () => {
    const s = await setup();
    const conversation = await openConversation(s);
    const dayAndAHourAgo = Date.now() - 25 * 60 * 60 * 1000;
    await db()
      .update(conversations)
      .set({ lastInboundAt: dayAndAHourAgo })
      .where(eq(conversations.id, conversation.id));
    const refused = await expectProblem(
      await reply(s, conversation.id, { text: "Still there?" }),
      422,
    );
    expect(refused.errors?.[0]).toMatchObject({ path: "text" });
    expect(refused.errors?.[0]?.message).toMatch(/template/);

    await setFakeTemplates([
      {
        name: "order_update",
        language: "en_US",
        status: "APPROVED",
        category: "UTILITY",
        components: [{ type: "BODY", text: "Your order {{1}} ships on {{2}}." }],
      },
      {
        name: "promo",
        language: "en_US",
        status: "REJECTED",
        components: [{ type: "BODY", text: "Sale!" }],
      },
    ]);
    const synced = await json<{ data: { name: string; variable_count: number }[] }>(
      await api(`/api/v1/channels/${s.channel.id}/templates/sync`, {
        cookie: s.ws.ownerCookie,
        method: "POST",
      }),
    );
    expect(synced.data.map((t) => [t.name, t.variable_count])).toEqual([
      ["order_update", 2],
      ["promo", 0],
    ]);
    await expectProblem(await reply(s, conversation.id, { template: { name: "promo" } }), 422);
    const wrongCount = await expectProblem(
      await reply(s, conversation.id, { template: { name: "order_update", variables: ["#1"] } }),
      422,
    );
    expect(wrongCount.errors?.[0]?.path).toBe("template.variables");

    const sent = await json<MessageDto>(
      await reply(s, conversation.id, {
        template: {
          name: "order_update",
          language: "en_US",
          variables: ["{{contact.first_name}} #1234", "Monday"],
        },
      }),
    );
    expect(sent.text).toBe("Your order Zoë #1234 ships on Monday.");
    const request = await eventually(
      async () => (await fakeRequests(`/${s.phoneNumberId}/messages`))[0],
      "the template send",
    );
    expect(JSON.parse(request.body)).toMatchObject({
      type: "template",
      template: {
        name: "order_update",
        language: { code: "en_US" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "Zoë #1234" },
              { type: "text", text: "Monday" },
            ],
          },
        ],
      },
    });
  });

  it("submits a new template to Meta for review and keeps it pending", async () => {
    const s = await setup();
    const missingExample = await expectProblem(
      await api(`/api/v1/channels/${s.channel.id}/templates`, {
        cookie: s.ws.ownerCookie,
        body: {
          name: "appointment_reminder",
          language: "es",
          category: "UTILITY",
          body: "Hola {{1}}, su cita es el {{2}}.",
        },
      }),
      422,
    );
    expect(missingExample.errors?.[0]?.path).toBe("examples");
    const created = await api(`/api/v1/channels/${s.channel.id}/templates`, {
      cookie: s.ws.ownerCookie,
      body: {
        name: "appointment_reminder",
        language: "es",
        category: "UTILITY",
        body: "Hola {{1}}, su cita es el {{2}}.",
        examples: ["Ana", "lunes"],
      },
    });
    expect(created.status).toBe(201);
    const { data } = await json<{
      data: { name: string; status: string; variable_count: number }[];
    }>(created);
    expect(data).toEqual([
      expect.objectContaining({
        name: "appointment_reminder",
        status: "PENDING",
        variable_count: 2,
      }),
    ]);
    const [submitted] = await fakeRequests(`/${s.wabaId}/message_templates`);
    expect(submitted?.method).toBe("POST");
    expect(JSON.parse(submitted?.body ?? "{}")).toEqual({
      name: "appointment_reminder",
      language: "es",
      category: "UTILITY",
      components: [
        {
          type: "BODY",
          text: "Hola {{1}}, su cita es el {{2}}.",
          example: { body_text: [["Ana", "lunes"]] },
        },
      ],
    });
    const conversation = await openConversation(s);
    await expectProblem(
      await reply(s, conversation.id, {
        template: { name: "appointment_reminder", variables: ["a", "b"] },
      }),
      422,
    );
  });

  it("sends an agent's file upload as a WhatsApp image with its caption", async () => {
    const s = await setup();
    const conversation = await openConversation(s);
    const form = new FormData();
    form.set(
      "file",
      new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "receipt.png", { type: "image/png" }),
    );
    form.set("text", "Here is your receipt");
    const uploaded = await api(`/api/v1/conversations/${conversation.id}/attachments`, {
      cookie: s.ws.ownerCookie,
      rawBody: form,
    });
    expect(uploaded.status).toBe(201);
    const message = await json<MessageDto>(uploaded);
    expect(message).toMatchObject({ kind: "file", status: "queued", text: "Here is your receipt" });
    const request = await eventually(
      async () => (await fakeRequests(`/${s.phoneNumberId}/messages`))[0],
      "the image send",
    );
    const body = JSON.parse(request.body) as {
      type: string;
      image: { link: string; caption: string };
    };
    expect(body.type).toBe("image");
    expect(body.image.caption).toBe("Here is your receipt");
    const file = await api(body.image.link.replace("https://conversa.test", ""));
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    );
    await expectProblem(
      await api(`/api/v1/conversations/${conversation.id}/attachments`, {
        cookie: s.ws.ownerCookie,
        rawBody: new FormData(),
      }),
      422,
    );
  });
});
