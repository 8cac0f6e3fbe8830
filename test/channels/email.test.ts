import { describe, expect, it } from "vitest";
import { email } from "../../worker/channels/email";
import {
  conversationIdFromAddress,
  htmlToText,
  parseInboundEmail,
  stripQuotedReply,
} from "../../worker/channels/email-inbound";
import {
  type InboundStatus,
  type Outbound,
  SendError,
  type WebhookRequest,
} from "../../worker/channels/types";
import type { ChannelConfigOf } from "../../worker/schemas/channels";
import {
  fakeRequests,
  fakeUrl,
  net,
  rawToDer,
  scriptFake,
  sendgridHeaders,
  sendgridKeys,
  sendgridRawSignature,
  svixHeaders,
  toBase64,
  uniqueDigits,
} from "../channel-helpers";

type Config = ChannelConfigOf<"email">;
type Provider = Config["provider"];

const encoder = new TextEncoder();

const config = (provider: Provider, extra: Partial<Config> = {}): Config => ({
  inbound_address: "support@acme.test",
  provider,
  api_key: `key-${provider}`,
  from_accounts: [{ area: "all", from: "Acme Support <support@acme.test>" }],
  api_base_url: fakeUrl(),
  ...extra,
});

const webhook = (body: string, headers: Record<string, string> = {}): WebhookRequest => ({
  url: "https://conversa.test/webhooks/email-events/ch_1",
  headers: new Headers(headers),
  rawBody: body,
  rawBytes: new Uint8Array(encoder.encode(body)),
  receivedAt: Date.now(),
});

const mime = (...lines: string[]) => lines.join("\r\n");

const sha256Hex = async (text: string) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");

describe("inbound email", () => {
  it("reads a plain-text email: sender, Message-ID, Date, recipients", async () => {
    const raw = mime(
      "Return-Path: <ana@example.com>",
      "Delivered-To: support@acme.test",
      "From: Ana Lima <Ana.Lima@Example.com>",
      "To: Acme Support <support@acme.test>",
      "Cc: billing@acme.test, Team: one@example.com, two@example.com;",
      "Subject: Where is my order?",
      "Date: Tue, 04 Nov 2025 09:15:00 +0100",
      "Message-ID: <CAF=abc123@mail.example.com>",
      "MIME-Version: 1.0",
      'Content-Type: text/plain; charset="UTF-8"',
      "",
      "Hello, I ordered a lamp last week.",
      "Order #1234.",
      "",
    );
    const { message, files, recipients } = await parseInboundEmail(raw);
    expect(message).toEqual({
      type: "message",
      externalId: "CAF=abc123@mail.example.com",
      from: { id: "ana.lima@example.com", email: "ana.lima@example.com", name: "Ana Lima" },
      text: "Hello, I ordered a lamp last week.\nOrder #1234.",
      media: [],
      timestamp: Date.parse("2025-11-04T08:15:00Z"),
      replyTo: [],
      subject: "Where is my order?",
    });
    expect(files).toEqual([]);
    expect(recipients).toEqual([
      "support@acme.test",
      "billing@acme.test",
      "one@example.com",
      "two@example.com",
      "support@acme.test",
    ]);
  });

  it("decodes RFC 2047 subjects and names, and prefers the plain part of multipart/alternative", async () => {
    const raw = mime(
      "From: =?ISO-8859-1?Q?Andr=E9?= Pirard <pirard@example.be>",
      "To: support@acme.test",
      "Subject: =?UTF-8?B?UGVkaWRvIG7CuiA0MiDigJQgwr9kw7NuZGUgZXN0w6E/?=",
      "Message-ID: <alt-1@example.be>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="000000000000alt"',
      "",
      "--000000000000alt",
      'Content-Type: text/plain; charset="UTF-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Gr=C3=BC=C3=9Fe aus Br=C3=BCssel",
      "--000000000000alt",
      'Content-Type: text/html; charset="UTF-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      '<div dir=3D"ltr">HTML version: Gr=C3=BC=C3=9Fe</div>',
      "--000000000000alt--",
      "",
    );
    const { message } = await parseInboundEmail(raw);
    expect(message.subject).toBe("Pedido nº 42 — ¿dónde está?");
    expect(message.from).toEqual({
      id: "pirard@example.be",
      email: "pirard@example.be",
      name: "André Pirard",
    });
    expect(message.text).toBe("Grüße aus Brüssel");
  });

  it("renders an HTML-only email as text", async () => {
    const raw = mime(
      "From: shop@example.com",
      "To: support@acme.test",
      "Subject: html",
      "Message-ID: <html-only@example.com>",
      'Content-Type: text/html; charset="UTF-8"',
      "",
      "<html><head><style>p{color:red}</style></head><body>",
      "<p>Fish &amp; chips &lt;3</p><p>Line&nbsp;two&#33;<br>Line three &#x263A;</p>",
      "</body></html>",
    );
    const { message } = await parseInboundEmail(raw);
    expect(message.text).toBe("Fish & chips <3\nLine two!\nLine three ☺");
    expect(htmlToText("<b>&bogus; &#xZZ;</b>")).toBe("&bogus; &#xZZ;");
  });

  it("keeps attachments as bytes with inline media refs", async () => {
    const raw = mime(
      "From: ana@example.com",
      "To: support@acme.test",
      "Subject: photo of the damage",
      "Message-ID: <att-1@example.com>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="mixed"',
      "",
      "--mixed",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "See attached.",
      "--mixed",
      'Content-Type: image/png; name="damage.png"',
      'Content-Disposition: attachment; filename="damage.png"',
      "Content-Transfer-Encoding: base64",
      "",
      "iVBORw0KGgoAAAANSUhEUg==",
      "--mixed",
      "Content-Type: text/csv",
      "Content-Disposition: attachment",
      "",
      "sku,qty",
      "--mixed--",
      "",
    );
    const { message, files } = await parseInboundEmail(raw);
    expect(message.text).toBe("See attached.");
    expect(message.media).toEqual([
      { ref: "inline:0", contentType: "image/png", name: "damage.png" },
      { ref: "inline:1", contentType: "text/csv", name: undefined },
    ]);
    expect(files.map((f) => [f.name, f.contentType])).toEqual([
      ["damage.png", "image/png"],
      ["attachment", "text/csv"],
    ]);
    expect([...new Uint8Array(files[0]?.body ?? new ArrayBuffer(0))]).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect(new TextDecoder().decode(files[1]?.body).trimEnd()).toBe("sku,qty");
  });

  it("threads a reply: In-Reply-To then References newest first, quoted history trimmed", async () => {
    const raw = mime(
      "From: Ana Lima <ana@example.com>",
      "To: Acme Support <support+cv_01JB2XYZabc@acme.test>",
      "Subject: Re: Where is my order?",
      "Message-ID: <reply-2@mail.example.com>",
      "In-Reply-To: <out-2@acme.test>",
      "References: <first-0@mail.example.com> <out-1@acme.test>",
      " <reply-1@mail.example.com> <out-2@acme.test>",
      "Content-Type: text/plain; charset=UTF-8",
      "",
      "Thanks, that fixed it!",
      "",
      "> not a trailing quote, kept",
      "Ana",
      "",
      "On Tue, Nov 4, 2025 at 9:12 AM Acme Support <support+cv_01JB2XYZabc@acme.test> wrote:",
      "",
      "> Hi Ana, please restart the router.",
      ">",
      "> > Hello, my router is broken.",
      "",
    );
    const { message, recipients } = await parseInboundEmail(raw);
    expect(message.replyTo).toEqual([
      "out-2@acme.test",
      "reply-1@mail.example.com",
      "out-1@acme.test",
      "first-0@mail.example.com",
    ]);
    expect(message.text).toBe("Thanks, that fixed it!\n\n> not a trailing quote, kept\nAna");
    expect(recipients).toEqual(["support+cv_01JB2XYZabc@acme.test"]);
    expect(conversationIdFromAddress(recipients[0] ?? "")).toBe("cv_01JB2XYZabc");
  });

  it("ids an email without Message-ID by the SHA-256 of its raw bytes, also from a stream", async () => {
    const raw = mime(
      "From: nobody@example.com",
      "To: support@acme.test",
      "Subject: no id",
      "Date: not a date",
      "",
      "body",
    );
    const before = Date.now();
    const { message } = await parseInboundEmail(new Response(raw).body as ReadableStream);
    expect(message.externalId).toBe(await sha256Hex(raw));
    expect(message.timestamp).toBeGreaterThanOrEqual(before);
    const again = await parseInboundEmail(await new Response(raw).arrayBuffer());
    expect(again.message.externalId).toBe(message.externalId);
  });
});

describe("quoted history and reply addresses", () => {
  it("cuts at a wrapped attribution, an Original Message marker or a trailing quote", () => {
    expect(
      stripQuotedReply(
        "Yes please.\n\nOn Tue, Nov 4, 2025 at 9:12 AM Acme Support <support@acme.test>\nwrote:\n> old",
      ),
    ).toBe("Yes please.");
    expect(stripQuotedReply("Done.\n-----Original Message-----\nFrom: x")).toBe("Done.");
    expect(stripQuotedReply("Top.\n> a\n>\n> b\n")).toBe("Top.");
    expect(stripQuotedReply("Once upon a time\nOn the hill\nwrote: a poem")).toBe(
      "Once upon a time\nOn the hill\nwrote: a poem",
    );
  });

  it("keeps an all-quoted message whole rather than dropping it", () => {
    expect(stripQuotedReply("> forwarded line\n> another")).toBe("> forwarded line\n> another");
  });

  it("finds the conversation id in a plus address only", () => {
    expect(conversationIdFromAddress("support+cv_01ABCdef@acme.test")).toBe("cv_01ABCdef");
    expect(conversationIdFromAddress("support@acme.test")).toBeNull();
    expect(conversationIdFromAddress("support+sales@acme.test")).toBeNull();
  });
});

describe("Resend events", () => {
  const secret = `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
  const cfg = config("resend", { webhook_secret: secret });
  const event = (type: string, data: Record<string, unknown> = {}) =>
    JSON.stringify({
      type,
      created_at: "2025-11-04T09:00:00.000Z",
      data: {
        created_at: "2025-11-04T08:59:59.000Z",
        email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
        from: "Acme <support@acme.test>",
        to: ["ana@example.com"],
        subject: "Your order",
        ...data,
      },
    });

  it("accepts a Svix signature made with the whsec_ key, among several", async () => {
    const body = event("email.delivered");
    const headers = await svixHeaders(secret, body);
    expect(await email.verify(webhook(body, headers), cfg)).toBe(true);
    const several = {
      ...headers,
      "svix-signature": `v1,${toBase64(new Uint8Array(32))} ${headers["svix-signature"]}`,
    };
    expect(await email.verify(webhook(body, several), cfg)).toBe(true);
  });

  it("rejects a changed body, another key, an old timestamp, missing headers and no secret", async () => {
    const body = event("email.delivered");
    const headers = await svixHeaders(secret, body);
    expect(await email.verify(webhook(`${body} `, headers), cfg)).toBe(false);
    const other = `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
    expect(await email.verify(webhook(body, await svixHeaders(other, body)), cfg)).toBe(false);
    const stale = await svixHeaders(secret, body, Math.floor(Date.now() / 1000) - 6 * 60);
    expect(await email.verify(webhook(body, stale), cfg)).toBe(false);
    const { "svix-id": _id, ...withoutId } = headers;
    expect(await email.verify(webhook(body, withoutId), cfg)).toBe(false);
    expect(
      await email.verify(webhook(body, { ...headers, "svix-signature": "v1,@@not base64@@" }), cfg),
    ).toBe(false);
    expect(await email.verify(webhook(body, headers), config("resend"))).toBe(false);
  });

  it("maps each event type to a status and an event, ignoring unknown ones", () => {
    const at = Date.parse("2025-11-04T09:00:00.000Z");
    const statusOf = (body: string) => email.parse(webhook(body), cfg);
    const id = "4ef9a417-02e9-4d39-ad75-9611e0fcc33c";
    expect(statusOf(event("email.sent"))).toEqual([
      { type: "status", externalId: id, status: "sent", event: "sent", timestamp: at },
    ]);
    expect(statusOf(event("email.delivered"))[0]).toMatchObject({
      status: "delivered",
      event: "delivered",
    });
    expect(statusOf(event("email.delivery_delayed"))[0]).toMatchObject({
      status: "sent",
      event: "deferred",
    });
    expect(statusOf(event("email.opened"))[0]).toMatchObject({ status: "read", event: "opened" });
    expect(
      statusOf(event("email.clicked", { click: { link: "https://acme.test/track" } }))[0],
    ).toMatchObject({ status: "read", event: "clicked" });
    expect(
      statusOf(
        event("email.bounced", {
          bounce: {
            message: "The recipient's email address is on the suppression list",
            subType: "Suppressed",
            type: "Permanent",
          },
        }),
      ),
    ).toEqual([
      {
        type: "status",
        externalId: id,
        status: "failed",
        event: "bounced",
        reason: "The recipient's email address is on the suppression list",
        timestamp: at,
      },
    ]);
    expect(statusOf(event("email.complained"))[0]).toMatchObject({
      status: "delivered",
      event: "spam",
    });
    expect(statusOf(event("email.scheduled"))).toEqual([]);
    expect(() => statusOf('{"type":"email.sent"}')).toThrow();
  });
});

describe("SendGrid events", async () => {
  const { privateKey, publicKey } = await sendgridKeys();
  const cfg = config("sendgrid", { webhook_secret: publicKey });

  const sgEvent = (event: string, extra: Record<string, unknown> = {}) => ({
    email: "ana@example.com",
    timestamp: 1762246800,
    "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
    event,
    sg_event_id: `sg_event_${event}`,
    sg_message_id: "14c5d75ce93abc.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0",
    ...extra,
  });

  it("verifies the ECDSA P-256 signature over timestamp + body", async () => {
    const body = JSON.stringify([sgEvent("delivered")]);
    const headers = await sendgridHeaders(privateKey, body);
    expect(await email.verify(webhook(body, headers), cfg)).toBe(true);
    expect(await email.verify(webhook(body.replace("ana@", "eve@"), headers), cfg)).toBe(false);
    const otherTime = { ...headers, "x-twilio-email-event-webhook-timestamp": "1600000000" };
    expect(await email.verify(webhook(body, otherTime), cfg)).toBe(false);
    const garbage = {
      ...headers,
      "x-twilio-email-event-webhook-signature": toBase64(encoder.encode("nope")),
    };
    expect(await email.verify(webhook(body, garbage), cfg)).toBe(false);
    expect(await email.verify(webhook(body, {}), cfg)).toBe(false);
    expect(
      await email.verify(webhook(body, headers), config("sendgrid", { webhook_secret: "AAAA" })),
    ).toBe(false);
    expect(await email.verify(webhook(body, headers), config("sendgrid"))).toBe(false);
  });

  it("verifies signatures whose r or s is shorter than 32 bytes (DER drops leading zeros)", async () => {
    const body = JSON.stringify([sgEvent("delivered")]);
    const at = Math.floor(Date.now() / 1000);
    // About one signature in 128 has a leading zero byte in r or s.
    for (let tries = 0; tries < 3000; tries++) {
      const raw = await sendgridRawSignature(privateKey, body, at);
      if (raw[0] !== 0 && raw[32] !== 0) continue;
      const headers = {
        "x-twilio-email-event-webhook-signature": toBase64(rawToDer(raw)),
        "x-twilio-email-event-webhook-timestamp": String(at),
      };
      expect(await email.verify(webhook(body, headers), cfg)).toBe(true);
      return;
    }
    throw new Error("no short signature found");
  });

  it("maps the event array by the id before the first dot of sg_message_id", () => {
    const body = JSON.stringify([
      sgEvent("processed"),
      sgEvent("deferred", { response: "400 try again later", attempt: "1" }),
      sgEvent("delivered", { response: "250 OK" }),
      sgEvent("open", { useragent: "Mozilla/5.0", ip: "203.0.113.9" }),
      sgEvent("click", { url: "https://acme.test/orders" }),
      sgEvent("bounce", { reason: "550 5.1.1 The email account does not exist", status: "5.1.1" }),
      sgEvent("dropped", { reason: "Bounced Address" }),
      sgEvent("spamreport"),
      sgEvent("unsubscribe"),
      sgEvent("group_resubscribe", { asm_group_id: 1 }),
    ]);
    const statuses = email.parse(webhook(body), cfg) as InboundStatus[];
    expect(statuses.map((s) => [s.status, s.event, s.reason])).toEqual([
      ["sent", "sent", undefined],
      ["sent", "deferred", undefined],
      ["delivered", "delivered", undefined],
      ["read", "opened", undefined],
      ["read", "clicked", undefined],
      ["failed", "bounced", "550 5.1.1 The email account does not exist"],
      ["failed", "bounced", "Bounced Address"],
      ["delivered", "spam", undefined],
      ["delivered", "unsubscribed", undefined],
    ]);
    expect(new Set(statuses.map((s) => s.externalId))).toEqual(new Set(["14c5d75ce93abc"]));
    expect(statuses[0]?.timestamp).toBe(1762246800000);
  });
});

describe("Postmark events", () => {
  const cfg = config("postmark", { webhook_secret: "pm-hook-secret" });
  const basic = (user: string, password: string) => ({
    authorization: `Basic ${btoa(`${user}:${password}`)}`,
  });
  const messageId = "883953f4-6105-42a2-a16a-77a8eac79483";

  it("authenticates by the Basic password, whatever the user", async () => {
    const body = JSON.stringify({ RecordType: "Delivery", MessageID: messageId });
    expect(await email.verify(webhook(body, basic("postmark", "pm-hook-secret")), cfg)).toBe(true);
    expect(await email.verify(webhook(body, basic("anyone", "pm-hook-secret")), cfg)).toBe(true);
    expect(await email.verify(webhook(body, basic("postmark", "wrong")), cfg)).toBe(false);
    expect(await email.verify(webhook(body, basic("pm-hook-secret", "")), cfg)).toBe(false);
    expect(
      await email.verify(webhook(body, { authorization: `Basic ${btoa("pm-hook-secret")}` }), cfg),
    ).toBe(false);
    expect(await email.verify(webhook(body, { authorization: "Bearer pm-hook-secret" }), cfg)).toBe(
      false,
    );
    expect(await email.verify(webhook(body, { authorization: "Basic %%%" }), cfg)).toBe(false);
    expect(await email.verify(webhook(body), cfg)).toBe(false);
    expect(
      await email.verify(webhook(body, basic("postmark", "pm-hook-secret")), config("postmark")),
    ).toBe(false);
  });

  it("maps RecordType with the time the record carries", () => {
    const parse = (record: Record<string, unknown>) =>
      email.parse(
        webhook(
          JSON.stringify({
            MessageStream: "outbound",
            MessageID: messageId,
            Recipient: "ana@example.com",
            ...record,
          }),
        ),
        cfg,
      );
    expect(
      parse({
        RecordType: "Delivery",
        DeliveredAt: "2025-11-04T16:33:54.9070259Z",
        Details: "Test delivery webhook details",
      }),
    ).toEqual([
      {
        type: "status",
        externalId: messageId,
        status: "delivered",
        event: "delivered",
        timestamp: Date.parse("2025-11-04T16:33:54.907Z"),
      },
    ]);
    expect(
      parse({
        RecordType: "Bounce",
        Type: "HardBounce",
        TypeCode: 1,
        Description:
          "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        BouncedAt: "2025-11-04T16:40:00Z",
      }),
    ).toEqual([
      {
        type: "status",
        externalId: messageId,
        status: "failed",
        event: "bounced",
        reason:
          "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        timestamp: Date.parse("2025-11-04T16:40:00Z"),
      },
    ]);
    expect(
      parse({
        RecordType: "SpamComplaint",
        Type: "SpamComplaint",
        TypeCode: 512,
        Description: "The subscriber explicitly marked this message as spam.",
        BouncedAt: "2025-11-04T17:00:00Z",
      })[0],
    ).toMatchObject({ status: "delivered", event: "spam" });
    expect(
      parse({ RecordType: "Open", FirstOpen: true, ReceivedAt: "2025-11-04T17:05:00Z" })[0],
    ).toMatchObject({
      status: "read",
      event: "opened",
      timestamp: Date.parse("2025-11-04T17:05:00Z"),
    });
    expect(
      parse({
        RecordType: "Click",
        OriginalLink: "https://acme.test",
        ReceivedAt: "2025-11-04T17:06:00Z",
      })[0],
    ).toMatchObject({ status: "read", event: "clicked" });
    expect(parse({ RecordType: "SubscriptionChange", SuppressSending: true })).toEqual([]);
  });
});

const outbound = (to: string, extra: Partial<Outbound> = {}): Outbound => ({
  to,
  text: "Your lamp ships today.",
  subject: "Re: Where is my order?",
  from: "Acme Support <support@acme.test>",
  reference: `msg_${uniqueDigits(8)}`,
  ...extra,
});

const sentTo = async (path: string, to: string) =>
  (await fakeRequests(path)).filter((r) => r.body.includes(to));

/** A base URL only this call uses, so a scripted answer cannot be taken by a parallel test. */
const privateBase = () => `${fakeUrl()}/only-${uniqueDigits(10)}`;

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the send to fail");
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(SendError);
      return error as SendError;
    },
  );

describe("sending", () => {
  it("Resend: Bearer key, from/to/subject/text, threading headers, id from the answer", async () => {
    const to = `rs-${uniqueDigits(8)}@example.com`;
    const { externalId } = await email.send(
      config("resend"),
      outbound(to, { inReplyTo: "CAF=abc123@mail.example.com" }),
      net,
    );
    const [sent] = await sentTo("/emails", to);
    expect(sent?.method).toBe("POST");
    expect(sent?.headers.authorization).toBe("Bearer key-resend");
    expect(sent?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({
      from: "Acme Support <support@acme.test>",
      to: [to],
      subject: "Re: Where is my order?",
      text: "Your lamp ships today.",
      headers: {
        "In-Reply-To": "<CAF=abc123@mail.example.com>",
        References: "<CAF=abc123@mail.example.com>",
      },
    });
    expect(sent?.response.body).toEqual({ id: externalId });
  });

  it("Resend: no threading headers for a new thread; the first sender account and a subject by default", async () => {
    const to = `rs-${uniqueDigits(8)}@example.com`;
    await email.send(
      config("resend", {
        from_accounts: [{ area: "customers", from: "Acme Sales <sales@acme.test>" }],
      }),
      outbound(to, { from: undefined, subject: undefined }),
      net,
    );
    const [sent] = await sentTo("/emails", to);
    const body = JSON.parse(sent?.body ?? "{}");
    expect(body.headers).toBeUndefined();
    expect(body.from).toBe("Acme Sales <sales@acme.test>");
    expect(body.subject).toBe("Re: your conversation");
  });

  it("Postmark: server token, PascalCase body with Headers and the outbound stream", async () => {
    const to = `pm-${uniqueDigits(8)}@example.com`;
    const { externalId } = await email.send(
      config("postmark"),
      outbound(to, { inReplyTo: "reply-2@mail.example.com" }),
      net,
    );
    const [sent] = await sentTo("/email", to);
    expect(sent?.path).toBe("/email");
    expect(sent?.headers["x-postmark-server-token"]).toBe("key-postmark");
    expect(sent?.headers.authorization).toBeUndefined();
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({
      From: "Acme Support <support@acme.test>",
      To: to,
      Subject: "Re: Where is my order?",
      TextBody: "Your lamp ships today.",
      Headers: [
        { Name: "In-Reply-To", Value: "<reply-2@mail.example.com>" },
        { Name: "References", Value: "<reply-2@mail.example.com>" },
      ],
      MessageStream: "outbound",
    });
    expect(sent?.response.body).toMatchObject({ MessageID: externalId, ErrorCode: 0 });
  });

  it("Postmark: a non-zero ErrorCode in a 200 answer is a permanent error", async () => {
    const base = privateBase();
    await scriptFake({
      path: `${new URL(base).pathname}/email`,
      status: 200,
      body: {
        ErrorCode: 406,
        Message: "You tried to send to recipient(s) that have been marked as inactive.",
      },
    });
    const error = await failure(
      email.send(config("postmark", { api_base_url: base }), outbound("inactive@example.com"), net),
    );
    expect(error).toMatchObject({
      retryable: false,
      code: "postmark_406",
      message: "You tried to send to recipient(s) that have been marked as inactive.",
    });
  });

  it("SendGrid: Bearer key, personalizations and split from, id from X-Message-Id", async () => {
    const to = `sg-${uniqueDigits(8)}@example.com`;
    const { externalId } = await email.send(
      config("sendgrid"),
      outbound(to, { from: '"Acme, Support" <support@acme.test>', inReplyTo: "a@b.example" }),
      net,
    );
    const [sent] = await sentTo("/v3/mail/send", to);
    expect(sent?.headers.authorization).toBe("Bearer key-sendgrid");
    expect(JSON.parse(sent?.body ?? "{}")).toEqual({
      personalizations: [{ to: [{ email: to }] }],
      from: { email: "support@acme.test", name: "Acme, Support" },
      subject: "Re: Where is my order?",
      content: [{ type: "text/plain", value: "Your lamp ships today." }],
      headers: { "In-Reply-To": "<a@b.example>", References: "<a@b.example>" },
    });
    expect(externalId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("SendGrid: a 202 without X-Message-Id is not retried (it was accepted)", async () => {
    const base = privateBase();
    await scriptFake({ path: `${new URL(base).pathname}/v3/mail/send`, status: 202, body: "" });
    const error = await failure(
      email.send(config("sendgrid", { api_base_url: base }), outbound("x@example.com"), net),
    );
    expect(error).toMatchObject({ retryable: false, code: "bad_answer" });
  });

  it.each([
    [
      "resend",
      "/emails",
      { statusCode: 429, message: "Too many requests", name: "rate_limit_exceeded" },
      "Too many requests",
    ],
    [
      "postmark",
      "/email",
      { ErrorCode: 429, Message: "Rate limit exceeded" },
      "Rate limit exceeded",
    ],
    [
      "sendgrid",
      "/v3/mail/send",
      { errors: [{ field: null, message: "too many requests" }] },
      "too many requests",
    ],
  ] as const)("%s: 429 is retryable after Retry-After", async (provider, path, body, message) => {
    const base = privateBase();
    await scriptFake({
      path: `${new URL(base).pathname}${path}`,
      status: 429,
      body,
      headers: { "retry-after": "17" },
    });
    const error = await failure(
      email.send(config(provider, { api_base_url: base }), outbound("busy@example.com"), net),
    );
    expect(error).toMatchObject({
      retryable: true,
      retryAfterSeconds: 17,
      code: `${provider}_429`,
      message,
    });
  });

  it.each([
    [
      "resend",
      "/emails",
      { statusCode: 422, message: "Invalid `to` field.", name: "validation_error" },
      "Invalid `to` field.",
    ],
    [
      "postmark",
      "/email",
      { ErrorCode: 300, Message: "Invalid 'To' address: 'bad'." },
      "Invalid 'To' address: 'bad'.",
    ],
    [
      "sendgrid",
      "/v3/mail/send",
      {
        errors: [
          { field: "from", message: "The from address does not match a verified Sender Identity." },
        ],
      },
      "The from address does not match a verified Sender Identity.",
    ],
  ] as const)(
    "%s: 422 is permanent with the provider's message",
    async (provider, path, body, message) => {
      const base = privateBase();
      await scriptFake({ path: `${new URL(base).pathname}${path}`, status: 422, body });
      const error = await failure(
        email.send(config(provider, { api_base_url: base }), outbound("bad"), net),
      );
      expect(error).toMatchObject({ retryable: false, code: `${provider}_422`, message });
      expect(error.retryAfterSeconds).toBeUndefined();
    },
  );

  it("a 5xx without a body and a network failure are retryable", async () => {
    const base = privateBase();
    await scriptFake({ path: `${new URL(base).pathname}/emails`, status: 503, body: null });
    const down = await failure(
      email.send(config("resend", { api_base_url: base }), outbound("x@example.com"), net),
    );
    expect(down).toMatchObject({ retryable: true, message: "HTTP 503" });
    const unreachable = await failure(
      email.send(
        config("resend", { api_base_url: `${fakeUrl()}/unreachable` }),
        outbound("x@example.com"),
        net,
      ),
    );
    expect(unreachable).toMatchObject({ retryable: true, code: "network" });
  });
});
