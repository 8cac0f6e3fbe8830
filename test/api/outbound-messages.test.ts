import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { outboundQuery } from "../../worker/domain/messaging/outbound-history";
import { sayToCustomer } from "../../worker/domain/routing/routing";
import type { MessageDto } from "../../worker/schemas/conversations";
import {
  eventually,
  fakeRequests,
  fakeUrl,
  newChannel,
  scriptFake,
  uniqueDigits,
} from "../channel-helpers";
import {
  api,
  createKey,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";

type Outbound = {
  id: string;
  conversation_id: string;
  conversation_number: number;
  preview: string;
  attachments_count: number;
  status: string | null;
  status_reason: string | null;
  kind: "automatic" | "manual";
  channel: { id: string; kind: string; name: string };
  contact: { id: string; name: string | null };
  sender: { type: string; name: string | null };
  created_at: string;
};
type Page = { data: Outbound[]; next_cursor: string | null };
type Accepted = { id: string; conversation_id: string; status_url: string };

const BLOCKED = "Forbidden: bot was blocked by the user";

/**
 * A workspace that has written to customers every way it can: through the API and by an agent
 * on Telegram (one of them refused by the platform), by Conversa's bot there, and by an agent
 * in a web chat.
 */
async function workspaceThatSent() {
  const ws = await newWorkspace();
  const cookie = ws.ownerCookie;
  const key = await createKey(cookie);
  const botToken = `${uniqueDigits(10)}:AAH${uniqueDigits(20)}`;
  const telegram = await newChannel(
    cookie,
    "telegram",
    { bot_token: botToken, secret_token: "history_secret", api_base_url: fakeUrl() },
    "Support bot",
  );
  const statusOf = (url: string) =>
    eventually(async () => {
      const message = await json<MessageDto>(await api(url, { key }));
      return message.status !== "queued" ? message : undefined;
    }, `a delivery status at ${url}`);

  const code = await json<Accepted>(
    await api("/api/v1/messages", {
      key,
      body: {
        channel_id: telegram.id,
        to: { platform_id: uniqueDigits(9), name: "Sam" },
        text: "Your code is 4921",
      },
    }),
  );
  await statusOf(code.status_url);
  const conversationId = code.conversation_id;

  await scriptFake({
    path: `/bot${botToken}/sendMessage`,
    status: 403,
    body: { ok: false, error_code: 403, description: BLOCKED },
  });
  const failed = await json<MessageDto>(
    await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie,
      body: { text: "Your parcel is on its way" },
    }),
  );
  await statusOf(`/api/v1/messages/${failed.id}`);
  await api(`/api/v1/conversations/${conversationId}/messages`, {
    cookie,
    body: { text: "internal note", private: true },
  });
  const away = await sayToCustomer(
    env,
    { id: conversationId },
    { type: "telegram" },
    "We are closed now",
  );
  await statusOf(`/api/v1/messages/${away.id}`);

  const webchat = await newWebchat(cookie);
  const visitor = await visitorSession(webchat.id, { name: "Vera" });
  const { conversation_id: chatId } = await visitorSays(visitor.token, "Is anyone there?");
  const chatReply = await json<MessageDto>(
    await api(`/api/v1/conversations/${chatId}/messages`, {
      cookie,
      body: { text: "Yes, HELLO from the web chat" },
    }),
  );
  const ids = { code: code.id, failed: failed.id, away: away.id, chatReply: chatReply.id };
  // the projection reaches D1 through the workspace hub, a moment after the object stored it
  const all = await eventually(async () => {
    const page = await json<Page>(await api("/api/v1/outbound-messages", { cookie }));
    return page.data.length === 4 && page.data.every((m) => m.status !== "queued")
      ? page.data
      : undefined;
  }, "the four sent messages in the history");
  return { ws, cookie, key, botToken, telegram, webchat, conversationId, chatId, ids, all };
}

type Sent = Awaited<ReturnType<typeof workspaceThatSent>>;

const list = async (s: Sent, query: Record<string, string>) =>
  json<Page>(
    await api(`/api/v1/outbound-messages?${new URLSearchParams(query)}`, { cookie: s.cookie }),
  );

describe("sent-message history", () => {
  let s: Sent;
  beforeAll(async () => {
    s = await workspaceThatSent();
  }, 60_000);

  it("lists every outbound message newest first, with its channel, contact, sender and status", async () => {
    expect(s.all.map((m) => m.id)).toEqual([s.ids.chatReply, s.ids.away, s.ids.failed, s.ids.code]);
    const [chat, away, failed, code] = s.all;
    expect(code).toMatchObject({
      preview: "Your code is 4921",
      status: "sent",
      kind: "manual",
      sender: { type: "api", name: "API" },
      channel: { id: s.telegram.id, kind: "telegram", name: "Support bot" },
      contact: { name: "Sam" },
      conversation_id: s.conversationId,
      attachments_count: 0,
    });
    expect(code?.conversation_number).toBeGreaterThan(0);
    expect(failed).toMatchObject({
      status: "failed",
      status_reason: BLOCKED,
      kind: "manual",
      sender: { type: "agent" },
    });
    expect(away).toMatchObject({ kind: "automatic", sender: { type: "bot", name: "Conversa" } });
    expect(chat).toMatchObject({
      status: null,
      kind: "manual",
      channel: { id: s.webchat.id, kind: "webchat" },
      contact: { name: "Vera" },
    });
  });

  it("filters by status, kind, channel kind, sender account, contact, text and dates", async () => {
    const ids = async (query: Record<string, string>) =>
      (await list(s, query)).data.map((m) => m.id);
    expect(await ids({ status: "failed" })).toEqual([s.ids.failed]);
    expect(await ids({ kind: "automatic" })).toEqual([s.ids.away]);
    expect(await ids({ kind: "manual", channel_id: s.telegram.id })).toEqual([
      s.ids.failed,
      s.ids.code,
    ]);
    expect(await ids({ channel_kind: "webchat" })).toEqual([s.ids.chatReply]);
    expect(await ids({ channel_kind: "telegram", kind: "automatic" })).toEqual([s.ids.away]);
    expect(await ids({ channel_kind: "twilio_sms" })).toEqual([]);
    const vera = s.all[0]?.contact.id ?? "";
    expect(await ids({ contact_id: vera })).toEqual([s.ids.chatReply]);
    expect(await ids({ q: "hello FROM" })).toEqual([s.ids.chatReply]);
    expect(await ids({ q: "100%_" })).toEqual([]);
    const codeAt = s.all[3]?.created_at ?? "";
    const failedAt = s.all[2]?.created_at ?? "";
    expect(await ids({ from: codeAt, to: failedAt })).toEqual([s.ids.code]);
    expect(await ids({ from: failedAt })).toEqual([s.ids.chatReply, s.ids.away, s.ids.failed]);
  });

  it("pages with a cursor and shows nothing to another workspace", async () => {
    const first = await list(s, { limit: "3" });
    expect(first.data).toHaveLength(3);
    const second = await list(s, { limit: "3", cursor: first.next_cursor ?? "" });
    expect(second).toMatchObject({ data: [{ id: s.ids.code }], next_cursor: null });

    const other = await newWorkspace();
    const theirs = await json<Page>(
      await api(`/api/v1/outbound-messages?channel_id=${s.telegram.id}`, {
        cookie: other.ownerCookie,
      }),
    );
    expect(theirs.data).toEqual([]);
    const resend = await expectProblem(
      await api("/api/v1/outbound-messages/resend", {
        cookie: other.ownerCookie,
        body: { message_ids: [s.ids.failed] },
      }),
      422,
    );
    expect(resend.errors).toEqual([{ path: "message_ids.0", message: "no such sent message" }]);
  });

  it("walks an index, whatever the filters", async () => {
    const db = createDb(env.DB);
    for (const filters of [
      {},
      { status: "failed" as const },
      { kind: "manual" as const, q: "x" },
      { channel_kind: "telegram" as const },
      { from: "2026-01-01T00:00:00.000Z", channel_id: "ch_x" },
    ]) {
      const query = outboundQuery(db, s.ws.id, filters, { limit: 25 }).toSQL();
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
        .bind(...query.params)
        .all<{ detail: string }>();
      const plan = results.map((r) => r.detail).join("\n");
      expect(plan, JSON.stringify(filters)).toMatch(/messages_outbound(_status)?_idx/);
      expect(plan).not.toMatch(/SCAN (messages|conversations|channels|contacts)\b(?! USING)/);
    }
  });

  it("answers bad filters and bad resends with the field at fault, sending nothing", async () => {
    const problem = async (query: string) =>
      (
        await expectProblem(
          await api(`/api/v1/outbound-messages?${query}`, { cookie: s.cookie }),
          422,
        )
      ).errors;
    expect(await problem("channel_kind=pigeon")).toEqual([
      expect.objectContaining({ path: "query.channel_kind" }),
    ]);
    expect(await problem("status=lost")).toEqual([
      expect.objectContaining({ path: "query.status" }),
    ]);
    expect(await problem("kind=sometimes")).toEqual([
      expect.objectContaining({ path: "query.kind" }),
    ]);
    expect(await problem("from=yesterday")).toEqual([
      expect.objectContaining({ path: "query.from" }),
    ]);
    expect(await problem("from=2026-02-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z")).toEqual([
      expect.objectContaining({ path: "query.to" }),
    ]);

    const before = await fakeRequests(`/bot${s.botToken}/sendMessage`);
    const resend = (body: unknown) =>
      api("/api/v1/outbound-messages/resend", { cookie: s.cookie, body });
    for (const [body, path] of [
      [{ message_ids: [] }, "message_ids"],
      [{ message_ids: Array.from({ length: 101 }, () => s.ids.failed) }, "message_ids"],
      [{ message_ids: [s.ids.failed, "msg_nowhere"] }, "message_ids.1"],
      [{ message_ids: [s.ids.failed], extra: true }, "extra"],
    ] as const) {
      const refused = await expectProblem(await resend(body), 422);
      expect(refused.errors?.[0]?.path, JSON.stringify(body)).toBe(path);
    }
    expect(await fakeRequests(`/bot${s.botToken}/sendMessage`)).toHaveLength(before.length);
  });

  it("resends a failed message as a new one through the channel, and refuses where the channel would", async () => {
    const response = await api("/api/v1/outbound-messages/resend", {
      cookie: s.cookie,
      body: { message_ids: [s.ids.failed] },
    });
    expect(response.status).toBe(200);
    const { results } = await json<{ results: { outcome: string; new_message_id: string }[] }>(
      response,
    );
    expect(results).toEqual([
      {
        message_id: s.ids.failed,
        outcome: "sent",
        new_message_id: expect.stringMatching(/^msg_/),
        conversation_id: s.conversationId,
      },
    ]);
    const again = results[0]?.new_message_id ?? "";
    expect(again).not.toBe(s.ids.failed);
    const resent = await eventually(async () => {
      const page = await list(s, { status: "sent", channel_id: s.telegram.id });
      return page.data.find((m) => m.id === again);
    }, "the resent message, sent");
    expect(resent).toMatchObject({ preview: "Your parcel is on its way", kind: "manual" });
    const requests = await fakeRequests(`/bot${s.botToken}/sendMessage`);
    expect(requests.at(-1)?.body).toContain("Your parcel is on its way");
    // the failed original stays as it was
    expect((await list(s, { status: "failed" })).data.map((m) => m.id)).toEqual([s.ids.failed]);

    const sam = s.all[3]?.contact.id ?? "";
    await api(`/api/v1/contacts/${sam}`, {
      method: "PATCH",
      cookie: s.cookie,
      body: { consent: { telegram: "opted_out" } },
    });
    const refused = await json<{ results: unknown[] }>(
      await api("/api/v1/outbound-messages/resend", {
        key: s.key,
        body: { message_ids: [s.ids.code, s.ids.chatReply] },
      }),
    );
    expect(refused.results).toEqual([
      {
        message_id: s.ids.code,
        outcome: "refused",
        reason: "The contact has opted out of messages on this channel",
        conversation_id: s.conversationId,
      },
      expect.objectContaining({ message_id: s.ids.chatReply, outcome: "sent" }),
    ]);
  });
});

describe("saved filters of the sent-message history", () => {
  it("saves, lists, renames and deletes a person's filters, apart from their inbox views", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const channel = await newWebchat(cookie);
    const save = (body: unknown) =>
      api("/api/v1/outbound-messages/saved-filters", { cookie, body });
    const created = await save({
      name: "Failed on chat",
      filters: { status: "failed", channel_id: channel.id, kind: "manual" },
    });
    expect(created.status).toBe(201);
    const filter = await json<{ id: string; filters: Record<string, string> }>(created);
    expect(filter.id).toMatch(/^sf_/);
    await expectProblem(await save({ name: "Failed on chat", filters: {} }), 409);
    const foreign = await expectProblem(
      await save({ name: "Other", filters: { channel_id: "ch_elsewhere" } }),
      422,
    );
    expect(foreign.errors).toEqual([{ path: "filters.channel_id", message: "not found" }]);
    const badStatus = await expectProblem(
      await save({ name: "Bad", filters: { status: "lost" } }),
      422,
    );
    expect(badStatus.errors?.[0]?.path).toBe("filters.status");

    await api("/api/v1/saved-views", { cookie, body: { name: "Failed on chat", filters: {} } });
    const views = await json<{ data: { name: string }[] }>(
      await api("/api/v1/saved-views", { cookie }),
    );
    expect(views.data.map((v) => v.name)).toEqual(["Failed on chat"]);

    const renamed = await api(`/api/v1/outbound-messages/saved-filters/${filter.id}`, {
      method: "PATCH",
      cookie,
      body: { name: "Chat failures" },
    });
    expect(renamed.status).toBe(200);
    const listed = await json<{ data: { name: string; filters: unknown }[] }>(
      await api("/api/v1/outbound-messages/saved-filters", { cookie }),
    );
    expect(listed.data).toEqual([
      expect.objectContaining({ name: "Chat failures", filters: filter.filters }),
    ]);
    await expectProblem(
      await api("/api/v1/outbound-messages/saved-filters", { key: await createKey(cookie) }),
      403,
    );
    const deleted = await api(`/api/v1/outbound-messages/saved-filters/${filter.id}`, {
      method: "DELETE",
      cookie,
    });
    expect(deleted.status).toBe(204);
    const after = await json<{ data: unknown[] }>(
      await api("/api/v1/outbound-messages/saved-filters", { cookie }),
    );
    expect(after.data).toEqual([]);
  });
});
