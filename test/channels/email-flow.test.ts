import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { receiveEmail } from "../../worker/email";
import type { ConversationDto, MessageDto } from "../../worker/schemas/conversations";
import {
  eventually,
  fakeRequests,
  fakeUrl,
  messagesOf,
  newChannel,
  postWebhook,
  scriptFake,
  uniqueDigits,
} from "../channel-helpers";
import { api, expectProblem, json, newWorkspace } from "../helpers";

const WEBHOOK_KEY = btoa("resend-webhook-signing-key-0123");

async function setup() {
  const ws = await newWorkspace();
  const inbox = `support-${uniqueDigits(8)}@acme.test`;
  const channel = await newChannel(ws.ownerCookie, "email", {
    inbound_address: inbox,
    provider: "resend",
    api_key: "re_test_key",
    webhook_secret: `whsec_${WEBHOOK_KEY}`,
    from_accounts: [
      { area: "all", from: "Acme Support <support@acme.test>" },
      {
        area: "invoices",
        from: `Acme Billing <billing-${uniqueDigits(6)}@acme.test>`,
        cap_count: 1,
        cap_hours: 1,
      },
    ],
    api_base_url: fakeUrl(),
  });
  const customer = `client-${uniqueDigits(8)}@example.com`;
  return { ws, channel, inbox, customer };
}
type Setup = Awaited<ReturnType<typeof setup>>;

function mime(
  s: Setup,
  fields: { id: string; subject: string; body: string; headers?: string[]; to?: string },
) {
  return [
    `From: "Clara Núñez" <${s.customer}>`,
    `To: ${fields.to ?? s.inbox}`,
    `Subject: ${fields.subject}`,
    `Message-ID: <${fields.id}>`,
    "Date: Sun, 22 Nov 2026 10:00:00 +0000",
    "MIME-Version: 1.0",
    ...(fields.headers ?? []),
    'Content-Type: text/plain; charset="utf-8"',
    "Content-Transfer-Encoding: 8bit",
    "",
    fields.body,
  ].join("\r\n");
}

async function receive(raw: string, to: string) {
  let rejected: string | null = null;
  const message = {
    from: "sender@example.com",
    to,
    headers: new Headers(),
    raw: new Blob([raw]).stream(),
    rawSize: raw.length,
    setReject: (reason: string) => {
      rejected = reason;
    },
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  } as unknown as ForwardableEmailMessage;
  await receiveEmail(message, env);
  return rejected;
}

const conversationsOf = async (s: Setup) =>
  (
    await json<{ data: ConversationDto[] }>(
      await api("/api/v1/conversations?view=all", { cookie: s.ws.ownerCookie }),
    )
  ).data.filter((c) => c.channel_id === s.channel.id);

async function svixHeaders(body: string) {
  const id = `msg_${uniqueDigits()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(WEBHOOK_KEY), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${id}.${timestamp}.${body}`),
  );
  const signature = btoa(String.fromCharCode(...new Uint8Array(mac)));
  return {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": timestamp,
    "svix-signature": `v1,${signature}`,
  };
}

describe("email channel", () => {
  it("threads inbound mail into one conversation and replies under the customer's message", async () => {
    const s = await setup();
    const firstId = `${uniqueDigits()}@mail.example.com`;
    expect(
      await receive(
        mime(s, {
          id: firstId,
          subject: "Factura duplicada",
          body: "Hola, me cobraron dos veces.",
        }),
        s.inbox,
      ),
    ).toBeNull();
    const [conversation] = await conversationsOf(s);
    expect(conversation).toMatchObject({ channel_type: "email", contact: { email: s.customer } });
    if (!conversation) return;

    const sent = await json<MessageDto>(
      await api(`/api/v1/conversations/${conversation.id}/messages`, {
        cookie: s.ws.ownerCookie,
        body: { text: "Lo revisamos hoy mismo.", subject: "Re: Factura duplicada" },
      }),
    );
    const request = await eventually(
      async () => (await fakeRequests("/emails")).find((r) => r.body.includes(s.customer)),
      "the Resend call",
    );
    expect(request.headers.authorization).toBe("Bearer re_test_key");
    expect(JSON.parse(request.body)).toMatchObject({
      from: "Acme Support <support@acme.test>",
      to: [s.customer],
      subject: "Re: Factura duplicada",
      text: "Lo revisamos hoy mismo.",
      headers: { "In-Reply-To": `<${firstId}>` },
    });

    // the customer's client answers our mail: an id we never saw, and the thread in References
    await receive(
      mime(s, {
        id: `${uniqueDigits()}@mail.example.com`,
        subject: "Re: Factura duplicada",
        body: "Gracias!\r\n\r\nOn Sun, 22 Nov 2026 Acme Support wrote:\r\n> Lo revisamos hoy mismo.",
        headers: [
          `In-Reply-To: <unknown-${uniqueDigits()}@resend.dev>`,
          `References: <${firstId}> <unknown@resend.dev>`,
        ],
      }),
      s.inbox,
    );
    const messages = await eventually(async () => {
      const list = await messagesOf(s, conversation.id);
      return list.length === 3 ? list : undefined;
    }, "the threaded reply");
    expect(messages.map((m) => [m.sender.type, m.text])).toEqual([
      ["contact", "Hola, me cobraron dos veces."],
      ["agent", "Lo revisamos hoy mismo."],
      ["contact", "Gracias!"],
    ]);
    expect(await conversationsOf(s)).toHaveLength(1);
    expect(sent.status).toBe("queued");
  });

  it("opens a conversation per new thread, and files mail to a reply address into its own", async () => {
    const s = await setup();
    await receive(
      mime(s, { id: `${uniqueDigits()}@m.example.com`, subject: "A", body: "first" }),
      s.inbox,
    );
    const [conversation] = await conversationsOf(s);
    if (!conversation) throw new Error("no conversation");
    await receive(
      mime(s, { id: `${uniqueDigits()}@m.example.com`, subject: "C", body: "another topic" }),
      s.inbox,
    );
    expect(await conversationsOf(s)).toHaveLength(2);
    const replyAddress = s.inbox.replace("@", `+${conversation.id}@`);
    await receive(
      mime(s, {
        id: `${uniqueDigits()}@m.example.com`,
        subject: "B",
        body: "second",
        to: replyAddress,
      }),
      replyAddress,
    );
    const messages = await eventually(async () => {
      const list = await messagesOf(s, conversation.id);
      return list.length === 2 ? list : undefined;
    }, "the second mail in the same conversation");
    expect(messages.map((m) => m.text)).toEqual(["first", "second"]);
    expect(await conversationsOf(s)).toHaveLength(2);
  });

  it("records the provider's signed events on the message, never moving its status back", async () => {
    const s = await setup();
    await receive(
      mime(s, { id: `${uniqueDigits()}@m.example.com`, subject: "Hi", body: "Hi" }),
      s.inbox,
    );
    const [conversation] = await conversationsOf(s);
    if (!conversation) throw new Error("no conversation");
    const sent = await json<MessageDto>(
      await api(`/api/v1/conversations/${conversation.id}/messages`, {
        cookie: s.ws.ownerCookie,
        body: { text: "Hello" },
      }),
    );
    const request = await eventually(
      async () => (await fakeRequests("/emails")).find((r) => r.body.includes(s.customer)),
      "the send",
    );
    const emailId = (request.response.body as { id: string }).id;
    await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.status === "sent";
    }, "sent");
    const path = `/webhooks/email-events/${s.channel.id}`;
    const event = (type: string) =>
      JSON.stringify({
        type,
        created_at: new Date().toISOString(),
        data: { email_id: emailId, to: [s.customer] },
      });
    const unsigned = event("email.delivered");
    await expectProblem(
      await postWebhook(path, unsigned, {
        ...(await svixHeaders(unsigned)),
        "svix-signature": "v1,AAAA",
      }),
      403,
    );
    for (const type of ["email.opened", "email.delivered", "email.complained"]) {
      const body = event(type);
      expect((await postWebhook(path, body, await svixHeaders(body))).status).toBe(200);
    }
    const message = await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.delivery_events.length === 3 ? m : undefined;
    }, "three events");
    expect(message.status).toBe("read");
    expect(message.delivery_events.map((e) => e.event).sort()).toEqual([
      "delivered",
      "opened",
      "spam",
    ]);
  });

  it("holds sends past a sender account's cap instead of dropping them", async () => {
    const s = await setup();
    await receive(
      mime(s, { id: `${uniqueDigits()}@m.example.com`, subject: "Invoice", body: "Invoice?" }),
      s.inbox,
    );
    const [conversation] = await conversationsOf(s);
    if (!conversation) throw new Error("no conversation");
    const send = async (text: string) =>
      json<MessageDto>(
        await api(`/api/v1/conversations/${conversation.id}/messages`, {
          cookie: s.ws.ownerCookie,
          body: { text, area: "invoices" },
        }),
      );
    const first = await send("Invoice attached");
    const second = await send("And the receipt");
    await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === first.seq);
      return m?.status === "sent";
    }, "the first within the cap");
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const held = (await messagesOf(s, conversation.id)).find((x) => x.seq === second.seq);
    expect(held?.status).toBe("queued");
    const sends = (await fakeRequests("/emails")).filter((r) => r.body.includes(s.customer));
    expect(sends.map((r) => JSON.parse(r.body).text)).toEqual(["Invoice attached"]);
  });

  it("rejects mail for an address no inbox has, and test-sends through the provider", async () => {
    const s = await setup();
    expect(
      await receive(
        mime(s, { id: "x@y", subject: "?", body: "?", to: "nobody@acme.test" }),
        "nobody@acme.test",
      ),
    ).toMatch(/No Conversa inbox/);
    const to = `ops-${uniqueDigits(6)}@example.com`;
    const ok = await api(`/api/v1/channels/${s.channel.id}/test`, {
      cookie: s.ws.ownerCookie,
      body: { to },
    });
    expect(ok.status).toBe(200);
    expect((await fakeRequests("/emails")).some((r) => r.body.includes(to))).toBe(true);
    await scriptFake({
      path: "/emails",
      status: 422,
      body: { statusCode: 422, name: "validation_error", message: "Invalid `to` field." },
    });
    const refused = await expectProblem(
      await api(`/api/v1/channels/${s.channel.id}/test`, {
        cookie: s.ws.ownerCookie,
        body: { to: `bad-${uniqueDigits(6)}@example.com` },
      }),
      502,
    );
    expect(refused.detail).toBe("Invalid `to` field.");
  });
});
