import { describe, expect, it } from "vitest";
import type { ConversationDto, MessageDto } from "../../worker/schemas/conversations";
import {
  conversationOf,
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

const SECRET = "tg_secret-token_123";

async function setup() {
  const ws = await newWorkspace();
  const botToken = `${uniqueDigits(10)}:AAH${uniqueDigits(20)}`;
  const channel = await newChannel(ws.ownerCookie, "telegram", {
    bot_token: botToken,
    secret_token: SECRET,
    api_base_url: fakeUrl(),
  });
  const chatId = Number(uniqueDigits(9));
  return { ws, channel, botToken, chatId, path: `/webhooks/telegram/${channel.id}` };
}
type Setup = Awaited<ReturnType<typeof setup>>;

const update = (s: Setup, messageId: number, fields: Record<string, unknown>) => ({
  update_id: Number(uniqueDigits(9)),
  message: {
    message_id: messageId,
    from: {
      id: s.chatId,
      is_bot: false,
      first_name: "Ana",
      last_name: "Lima",
      language_code: "pt",
    },
    chat: { id: s.chatId, first_name: "Ana", last_name: "Lima", type: "private" },
    date: Math.floor(Date.now() / 1000),
    ...fields,
  },
});

const deliver = (s: Setup, payload: unknown, secret: string | null = SECRET) =>
  postWebhook(s.path, JSON.stringify(payload), {
    "content-type": "application/json",
    ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
  });

describe("Telegram", () => {
  it("rejects updates without the secret token and stores nothing", async () => {
    const s = await setup();
    await expectProblem(await deliver(s, update(s, 1, { text: "hi" }), "wrong"), 403);
    await expectProblem(await deliver(s, update(s, 1, { text: "hi" }), null), 403);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const list = await json<{ data: ConversationDto[] }>(
      await api("/api/v1/conversations?view=all", { cookie: s.ws.ownerCookie }),
    );
    expect(list.data).toHaveLength(0);
  });

  it("reads text, photos with captions and edits, once each", async () => {
    const s = await setup();
    const first = update(s, 1, { text: "Olá 👋" });
    await deliver(s, first);
    await deliver(s, first);
    await deliver(
      s,
      update(s, 2, {
        photo: [
          { file_id: "small-id", file_unique_id: "a", width: 90, height: 90 },
          { file_id: `large-${s.chatId}`, file_unique_id: "b", width: 1280, height: 1280 },
        ],
        caption: "the broken part",
      }),
    );
    await deliver(s, {
      update_id: Number(uniqueDigits(9)),
      edited_message: {
        ...update(s, 1, { text: "Olá 👋 (edited)" }).message,
        edit_date: 1700000000,
      },
    });
    const conversation = await conversationOf(s);
    expect(conversation.contact.name).toBe("Ana Lima");
    const messages = await eventually(async () => {
      const list = await messagesOf(s, conversation.id);
      return list.length >= 3 ? list : undefined;
    }, "three messages");
    expect(messages.map((m) => [m.kind, m.text])).toEqual([
      ["text", "Olá 👋"],
      ["file", "the broken part"],
      ["text", "Olá 👋 (edited)"],
    ]);
    const photo = await api(messages[1]?.attachment?.url ?? "");
    expect(await photo.text()).toBe(`fake media photos/large-${s.chatId}.jpg`);
  });

  it("sends replies with sendMessage and honours retry_after on a flood answer", async () => {
    const s = await setup();
    await deliver(s, update(s, 1, { text: "hello" }));
    const conversation = await conversationOf(s);
    await scriptFake({
      path: `/bot${s.botToken}/sendMessage`,
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 1",
        parameters: { retry_after: 1 },
      },
    });
    const sent = await json<MessageDto>(
      await api(`/api/v1/conversations/${conversation.id}/messages`, {
        cookie: s.ws.ownerCookie,
        body: { text: "We are on it" },
      }),
    );
    await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.status === "sent";
    }, "sent after the flood wait");
    const requests = await fakeRequests(`/bot${s.botToken}/sendMessage`);
    expect(requests).toHaveLength(2);
    expect(JSON.parse(requests[1]?.body ?? "{}")).toEqual({
      chat_id: String(s.chatId),
      text: "We are on it",
    });
  });

  it("marks a reply to a bot the user blocked as failed, without retrying", async () => {
    const s = await setup();
    await deliver(s, update(s, 1, { text: "hello" }));
    const conversation = await conversationOf(s);
    await scriptFake({
      path: `/bot${s.botToken}/sendMessage`,
      status: 403,
      body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
    });
    const sent = await json<MessageDto>(
      await api(`/api/v1/conversations/${conversation.id}/messages`, {
        cookie: s.ws.ownerCookie,
        body: { text: "Are you there?" },
      }),
    );
    const failed = await eventually(async () => {
      const m = (await messagesOf(s, conversation.id)).find((x) => x.seq === sent.seq);
      return m?.status === "failed" ? m : undefined;
    }, "failed");
    expect(failed.status_reason).toBe("Forbidden: bot was blocked by the user");
    expect(await fakeRequests(`/bot${s.botToken}/sendMessage`)).toHaveLength(1);
  });

  it("keeps to one message a second per chat when an agent sends several at once", async () => {
    const s = await setup();
    await deliver(s, update(s, 1, { text: "hello" }));
    const conversation = await conversationOf(s);
    for (const text of ["one", "two", "three"]) {
      const response = await api(`/api/v1/conversations/${conversation.id}/messages`, {
        cookie: s.ws.ownerCookie,
        body: { text },
      });
      expect(response.status).toBe(201);
    }
    const requests = await eventually(async () => {
      const all = await fakeRequests(`/bot${s.botToken}/sendMessage`);
      return all.length === 3 ? all : undefined;
    }, "three sends");
    const times = requests.map((r) => r.at).sort((a, b) => a - b);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(900);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(900);
    expect(requests.map((r) => JSON.parse(r.body).text).sort()).toEqual(["one", "three", "two"]);
  });
});
