import { describe, expect, it } from "vitest";
import { custom } from "../../worker/channels/custom";
import { SendError, type WebhookRequest } from "../../worker/channels/types";
import type { ChannelConfigOf } from "../../worker/schemas/channels";
import {
  fakeRequests,
  fakeUrl,
  hmacHex,
  metaJson,
  net,
  scriptFake,
  uniqueDigits,
} from "../channel-helpers";

const SECRET = "custom-inbound-secret-ß";

/** A config with an outbound path of its own, so this test's requests are told apart on the fake. */
function newConfig(outboundUrl?: string): ChannelConfigOf<"custom"> {
  return {
    inbound_secret: SECRET,
    outbound_url: outboundUrl ?? `${fakeUrl()}/custom/${uniqueDigits(16)}`,
  };
}

function webhook(body: string, signature?: string): WebhookRequest {
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== undefined) headers.set("X-Conversa-Signature", signature);
  return {
    url: "https://conversa.test/webhooks/custom/ch_1",
    headers,
    rawBody: body,
    rawBytes: new Uint8Array(new TextEncoder().encode(body)),
    receivedAt: Date.now(),
  };
}

const signedWebhook = async (body: string, secret = SECRET) =>
  webhook(body, `sha256=${await hmacHex(secret, body)}`);

const parse = (payload: unknown) => custom.parse(webhook(JSON.stringify(payload)), newConfig());

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

const messageEvent = {
  type: "message",
  message: { id: "line-msg-1", text: "こんにちは, Grüße 👋", timestamp: 1749416383000 },
  contact: {
    id: "U4af4980629",
    name: "Zoë Müller",
    phone: "+4915112345678",
    email: "zoe@example.test",
  },
};

describe("custom verify", () => {
  it("accepts the HMAC-SHA256 of the raw body, UTF-8 or \\u-escaped", async () => {
    const utf8 = JSON.stringify(messageEvent);
    expect(await custom.verify(await signedWebhook(utf8), newConfig())).toBe(true);
    const escaped = metaJson(messageEvent);
    expect(escaped).not.toBe(utf8);
    expect(await custom.verify(await signedWebhook(escaped), newConfig())).toBe(true);
    const upperHex = webhook(utf8, `sha256=${(await hmacHex(SECRET, utf8)).toUpperCase()}`);
    expect(await custom.verify(upperHex, newConfig())).toBe(true);
  });

  it("checks the bytes as received, not a re-encoding of the text", async () => {
    const body = JSON.stringify(messageEvent);
    const signature = `sha256=${await hmacHex(SECRET, body)}`;
    // the same text with its bytes changed: NFD "ü" instead of NFC
    const request = {
      ...webhook(body, signature),
      rawBytes: new Uint8Array(new TextEncoder().encode(body.normalize("NFD"))),
    };
    expect(await custom.verify(request, newConfig())).toBe(false);
  });

  it("rejects a wrong secret, a changed body, another scheme and a missing signature", async () => {
    const body = JSON.stringify(messageEvent);
    const hex = await hmacHex(SECRET, body);
    const rejected = [
      await signedWebhook(body, "another-secret"),
      webhook(body.replace("Grüße", "Grüsse"), `sha256=${hex}`),
      webhook(body, hex),
      webhook(body, `sha1=${hex}`),
      webhook(body, `sha256=${hex.slice(0, 63)}`),
      webhook(body, `sha256=${hex}0`),
      webhook(body, ""),
      webhook(body),
    ];
    for (const request of rejected)
      expect(
        await custom.verify(request, newConfig()),
        request.headers.get("x-conversa-signature") ?? "none",
      ).toBe(false);
  });
});

describe("custom parse", () => {
  it("reads a message with its contact, ignoring unknown fields", () => {
    const events = parse({ ...messageEvent, platform: "line", extra: { nested: true } });
    expect(events).toEqual([
      {
        type: "message",
        externalId: "line-msg-1",
        from: {
          id: "U4af4980629",
          name: "Zoë Müller",
          phone: "+4915112345678",
          email: "zoe@example.test",
        },
        text: "こんにちは, Grüße 👋",
        media: [],
        timestamp: 1749416383000,
      },
    ]);
  });

  it("reads media and an ISO timestamp", () => {
    const [event] = parse({
      type: "message",
      message: {
        id: "m-2",
        timestamp: "2025-06-08T20:59:43+02:00",
        media: [
          { url: "https://files.example.test/a.jpg", content_type: "image/jpeg", name: "Foto.jpg" },
          { url: "https://files.example.test/b.pdf" },
        ],
      },
      contact: { id: "c-1" },
    });
    expect(event).toEqual({
      type: "message",
      externalId: "m-2",
      from: { id: "c-1" },
      text: null,
      media: [
        { ref: "https://files.example.test/a.jpg", contentType: "image/jpeg", name: "Foto.jpg" },
        { ref: "https://files.example.test/b.pdf", contentType: undefined, name: undefined },
      ],
      timestamp: Date.parse("2025-06-08T18:59:43Z"),
    });
  });

  it("reads delivery statuses", () => {
    expect(
      parse({
        type: "status",
        status: {
          message_id: "ext-9",
          status: "failed",
          reason: "user blocked",
          timestamp: 1749416400000,
        },
      }),
    ).toEqual([
      {
        type: "status",
        externalId: "ext-9",
        status: "failed",
        reason: "user blocked",
        timestamp: 1749416400000,
      },
    ]);
  });

  it("reads several events in one body, in order", () => {
    const events = parse({
      events: [
        messageEvent,
        { type: "status", status: { message_id: "ext-1", status: "delivered" } },
        { type: "status", status: { message_id: "ext-1", status: "read" } },
      ],
    });
    expect(events.map((e) => [e.type, "externalId" in e ? e.externalId : null])).toEqual([
      ["message", "line-msg-1"],
      ["status", "ext-1"],
      ["status", "ext-1"],
    ]);
    expect(events[2]).toMatchObject({ status: "read", timestamp: expect.any(Number) });
  });

  it("throws on a body of the wrong shape", () => {
    const bad: unknown[] = [
      {},
      { type: "message", message: { id: "m" } },
      { type: "message", message: { text: "no id" }, contact: { id: "c" } },
      { type: "status", status: { message_id: "m", status: "opened" } },
      { type: "reaction", emoji: "👍" },
      { events: [] },
      { events: [{ type: "status", status: { status: "sent" } }] },
      {
        ...messageEvent,
        message: { ...messageEvent.message, media: [{ url: "file:///etc/passwd" }] },
      },
      { ...messageEvent, message: { ...messageEvent.message, timestamp: "yesterday" } },
    ];
    for (const payload of bad) expect(() => parse(payload), JSON.stringify(payload)).toThrow();
    expect(() => custom.parse(webhook("{not json"), newConfig())).toThrow();
  });
});

describe("custom send", () => {
  const outbound = {
    to: "U4af4980629",
    text: "Danke, Zoë! 🙏",
    reference: "msg_01JD0000000000000000000001",
  };

  it("posts the message as signed JSON and returns the platform's id", async () => {
    const config = newConfig();
    const result = await custom.send(config, outbound, net);
    const path = new URL(config.outbound_url).pathname;
    const [request, ...more] = await fakeRequests(path);
    expect(more).toEqual([]);
    expect(request?.method).toBe("POST");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      type: "message",
      message: { id: outbound.reference, text: outbound.text },
      to: outbound.to,
    });
    expect(request?.headers["x-conversa-signature"]).toBe(
      `sha256=${await hmacHex(SECRET, request?.body ?? "")}`,
    );
    // the receiving side can check it with the same scheme
    const echoed = webhook(request?.body ?? "", request?.headers["x-conversa-signature"]);
    expect(await custom.verify(echoed, config)).toBe(true);
    expect(result.externalId).toMatch(/^ext_[0-9a-f-]{36}$/);
  });

  it("falls back to our reference when the platform returns no id", async () => {
    const config = newConfig();
    await scriptFake({
      path: new URL(config.outbound_url).pathname,
      status: 202,
      body: { ok: true },
    });
    expect(await custom.send(config, outbound, net)).toEqual({ externalId: outbound.reference });
  });

  it("retries on 503, 429 and 408, after Retry-After when given", async () => {
    const config = newConfig();
    const path = new URL(config.outbound_url).pathname;
    await scriptFake({
      path,
      status: 503,
      body: { error: "maintenance" },
      headers: { "retry-after": "7" },
    });
    const unavailable = await sendError(custom.send(config, outbound, net));
    expect(unavailable).toMatchObject({ retryable: true, code: "http_503", retryAfterSeconds: 7 });
    for (const status of [429, 408]) {
      await scriptFake({ path, status, body: {} });
      const error = await sendError(custom.send(config, outbound, net));
      expect(error, String(status)).toMatchObject({
        retryable: true,
        retryAfterSeconds: undefined,
      });
    }
  });

  it("gives up on other client errors", async () => {
    const config = newConfig();
    const path = new URL(config.outbound_url).pathname;
    for (const status of [400, 401, 404, 422]) {
      await scriptFake({ path, status, body: { error: "rejected" } });
      const error = await sendError(custom.send(config, outbound, net));
      expect(error, String(status)).toMatchObject({ retryable: false, code: `http_${status}` });
    }
  });

  it("retries when the platform cannot be reached", async () => {
    const error = await sendError(
      custom.send(newConfig(`${fakeUrl()}/unreachable/custom/x`), outbound, net),
    );
    expect(error).toMatchObject({ retryable: true, code: "network" });
  });
});
