import { describe, expect, it } from "vitest";
import { telegram } from "../../worker/channels/telegram";
import { SendError, type WebhookRequest } from "../../worker/channels/types";
import type { ChannelConfigOf } from "../../worker/schemas/channels";
import { fakeRequests, fakeUrl, net, scriptFake, uniqueDigits } from "../channel-helpers";

const SECRET_TOKEN = "tg-secret_Token-42";

/** A config with a bot token of its own, so this test's requests are told apart on the fake. */
function newConfig(apiBaseUrl = fakeUrl()): ChannelConfigOf<"telegram"> {
  return {
    bot_token: `${uniqueDigits(10)}:AAH${uniqueDigits(8)}-test`,
    secret_token: SECRET_TOKEN,
    api_base_url: apiBaseUrl,
  };
}

function webhook(body: string, headers: Record<string, string> = {}): WebhookRequest {
  return {
    url: "https://conversa.test/webhooks/telegram/ch_1",
    headers: new Headers({ "content-type": "application/json", ...headers }),
    rawBody: body,
    rawBytes: new Uint8Array(new TextEncoder().encode(body)),
    receivedAt: Date.now(),
  };
}

const signed = (body: string) => webhook(body, { "X-Telegram-Bot-Api-Secret-Token": SECRET_TOKEN });
const parse = (update: unknown) => telegram.parse(signed(JSON.stringify(update)), newConfig());

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

const zoe = {
  id: 5551234,
  is_bot: false,
  first_name: "Zoë",
  last_name: "Müller",
  language_code: "de",
};
const privateChat = { id: 5551234, first_name: "Zoë", last_name: "Müller", type: "private" };

describe("telegram verify", () => {
  const body = JSON.stringify({ update_id: 1, message: { text: "Grüße 👋" } });

  it("accepts the secret token the webhook was set with", async () => {
    expect(await telegram.verify(signed(body), newConfig())).toBe(true);
  });

  it("rejects a wrong, truncated, differently cased or missing token", async () => {
    for (const token of ["tg-secret_Token-43", "tg-secret_Token-4", "TG-SECRET_TOKEN-42", ""]) {
      const request = webhook(body, { "X-Telegram-Bot-Api-Secret-Token": token });
      expect(await telegram.verify(request, newConfig())).toBe(false);
    }
    expect(await telegram.verify(webhook(body), newConfig())).toBe(false);
  });
});

describe("telegram parse", () => {
  it("reads a text message with non-ASCII text and the sender's full name", () => {
    const events = parse({
      update_id: 10000,
      message: {
        message_id: 1365,
        from: zoe,
        chat: privateChat,
        date: 1631132077,
        text: "Привет, Grüße 👋",
        entities: [{ offset: 0, length: 6, type: "bold" }],
      },
    });
    expect(events).toEqual([
      {
        type: "message",
        externalId: "5551234:1365",
        from: { id: "5551234", name: "Zoë Müller" },
        text: "Привет, Grüße 👋",
        media: [],
        timestamp: 1631132077000,
      },
    ]);
  });

  it("takes the sender from `from`, not the chat, in a group", () => {
    const [event] = parse({
      update_id: 10001,
      message: {
        message_id: 7,
        from: { id: 42, is_bot: false, first_name: "Ada" },
        chat: { id: -1001234567890, title: "Support", type: "supergroup" },
        date: 1631132078,
        text: "hello group",
      },
    });
    expect(event).toMatchObject({
      externalId: "-1001234567890:7",
      from: { id: "42", name: "Ada" },
    });
  });

  it("reads a photo as its largest size, with the caption as text", () => {
    const [event] = parse({
      update_id: 10002,
      message: {
        message_id: 1366,
        from: zoe,
        chat: privateChat,
        date: 1631132100,
        photo: [
          { file_id: "AgAD-small", file_unique_id: "s", file_size: 1200, width: 90, height: 67 },
          {
            file_id: "AgAD-medium",
            file_unique_id: "m",
            file_size: 15000,
            width: 320,
            height: 240,
          },
          {
            file_id: "AgAD-large",
            file_unique_id: "l",
            file_size: 81000,
            width: 1280,
            height: 960,
          },
        ],
        caption: "Das Paket ist beschädigt",
      },
    });
    expect(event).toMatchObject({
      type: "message",
      externalId: "5551234:1366",
      text: "Das Paket ist beschädigt",
      media: [{ ref: "AgAD-large", contentType: "image/jpeg" }],
    });
  });

  it("reads documents, voice notes and videos by file_id", () => {
    const base = { from: zoe, chat: privateChat, date: 1631132200 };
    const [document] = parse({
      update_id: 10003,
      message: {
        ...base,
        message_id: 1367,
        document: {
          file_name: "Rechnung März.pdf",
          mime_type: "application/pdf",
          file_id: "BQACAgIAAxkBAAIBdoc",
          file_unique_id: "AgADdoc",
          file_size: 52000,
        },
      },
    });
    expect(document).toMatchObject({
      text: null,
      media: [
        { ref: "BQACAgIAAxkBAAIBdoc", contentType: "application/pdf", name: "Rechnung März.pdf" },
      ],
    });
    const [voice] = parse({
      update_id: 10004,
      message: {
        ...base,
        message_id: 1368,
        voice: { duration: 3, mime_type: "audio/ogg", file_id: "AwACvoice", file_unique_id: "v" },
      },
    });
    expect(voice).toMatchObject({ media: [{ ref: "AwACvoice", contentType: "audio/ogg" }] });
    const [video] = parse({
      update_id: 10005,
      message: {
        ...base,
        message_id: 1369,
        caption: "so sieht es aus",
        video: { duration: 8, width: 640, height: 480, mime_type: "video/mp4", file_id: "BAACvid" },
      },
    });
    expect(video).toMatchObject({
      text: "so sieht es aus",
      media: [{ ref: "BAACvid", contentType: "video/mp4" }],
    });
  });

  it("reads an edit as a message of its own, keyed by the edit date", () => {
    const [event] = parse({
      update_id: 10006,
      edited_message: {
        message_id: 1365,
        from: zoe,
        chat: privateChat,
        date: 1631132077,
        edit_date: 1631132150,
        text: "Привет, Grüße 👋 (korrigiert)",
      },
    });
    expect(event).toMatchObject({
      type: "message",
      externalId: "5551234:1365:edit:1631132150",
      from: { id: "5551234", name: "Zoë Müller" },
      text: "Привет, Grüße 👋 (korrigiert)",
      timestamp: 1631132150000,
    });
  });

  it("reads a button press (callback query) as a message with its data", () => {
    const [event] = parse({
      update_id: 10007,
      callback_query: {
        id: "4382bfdwdsb323b2d9",
        from: zoe,
        message: { message_id: 1370, chat: privateChat, date: 1631132300, text: "Zufrieden?" },
        chat_instance: "-5305326848454221233",
        data: "rating:5",
      },
    });
    expect(event).toMatchObject({
      type: "message",
      externalId: "callback:4382bfdwdsb323b2d9",
      from: { id: "5551234", name: "Zoë Müller" },
      text: "rating:5",
      media: [],
    });
  });

  it("ignores update kinds it does not handle", () => {
    expect(
      parse({
        update_id: 10008,
        my_chat_member: {
          chat: privateChat,
          from: zoe,
          date: 1631132400,
          old_chat_member: { status: "member", user: { id: 1, is_bot: true, first_name: "Bot" } },
          new_chat_member: { status: "kicked", user: { id: 1, is_bot: true, first_name: "Bot" } },
        },
      }),
    ).toEqual([]);
  });

  it("throws on a body that is not an update", () => {
    expect(() => parse({ message: { text: "no update id" } })).toThrow();
    expect(() => parse({ update_id: 1, message: { message_id: 1, text: "no chat" } })).toThrow();
    expect(() => telegram.parse(signed("not json"), newConfig())).toThrow();
  });
});

describe("telegram send", () => {
  it("posts sendMessage as JSON and returns chat:message_id", async () => {
    const config = newConfig();
    const chatId = `1${uniqueDigits(9)}`;
    const result = await telegram.send(
      config,
      {
        to: chatId,
        text: "Ihr Paket ist unterwegs 🚚",
        reference: "msg_1",
      },
      net,
    );
    const [request, ...more] = await fakeRequests(`/bot${config.bot_token}/sendMessage`);
    expect(more).toEqual([]);
    expect(request?.method).toBe("POST");
    expect(request?.headers["content-type"]).toContain("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      chat_id: chatId,
      text: "Ihr Paket ist unterwegs 🚚",
    });
    expect(result.externalId).toMatch(new RegExp(`^${chatId}:\\d+$`));
  });

  it("builds the external id from the message Telegram returns", async () => {
    const config = newConfig();
    await scriptFake({
      path: `/bot${config.bot_token}/sendMessage`,
      status: 200,
      body: {
        ok: true,
        result: { message_id: 9876, chat: { id: 31337, type: "private" }, date: 1, text: "hi" },
      },
    });
    expect(
      await telegram.send(config, { to: "31337", text: "hi", reference: "msg_2" }, net),
    ).toEqual({
      externalId: "31337:9876",
    });
  });

  it("retries after retry_after on flood control (429)", async () => {
    const config = newConfig();
    await scriptFake({
      path: `/bot${config.bot_token}/sendMessage`,
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 5",
        parameters: { retry_after: 5 },
      },
    });
    const error = await sendError(
      telegram.send(config, { to: "1", text: "x", reference: "m" }, net),
    );
    expect(error).toMatchObject({ retryable: true, retryAfterSeconds: 5, code: "telegram_429" });
  });

  it("gives up when the bot is blocked (403) or the chat is unknown (400)", async () => {
    const config = newConfig();
    const path = `/bot${config.bot_token}/sendMessage`;
    await scriptFake({
      path,
      status: 403,
      body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
    });
    const blocked = await sendError(
      telegram.send(config, { to: "1", text: "x", reference: "m" }, net),
    );
    expect(blocked).toMatchObject({
      retryable: false,
      code: "telegram_403",
      message: "Forbidden: bot was blocked by the user",
    });
    await scriptFake({
      path,
      status: 400,
      body: { ok: false, error_code: 400, description: "Bad Request: chat not found" },
    });
    const unknown = await sendError(
      telegram.send(config, { to: "2", text: "x", reference: "m" }, net),
    );
    expect(unknown).toMatchObject({ retryable: false, code: "telegram_400" });
  });

  it("retries on server errors and network failures", async () => {
    const config = newConfig();
    await scriptFake({ path: `/bot${config.bot_token}/sendMessage`, status: 502, body: "" });
    const serverError = await sendError(
      telegram.send(config, { to: "1", text: "x", reference: "m" }, net),
    );
    expect(serverError).toMatchObject({ retryable: true, code: "telegram_502" });

    const unreachable = newConfig(`${fakeUrl()}/unreachable`);
    const network = await sendError(
      telegram.send(unreachable, { to: "1", text: "x", reference: "m" }, net),
    );
    expect(network).toMatchObject({ retryable: true, code: "network" });
  });
});

describe("telegram fetchMedia", () => {
  it("looks the file up with getFile, then downloads it from the file path", async () => {
    const config = newConfig();
    const response = await telegram.fetchMedia?.(config, { ref: "AgAD-large" }, net);
    expect(response?.status).toBe(200);
    expect(await response?.text()).toBe("fake media photos/AgAD-large.jpg");
    const [lookup] = await fakeRequests(`/bot${config.bot_token}/getFile`);
    expect(JSON.parse(lookup?.body ?? "")).toEqual({ file_id: "AgAD-large" });
    const [download] = await fakeRequests(`/file/bot${config.bot_token}/photos/AgAD-large.jpg`);
    expect(download?.method).toBe("GET");
  });
});
