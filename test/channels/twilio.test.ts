import { describe, expect, it } from "vitest";
import { consentKeyword, isStatusCallback, twilioSms } from "../../worker/channels/twilio";
import { twilioSignature } from "../../worker/channels/twilio-signature";
import { SendError, type WebhookRequest } from "../../worker/channels/types";
import type { ChannelConfigOf } from "../../worker/schemas/channels";
import { fakeRequests, fakeUrl, net, scriptFake, uniqueDigits } from "../channel-helpers";

const AUTH_TOKEN = "twilio-auth-token-0123456789abcdef";
const WEBHOOK_URL = "https://conversa.test/webhooks/twilio/ch_01JD0000000000000000000000";
const STATUS_URL = `${WEBHOOK_URL}/status`;

/** A config with an Account SID of its own, so this test's requests are told apart on the fake. */
function newConfig(from = "+15005550006", apiBaseUrl = fakeUrl()): ChannelConfigOf<"twilio_sms"> {
  return {
    account_sid: `AC${uniqueDigits(32)}`,
    auth_token: AUTH_TOKEN,
    from,
    api_base_url: apiBaseUrl,
  };
}

/** Twilio's scheme as documented, computed independently of the adapter (single-valued params). */
async function expectedSignature(token: string, url: string, params: Record<string, string>) {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(token),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data)));
  return btoa(String.fromCharCode(...mac));
}

function webhook(url: string, params: Record<string, string>, signature?: string): WebhookRequest {
  const body = new URLSearchParams(params).toString();
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
  if (signature !== undefined) headers.set("X-Twilio-Signature", signature);
  return {
    url,
    headers,
    rawBody: body,
    rawBytes: new Uint8Array(new TextEncoder().encode(body)),
    receivedAt: Date.now(),
  };
}

const describeRequest = (r: WebhookRequest) =>
  `${r.url} ${r.rawBody} ${r.headers.get("x-twilio-signature")}`;

const signedWebhook = async (url: string, params: Record<string, string>) =>
  webhook(url, params, await expectedSignature(AUTH_TOKEN, url, params));

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

/** An inbound SMS as Twilio posts it, all fields included. */
function inboundSms(fields: Record<string, string>) {
  const sid = `SM${uniqueDigits(32)}`;
  return {
    ToCountry: "US",
    ToState: "CA",
    SmsMessageSid: sid,
    NumMedia: "0",
    ToCity: "",
    FromZip: "94107",
    SmsSid: sid,
    FromState: "CA",
    SmsStatus: "received",
    FromCity: "SAN FRANCISCO",
    Body: "",
    FromCountry: "US",
    To: "+15005550006",
    ToZip: "",
    NumSegments: "1",
    MessageSid: sid,
    AccountSid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    From: "+14155552671",
    ApiVersion: "2010-04-01",
    ...fields,
  };
}

function statusCallback(status: string, fields: Record<string, string> = {}) {
  return {
    SmsSid: "SM0123456789abcdef0123456789abcdef",
    SmsStatus: status,
    MessageStatus: status,
    To: "+14155552671",
    MessageSid: "SM0123456789abcdef0123456789abcdef",
    AccountSid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    From: "+15005550006",
    ApiVersion: "2010-04-01",
    ...fields,
  };
}

const parse = (params: Record<string, string>) =>
  twilioSms.parse(webhook(WEBHOOK_URL, params), newConfig());

describe("twilio signature", () => {
  // The vector from Twilio's documentation (CHANNELS.md)
  const vector = {
    token: "12345",
    url: "https://mycompany.com/myapp.php?foo=1&bar=2",
    params: {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675310",
      Digits: "1234",
      From: "+14158675310",
      To: "+18005551212",
    },
    signature: "GvWf1cFY/Q7PnoempGyD5oXAezc=",
  };
  const vectorConfig = () => ({ ...newConfig(), auth_token: vector.token });

  it("computes Twilio's documented check vector", async () => {
    expect(
      await twilioSignature(vector.token, vector.url, new URLSearchParams(vector.params)),
    ).toBe(vector.signature);
  });

  it("accepts the documented request, also when the URL names the default port", async () => {
    const request = webhook(vector.url, vector.params, vector.signature);
    expect(await twilioSms.verify(request, vectorConfig())).toBe(true);
    const withPort = webhook(
      "https://mycompany.com:443/myapp.php?foo=1&bar=2",
      vector.params,
      vector.signature,
    );
    expect(await twilioSms.verify(withPort, vectorConfig())).toBe(true);
  });

  it("rejects a changed param, URL, query, port, token or signature, and a missing one", async () => {
    const rejected = [
      webhook(vector.url, { ...vector.params, Digits: "1235" }, vector.signature),
      webhook(vector.url, { ...vector.params, Extra: "" }, vector.signature),
      webhook("https://mycompany.com/myapp.php?foo=1&bar=3", vector.params, vector.signature),
      webhook("https://mycompany.com/myapp.php", vector.params, vector.signature),
      webhook("https://mycompany.com:8443/myapp.php?foo=1&bar=2", vector.params, vector.signature),
      webhook("http://mycompany.com/myapp.php?foo=1&bar=2", vector.params, vector.signature),
      webhook(vector.url, vector.params, "GvWf1cFY/Q7PnoempGyD5oXAeZc="),
      // the same bytes, spelled with the last character's unused bits set
      webhook(vector.url, vector.params, "GvWf1cFY/Q7PnoempGyD5oXAezd="),
      webhook(vector.url, vector.params, "GvWf1cFY_Q7PnoempGyD5oXAezc="),
      webhook(vector.url, vector.params, ""),
      webhook(vector.url, vector.params),
    ];
    for (const request of rejected)
      expect(await twilioSms.verify(request, vectorConfig()), describeRequest(request)).toBe(false);
    const wrongToken = webhook(vector.url, vector.params, vector.signature);
    expect(await twilioSms.verify(wrongToken, { ...newConfig(), auth_token: "54321" })).toBe(false);
  });

  it("verifies a real inbound SMS with non-ASCII text and media, signed over the decoded params", async () => {
    const params = inboundSms({
      Body: "Grüße aus Köln 👋 & «привет» + 100% = ok",
      NumMedia: "1",
      MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
      MediaContentType0: "image/jpeg",
    });
    const request = await signedWebhook(WEBHOOK_URL, params);
    // the body is form-encoded; the signature covers the decoded values
    expect(request.rawBody).toContain("Gr%C3%BC%C3%9Fe");
    expect(await twilioSms.verify(request, newConfig())).toBe(true);
    const tampered = webhook(
      WEBHOOK_URL,
      { ...params, Body: "Grüße aus Koln 👋 & «привет» + 100% = ok" },
      request.headers.get("x-twilio-signature") ?? "",
    );
    expect(await twilioSms.verify(tampered, newConfig())).toBe(false);
  });

  it("verifies a status callback posted to the status URL", async () => {
    const request = await signedWebhook(STATUS_URL, statusCallback("delivered"));
    expect(await twilioSms.verify(request, newConfig())).toBe(true);
    const elsewhere = webhook(
      WEBHOOK_URL,
      statusCallback("delivered"),
      request.headers.get("x-twilio-signature") ?? "",
    );
    expect(await twilioSms.verify(elsewhere, newConfig())).toBe(false);
  });
});

describe("twilio parse", () => {
  it("reads an SMS without media, with non-ASCII text", () => {
    const params = inboundSms({ Body: "Hallo, ich heiße Zoë 👋" });
    expect(parse(params)).toEqual([
      {
        type: "message",
        externalId: params.MessageSid,
        from: { id: "+14155552671", phone: "+14155552671" },
        text: "Hallo, ich heiße Zoë 👋",
        media: [],
        timestamp: expect.any(Number),
      },
    ]);
  });

  it("reads an MMS with several media and no text", () => {
    const base = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM2/Media";
    const params = inboundSms({
      NumMedia: "2",
      MediaUrl0: `${base}/ME0`,
      MediaContentType0: "image/jpeg",
      MediaUrl1: `${base}/ME1`,
      MediaContentType1: "video/mp4",
    });
    const [event] = parse(params);
    expect(event).toMatchObject({
      type: "message",
      externalId: params.MessageSid,
      text: null,
      media: [
        { ref: `${base}/ME0`, contentType: "image/jpeg" },
        { ref: `${base}/ME1`, contentType: "video/mp4" },
      ],
    });
  });

  it("tells status callbacks from inbound messages", () => {
    expect(isStatusCallback(new URLSearchParams(statusCallback("sent")))).toBe(true);
    expect(isStatusCallback(new URLSearchParams(inboundSms({ Body: "hi" })))).toBe(false);
    expect(
      isStatusCallback(new URLSearchParams(inboundSms({ Body: "hi", MessageStatus: "received" }))),
    ).toBe(false);
  });

  it("maps Twilio's message states onto delivery states", () => {
    const expected = {
      accepted: "queued",
      queued: "queued",
      sending: "queued",
      sent: "sent",
      delivered: "delivered",
      read: "read",
      undelivered: "failed",
      failed: "failed",
    };
    for (const [twilioStatus, status] of Object.entries(expected)) {
      expect(parse(statusCallback(twilioStatus)), twilioStatus).toEqual([
        {
          type: "status",
          externalId: "SM0123456789abcdef0123456789abcdef",
          status,
          reason: undefined,
          timestamp: expect.any(Number),
        },
      ]);
    }
  });

  it("gives the error code as the reason of a failed delivery", () => {
    const [undelivered] = parse(statusCallback("undelivered", { ErrorCode: "30007" }));
    expect(undelivered).toMatchObject({ status: "failed", reason: "30007" });
    const [failed] = parse(statusCallback("failed", { ErrorCode: "30003" }));
    expect(failed).toMatchObject({ status: "failed", reason: "30003" });
  });

  it("ignores states that are not delivery states, and throws on a malformed form", () => {
    expect(parse(statusCallback("scheduled"))).toEqual([]);
    const { From: _from, ...withoutFrom } = inboundSms({ Body: "hi" });
    expect(() => parse(withoutFrom)).toThrow(/From/);
    const { MessageSid: _sid, ...withoutSid } = statusCallback("sent");
    expect(() => parse(withoutSid)).toThrow(/MessageSid/);
  });
});

describe("twilio consent keywords", () => {
  it("recognises Twilio's keywords as the whole message, in any case", () => {
    const cases: Record<string, "stop" | "start" | "help"> = {
      STOP: "stop",
      stop: "stop",
      "  Stop \n": "stop",
      STOPALL: "stop",
      unsubscribe: "stop",
      CANCEL: "stop",
      End: "stop",
      quit: "stop",
      OPTOUT: "stop",
      revoke: "stop",
      START: "start",
      yes: "start",
      Unstop: "start",
      optin: "start",
      HELP: "help",
      info: "help",
    };
    for (const [text, keyword] of Object.entries(cases))
      expect(consentKeyword(text), text).toBe(keyword);
  });

  it("ignores keywords inside longer messages", () => {
    for (const text of ["please stop", "STOP IT", "stop stop", "yes please", "helpme", "", "st op"])
      expect(consentKeyword(text), text).toBeNull();
  });
});

describe("twilio send", () => {
  const messagesPath = (config: ChannelConfigOf<"twilio_sms">) =>
    `/2010-04-01/Accounts/${config.account_sid}/Messages.json`;

  it("posts the form with Basic auth and returns the message sid", async () => {
    const config = newConfig();
    const result = await twilioSms.send(
      config,
      {
        to: "+14155552671",
        text: "Ihre Bestellung #1234 ist da 📦",
        statusCallbackUrl: STATUS_URL,
        reference: "msg_1",
      },
      net,
    );
    expect(result.externalId).toMatch(/^SM[0-9a-f]{32}$/);
    const [request, ...more] = await fakeRequests(messagesPath(config));
    expect(more).toEqual([]);
    expect(request?.method).toBe("POST");
    expect(request?.headers.authorization).toBe(
      `Basic ${btoa(`${config.account_sid}:${AUTH_TOKEN}`)}`,
    );
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      To: "+14155552671",
      From: "+15005550006",
      Body: "Ihre Bestellung #1234 ist da 📦",
      StatusCallback: STATUS_URL,
    });
  });

  it("sends through a messaging service when `from` is an MG sid", async () => {
    const config = newConfig("MG0123456789abcdef0123456789abcdef");
    await twilioSms.send(config, { to: "+14155552671", text: "hi", reference: "msg_2" }, net);
    const [request] = await fakeRequests(messagesPath(config));
    const form = new URLSearchParams(request?.body);
    expect(form.get("MessagingServiceSid")).toBe("MG0123456789abcdef0123456789abcdef");
    expect(form.has("From")).toBe(false);
    expect(form.has("StatusCallback")).toBe(false);
  });

  it("returns the sid Twilio answers with", async () => {
    const config = newConfig();
    await scriptFake({
      path: messagesPath(config),
      status: 201,
      body: { sid: "SMfeedfacefeedfacefeedfacefeedface", status: "queued" },
    });
    const result = await twilioSms.send(config, { to: "+1", text: "x", reference: "m" }, net);
    expect(result).toEqual({ externalId: "SMfeedfacefeedfacefeedfacefeedface" });
  });

  it("gives up on an unsubscribed recipient (21610) or an invalid number (21211)", async () => {
    const config = newConfig();
    await scriptFake({
      path: messagesPath(config),
      status: 400,
      body: {
        code: 21610,
        message: "Attempt to send to unsubscribed recipient",
        more_info: "https://www.twilio.com/docs/errors/21610",
        status: 400,
      },
    });
    const unsubscribed = await sendError(
      twilioSms.send(config, { to: "+14155552671", text: "x", reference: "m" }, net),
    );
    expect(unsubscribed).toMatchObject({
      retryable: false,
      code: "twilio_21610",
      message: "Attempt to send to unsubscribed recipient",
    });
    await scriptFake({
      path: messagesPath(config),
      status: 400,
      body: {
        code: 21211,
        message: "The 'To' number +1555 is not a valid phone number.",
        status: 400,
      },
    });
    const invalid = await sendError(
      twilioSms.send(config, { to: "+1555", text: "x", reference: "m" }, net),
    );
    expect(invalid).toMatchObject({ retryable: false, code: "twilio_21211" });
  });

  it("retries on server errors, throttling and network failures", async () => {
    const config = newConfig();
    await scriptFake({
      path: messagesPath(config),
      status: 500,
      body: { code: 20500, message: "Internal Server Error", status: 500 },
    });
    const serverError = await sendError(
      twilioSms.send(config, { to: "+1", text: "x", reference: "m" }, net),
    );
    expect(serverError).toMatchObject({ retryable: true, code: "twilio_20500" });

    await scriptFake({
      path: messagesPath(config),
      status: 429,
      body: { code: 20429, message: "Too Many Requests", status: 429 },
      headers: { "retry-after": "3" },
    });
    const throttled = await sendError(
      twilioSms.send(config, { to: "+1", text: "x", reference: "m" }, net),
    );
    expect(throttled).toMatchObject({
      retryable: true,
      code: "twilio_20429",
      retryAfterSeconds: 3,
    });

    const unreachable = newConfig("+15005550006", `${fakeUrl()}/unreachable`);
    const network = await sendError(
      twilioSms.send(unreachable, { to: "+1", text: "x", reference: "m" }, net),
    );
    expect(network).toMatchObject({ retryable: true, code: "network" });
  });
});

describe("twilio fetchMedia", () => {
  it("downloads media from the configured API host with Basic auth", async () => {
    const config = newConfig();
    const mediaSid = `ME${uniqueDigits(32)}`;
    const ref = `${fakeUrl()}/2010-04-01/Accounts/${config.account_sid}/Messages/MM1/Media/${mediaSid}`;
    const response = await twilioSms.fetchMedia?.(config, { ref }, net);
    expect(await response?.text()).toBe(`fake twilio media ${mediaSid}`);
    const [request] = await fakeRequests(`/Media/${mediaSid}`);
    expect(request?.headers.authorization).toBe(
      `Basic ${btoa(`${config.account_sid}:${AUTH_TOKEN}`)}`,
    );
  });

  it("refuses media URLs on any other host", async () => {
    const config = newConfig();
    for (const ref of [
      "https://evil.test/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
      `${fakeUrl()}.evil.test/media/x`,
    ])
      await expect(twilioSms.fetchMedia?.(config, { ref }, net)).rejects.toThrow(/not on/);
  });
});
