import { describe, expect, it } from "vitest";
import { email } from "../../worker/channels/email";
import { conversationIdFromAddress, parseInboundEmail } from "../../worker/channels/email-inbound";
import { SendError, type WebhookRequest } from "../../worker/channels/types";
import type { ChannelConfigOf } from "../../worker/schemas/channels";
import {
  fakeRequests,
  fakeUrl,
  net,
  scriptFake,
  sendgridHeaders,
  sendgridKeys,
  uniqueDigits,
} from "../channel-helpers";

type Config = ChannelConfigOf<"email">;

const config = (provider: Config["provider"], webhook_secret?: string): Config => ({
  inbound_address: "support@acme.test",
  provider,
  api_key: `key-${provider}`,
  webhook_secret,
  from_accounts: [{ area: "all", from: "Acme Support <support@acme.test>" }],
  api_base_url: fakeUrl(),
});

const request = (body: string, headers: Record<string, string>): WebhookRequest => ({
  url: "https://conversa.test/webhooks/email-events/ch_1",
  headers: new Headers(headers),
  rawBody: body,
  rawBytes: new Uint8Array(new TextEncoder().encode(body)),
  receivedAt: Date.now(),
});

describe("SendGrid events", () => {
  it("verifies the ECDSA P-256 signature over timestamp + body and maps the event array", async () => {
    const { privateKey, publicKey } = await sendgridKeys();
    const body = JSON.stringify([
      {
        email: "a@example.com",
        event: "delivered",
        sg_message_id: "14c5d75ce93.filter0001.16648.5515E0B88.0",
        timestamp: 1513299569,
      },
      {
        email: "a@example.com",
        event: "open",
        sg_message_id: "14c5d75ce93.filter0001.16648.5515E0B88.0",
        timestamp: 1513299570,
      },
      {
        email: "a@example.com",
        event: "bounce",
        sg_message_id: "other.filter",
        timestamp: 1513299571,
        reason: "550 5.1.1 unknown user",
      },
      {
        email: "a@example.com",
        event: "group_resubscribe",
        sg_message_id: "x.filter",
        timestamp: 1,
      },
    ]);
    const headers = await sendgridHeaders(privateKey, body);
    const cfg = config("sendgrid", publicKey);
    expect(await email.verify(request(body, headers), cfg)).toBe(true);
    expect(await email.verify(request(`${body} `, headers), cfg)).toBe(false);
    expect(
      await email.verify(
        request(body, { ...headers, "x-twilio-email-event-webhook-timestamp": "1" }),
        cfg,
      ),
    ).toBe(false);
    expect(email.parse(request(body, headers), cfg)).toEqual([
      {
        type: "status",
        externalId: "14c5d75ce93",
        status: "delivered",
        event: "delivered",
        reason: undefined,
        timestamp: 1513299569000,
      },
      {
        type: "status",
        externalId: "14c5d75ce93",
        status: "read",
        event: "opened",
        reason: undefined,
        timestamp: 1513299570000,
      },
      {
        type: "status",
        externalId: "other",
        status: "failed",
        event: "bounced",
        reason: "550 5.1.1 unknown user",
        timestamp: 1513299571000,
      },
    ]);
  });

  it("sends through /v3/mail/send and takes the id from X-Message-Id", async () => {
    const to = `sg-${uniqueDigits(8)}@example.com`;
    const { externalId } = await email.send(
      config("sendgrid"),
      {
        to,
        text: "Hello",
        subject: "Hi",
        from: "Acme Support <support@acme.test>",
        reference: "msg_1",
      },
      net,
    );
    const [sent] = (await fakeRequests("/v3/mail/send")).filter((r) => r.body.includes(to));
    expect(sent?.headers.authorization).toBe("Bearer key-sendgrid");
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      personalizations: [{ to: [{ email: to }] }],
      from: { email: "support@acme.test", name: "Acme Support" },
      subject: "Hi",
      content: [{ type: "text/plain", value: "Hello" }],
    });
    expect(externalId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("Postmark", () => {
  it("authenticates events by the webhook's Basic password and maps RecordType", async () => {
    const body = JSON.stringify({
      RecordType: "Bounce",
      MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
      Type: "HardBounce",
      Description: "The server was unable to deliver your message",
      BouncedAt: "2026-11-22T10:00:00Z",
    });
    const cfg = config("postmark", "pm-hook-secret");
    const good = { authorization: `Basic ${btoa("postmark:pm-hook-secret")}` };
    expect(await email.verify(request(body, good), cfg)).toBe(true);
    expect(
      await email.verify(request(body, { authorization: `Basic ${btoa("postmark:nope")}` }), cfg),
    ).toBe(false);
    expect(await email.verify(request(body, {}), cfg)).toBe(false);
    expect(email.parse(request(body, good), cfg)).toEqual([
      {
        type: "status",
        externalId: "883953f4-6105-42a2-a16a-77a8eac79483",
        status: "failed",
        event: "bounced",
        reason: "The server was unable to deliver your message",
        timestamp: Date.parse("2026-11-22T10:00:00Z"),
      },
    ]);
  });

  it("sends with the server token and threads with In-Reply-To; a refusal is permanent", async () => {
    const to = `pm-${uniqueDigits(8)}@example.com`;
    await email.send(
      config("postmark"),
      {
        to,
        text: "Your invoice",
        subject: "Invoice",
        from: "Acme Billing <billing@acme.test>",
        inReplyTo: "abc@mail.example.com",
        reference: "msg_2",
      },
      net,
    );
    const [sent] = (await fakeRequests("/email")).filter((r) => r.body.includes(to));
    expect(sent?.headers["x-postmark-server-token"]).toBe("key-postmark");
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      From: "Acme Billing <billing@acme.test>",
      To: to,
      TextBody: "Your invoice",
      Headers: [
        { Name: "In-Reply-To", Value: "<abc@mail.example.com>" },
        { Name: "References", Value: "<abc@mail.example.com>" },
      ],
    });
    await scriptFake({
      path: "/email",
      status: 422,
      body: { ErrorCode: 300, Message: "Invalid 'To' address" },
    });
    const refused = await email
      .send(config("postmark"), { to: "bad", text: "x", reference: "msg_3" }, net)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendError);
    expect(refused).toMatchObject({ retryable: false, message: "Invalid 'To' address" });
  });
});

describe("inbound MIME", () => {
  it("decodes encoded subjects, multipart bodies and attachments", async () => {
    const raw = [
      "From: =?UTF-8?B?Sm9zw6kgUMOpcmV6?= <Jose@Example.com>",
      "To: support+cv_01ABC@acme.test",
      "Subject: =?UTF-8?B?wr9Ew7NuZGUgZXN0w6EgbWkgcGVkaWRvPw==?=",
      "Message-ID: <m1@example.com>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      'Content-Type: multipart/alternative; boundary="b2"',
      "",
      "--b2",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Hola, adjunto el ticket.",
      "--b2",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>Hola, adjunto el ticket.</p>",
      "--b2--",
      "--b1",
      'Content-Type: application/pdf; name="ticket.pdf"',
      'Content-Disposition: attachment; filename="ticket.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      btoa("%PDF-1.4 fake"),
      "--b1--",
      "",
    ].join("\r\n");
    const parsed = await parseInboundEmail(raw);
    expect(parsed.message).toMatchObject({
      externalId: "m1@example.com",
      from: { id: "jose@example.com", email: "jose@example.com", name: "José Pérez" },
      subject: "¿Dónde está mi pedido?",
      text: "Hola, adjunto el ticket.",
    });
    expect(parsed.recipients).toContain("support+cv_01ABC@acme.test");
    expect(conversationIdFromAddress(parsed.recipients[0] ?? "")).toBe("cv_01ABC");
    expect(parsed.files).toHaveLength(1);
    expect(parsed.files[0]).toMatchObject({ name: "ticket.pdf", contentType: "application/pdf" });
    expect(new TextDecoder().decode(parsed.files[0]?.body)).toBe("%PDF-1.4 fake");
  });
});
