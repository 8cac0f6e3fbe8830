import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { twilioSignature, verifyTwilioSignature } from "../../worker/channels/twilio-signature";

// Our WebCrypto implementation against Twilio's official library, which runs only in Node.

const TOKEN = "0123456789abcdef0123456789abcdef";

type Case = { name: string; url: string; params: Record<string, string> };

const CASES: Case[] = [
  {
    name: "Twilio's documented vector",
    url: "https://mycompany.com/myapp.php?foo=1&bar=2",
    params: {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675310",
      Digits: "1234",
      From: "+14158675310",
      To: "+18005551212",
    },
  },
  {
    name: "an inbound SMS with non-ASCII text and media",
    url: "https://conversa.example/webhooks/twilio/ch_01JD0000000000000000000000",
    params: {
      MessageSid: "SM0123456789abcdef0123456789abcdef",
      AccountSid: "AC0123456789abcdef0123456789abcdef",
      From: "+4915112345678",
      To: "+15005550006",
      Body: "Grüße aus Köln 👋 — «привет» & 你好 + 100% = ok?",
      NumMedia: "1",
      MediaUrl0:
        "https://api.twilio.com/2010-04-01/Accounts/AC01/Messages/MM01/Media/ME01?foo=a&b=c",
      MediaContentType0: "image/jpeg",
    },
  },
  {
    name: "a status callback with an error code, on a URL with a query",
    url: "https://conversa.example/webhooks/twilio/ch_1/status?attempt=2&ü=ß",
    params: {
      MessageSid: "SM0123456789abcdef0123456789abcdef",
      MessageStatus: "undelivered",
      ErrorCode: "30007",
      SmsStatus: "undelivered",
    },
  },
  {
    name: "keys that sort differently by code unit and by locale, and empty values",
    url: "http://localhost:8787/webhooks/twilio/ch_2",
    params: { body: "lower", Body: "", _x: "underscore", Zeta: "z", alpha: "a", Ämter: "umlaut" },
  },
];

/** Our verification of a form POST to `url`, as the adapter receives it. */
const verify = (token: string, url: string, params: Record<string, string>, signature: string) =>
  verifyTwilioSignature(token, url, new URLSearchParams(params).toString(), signature);

describe("Twilio signatures agree with the official twilio package", () => {
  it("matches the documented check vector", () => {
    const [vector] = CASES;
    if (!vector) throw new Error("no vector");
    expect(twilio.getExpectedTwilioSignature("12345", vector.url, vector.params)).toBe(
      "GvWf1cFY/Q7PnoempGyD5oXAezc=",
    );
  });

  for (const { name, url, params } of CASES) {
    it(`computes the same signature: ${name}`, async () => {
      const official = twilio.getExpectedTwilioSignature(TOKEN, url, params);
      expect(await twilioSignature(TOKEN, url, new URLSearchParams(params))).toBe(official);
      expect(twilio.validateRequest(TOKEN, official, url, params)).toBe(true);
    });

    it(`verifies the official signature and rejects a tampered request: ${name}`, async () => {
      const official = twilio.getExpectedTwilioSignature(TOKEN, url, params);
      expect(await verify(TOKEN, url, params, official)).toBe(true);
      expect(await verify(TOKEN, url, { ...params, Extra: "1" }, official)).toBe(false);
      expect(await verify(`${TOKEN}x`, url, params, official)).toBe(false);
    });
  }

  it("signs a repeated key by its distinct values in order, as the official package does", async () => {
    const url = "https://conversa.example/webhooks/twilio/ch_4";
    const form = new URLSearchParams([
      ["Tag", "ü"],
      ["Body", "hi"],
      ["Tag", "a"],
      ["Tag", "ü"],
    ]);
    const official = twilio.getExpectedTwilioSignature(TOKEN, url, {
      Tag: ["ü", "a", "ü"],
      Body: "hi",
    });
    expect(await twilioSignature(TOKEN, url, form)).toBe(official);
    expect(await verifyTwilioSignature(TOKEN, url, form.toString(), official)).toBe(true);
  });

  it("accepts the URL with or without the default port, as the official package does", async () => {
    const signedWithPort = "https://conversa.example:443/webhooks/twilio/ch_3";
    const received = "https://conversa.example/webhooks/twilio/ch_3";
    const params = { MessageSid: "SM1", Body: "hi" };
    const official = twilio.getExpectedTwilioSignature(TOKEN, signedWithPort, params);
    expect(twilio.validateRequest(TOKEN, official, received, params)).toBe(true);
    expect(await verify(TOKEN, received, params, official)).toBe(true);
  });
});
