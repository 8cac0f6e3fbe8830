import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationDO } from "../../durable-objects/conversation";
import type { WorkspaceHub } from "../../durable-objects/workspace-hub";
import { createApp } from "../../worker/app";
import { createDb } from "../../worker/db/client";
import { listQuery } from "../../worker/domain/messaging/conversation-list";
import type { Principal } from "../../worker/lib/context";
import type { ConversationDto, MessageDto } from "../../worker/schemas/conversations";
import {
  api,
  expectProblem,
  json,
  messageFrames,
  newWebchat,
  newWorkspace,
  openSocket,
  visitorSays,
  visitorSession,
} from "../helpers";

const stubOf = (id: string) => env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id));

async function agentMessages(cookie: string, id: string, query = "") {
  return (
    await json<{ data: MessageDto[] }>(
      await api(`/api/v1/conversations/${id}/messages${query}`, { cookie }),
    )
  ).data;
}

async function setup() {
  const ws = await newWorkspace();
  const channel = await newWebchat(ws.ownerCookie, { greeting: "Hi!" });
  const visitor = await visitorSession(channel.id);
  const first = await visitorSays(visitor.token, "Hello, is anyone there?");
  return { ws, channel, visitor, conversationId: first.conversation_id };
}

describe("a visitor's first message", () => {
  it("opens a conversation that agents see in the inbox with a preview and unread count", async () => {
    const { ws, conversationId } = await setup();
    const list = await json<{ data: ConversationDto[] }>(
      await api("/api/v1/conversations?view=unassigned&status=open", { cookie: ws.ownerCookie }),
    );
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({
      id: conversationId,
      channel_type: "webchat",
      status: "open",
      assignee_id: null,
      unread_count: 1,
      last_seq: 1,
      last_message: { preview: "Hello, is anyone there?", sender_type: "visitor" },
    });
    const messages = await agentMessages(ws.ownerCookie, conversationId);
    expect(messages.map((m) => [m.seq, m.kind, m.sender.type, m.text])).toEqual([
      [1, "text", "visitor", "Hello, is anyone there?"],
    ]);
  });

  it("goes to the same open conversation when the visitor writes again, and the session resumes", async () => {
    const { channel, visitor, conversationId } = await setup();
    const again = await visitorSays(visitor.token, "Still here");
    expect(again.conversation_id).toBe(conversationId);
    expect(again.message.seq).toBe(2);
    const resumed = await visitorSession(channel.id, { token: visitor.token });
    expect(resumed.visitor_id).toBe(visitor.visitor_id);
    expect(resumed.conversation_id).toBe(conversationId);
  });
});

describe("the widget naming its conversation", () => {
  const send = (token: string, body: Record<string, unknown>) =>
    api("/widget/v1/messages", {
      body,
      headers: { authorization: `Bearer ${token}` },
      origin: null,
    });

  it("appends to it, refuses someone else's, and starts anew once it is closed", async () => {
    const { ws, channel, visitor, conversationId } = await setup();
    const direct = await json<{ conversation_id: string; message: MessageDto }>(
      await send(visitor.token, { text: "direct", conversation_id: conversationId }),
    );
    expect(direct).toMatchObject({ conversation_id: conversationId, message: { seq: 2 } });
    const stranger = await visitorSession(channel.id);
    await expectProblem(
      await send(stranger.token, { text: "let me in", conversation_id: conversationId }),
      404,
    );
    await api(`/api/v1/conversations/${conversationId}/status`, {
      cookie: ws.ownerCookie,
      body: { status: "closed" },
    });
    const after = await json<{ conversation_id: string }>(
      await send(visitor.token, { text: "new topic", conversation_id: conversationId }),
    );
    expect(after.conversation_id).not.toBe(conversationId);
    expect((await agentMessages(ws.ownerCookie, conversationId)).map((m) => m.text)).not.toContain(
      "let me in",
    );
  });
});

describe("ordering", () => {
  it("gives 100 concurrent sends the seqs 1..100 with no gaps or duplicates, in D1 too", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const opened = await visitorSays(visitor.token, "message 0");
    const id = opened.conversation_id;
    const sent = await Promise.all(
      Array.from({ length: 99 }, (_, i) =>
        i % 2
          ? visitorSays(visitor.token, `message ${i + 1}`).then((r) => r.message)
          : api(`/api/v1/conversations/${id}/messages`, {
              cookie: ws.ownerCookie,
              body: { text: `reply ${i + 1}` },
            }).then((r) => json<MessageDto>(r)),
      ),
    );
    const seqs = [1, ...sent.map((m) => m.seq)].sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const stored = await agentMessages(ws.ownerCookie, id, "?limit=200");
    expect(stored.map((m) => m.seq)).toEqual(seqs);
    const projected = await env.DB.prepare(
      "SELECT seq FROM messages WHERE conversation_id = ? ORDER BY seq",
    )
      .bind(id)
      .all();
    expect(projected.results.map((r) => r.seq)).toEqual(seqs);
    const conversation = await json<ConversationDto>(
      await api(`/api/v1/conversations/${id}`, { cookie: ws.ownerCookie }),
    );
    expect(conversation.last_seq).toBe(100);
  });

  it("stores a retried client message once", async () => {
    const { ws, conversationId } = await setup();
    const body = { text: "Once", client_message_id: "tab-1-7" };
    const a = await json<MessageDto>(
      await api(`/api/v1/conversations/${conversationId}/messages`, {
        cookie: ws.ownerCookie,
        body,
      }),
    );
    const b = await json<MessageDto>(
      await api(`/api/v1/conversations/${conversationId}/messages`, {
        cookie: ws.ownerCookie,
        body,
      }),
    );
    expect(b).toEqual(a);
    expect((await agentMessages(ws.ownerCookie, conversationId)).map((m) => m.seq)).toEqual([1, 2]);
  });

  it("pages back with before_seq", async () => {
    const { ws, visitor, conversationId } = await setup();
    for (let i = 2; i <= 6; i++) await visitorSays(visitor.token, `m${i}`);
    const older = await agentMessages(ws.ownerCookie, conversationId, "?before_seq=5&limit=2");
    expect(older.map((m) => m.seq)).toEqual([3, 4]);
    const newer = await agentMessages(ws.ownerCookie, conversationId, "?after_seq=4");
    expect(newer.map((m) => m.seq)).toEqual([5, 6]);
  });
});

describe("realtime sockets", () => {
  it("delivers visitor messages to the agent live and agent replies to the visitor", async () => {
    const { ws, visitor, conversationId } = await setup();
    const agent = await openSocket(`/api/v1/conversations/${conversationId}/ws?after_seq=0`, {
      cookie: ws.ownerCookie,
    });
    const customer = await openSocket(
      `/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(visitor.token)}&after_seq=1`,
    );
    await agent.until((f) => messageFrames(f).length === 1);
    await visitorSays(visitor.token, "Live one");
    await agent.until((f) => messageFrames(f).some((m) => m.text === "Live one"));
    await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "Hi, Ana here" },
    });
    await customer.until((f) => messageFrames(f).some((m) => m.text === "Hi, Ana here"));
    expect(messageFrames(customer.frames).map((m) => m.seq)).toEqual([2, 3]);
    customer.send({ type: "typing", typing: true });
    await agent.until((f) =>
      f.some((x) => x.type === "typing" && x.side === "visitor" && x.typing === true),
    );
    agent.close();
    customer.close();
  });

  it("a reconnecting client with after_seq gets exactly what it missed", async () => {
    const { ws, visitor, conversationId } = await setup();
    const first = await openSocket(`/api/v1/conversations/${conversationId}/ws?after_seq=0`, {
      cookie: ws.ownerCookie,
    });
    await first.until((f) => messageFrames(f).length === 1);
    first.close();
    for (const text of ["missed 2", "missed 3", "missed 4"]) await visitorSays(visitor.token, text);
    const again = await openSocket(`/api/v1/conversations/${conversationId}/ws?after_seq=1`, {
      cookie: ws.ownerCookie,
    });
    await again.until((f) => messageFrames(f).length === 3);
    await visitorSays(visitor.token, "live 5");
    await again.until((f) => messageFrames(f).length === 4);
    expect(messageFrames(again.frames).map((m) => m.seq)).toEqual([2, 3, 4, 5]);
    again.close();
  });

  it("keeps working after the object is evicted (hibernation)", async () => {
    const { ws, visitor, conversationId } = await setup();
    const agent = await openSocket(`/api/v1/conversations/${conversationId}/ws?after_seq=1`, {
      cookie: ws.ownerCookie,
    });
    await evictDurableObject(stubOf(conversationId));
    await visitorSays(visitor.token, "after eviction");
    await agent.until((f) => messageFrames(f).some((m) => m.text === "after eviction"));
    expect(messageFrames(agent.frames).map((m) => m.seq)).toEqual([2]);
    agent.close();
  });

  it("the workspace socket hears about new conversations and previews", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const inbox = await openSocket("/api/v1/realtime", { cookie: ws.ownerCookie });
    const visitor = await visitorSession(channel.id);
    const { conversation_id } = await visitorSays(visitor.token, "New here");
    await inbox.until((f) =>
      f.some(
        (x) =>
          x.type === "conversation" &&
          (x.conversation as ConversationDto).id === conversation_id &&
          (x.conversation as ConversationDto).last_message?.preview === "New here",
      ),
    );
    inbox.close();
  });

  it("refuses sockets opened from another site", async () => {
    const { ws, conversationId } = await setup();
    const { exports } = await import("cloudflare:workers");
    const response = await exports.default.fetch(
      `https://conversa.test/api/v1/conversations/${conversationId}/ws`,
      {
        headers: { upgrade: "websocket", cookie: ws.ownerCookie, origin: "https://evil.example" },
      },
    );
    expect(response.status).toBe(403);
  });
});

describe("internal notes", () => {
  it("never reach the visitor, by API or socket", async () => {
    const { ws, visitor, conversationId } = await setup();
    const customer = await openSocket(
      `/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(visitor.token)}&after_seq=0`,
    );
    await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "SECRET: customer is a VIP", private: true },
    });
    await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "Public reply" },
    });
    await customer.until((f) => messageFrames(f).some((m) => m.text === "Public reply"));
    expect(JSON.stringify(customer.frames)).not.toContain("SECRET");
    const seen = await json<{ data: MessageDto[] }>(
      await api(`/widget/v1/conversations/${conversationId}/messages?after_seq=0`, {
        headers: { authorization: `Bearer ${visitor.token}` },
      }),
    );
    expect(seen.data.map((m) => m.text)).toEqual(["Hello, is anyone there?", "Public reply"]);
    const agentView = await agentMessages(ws.ownerCookie, conversationId);
    expect(agentView.map((m) => m.kind)).toEqual(["text", "note", "text"]);
    customer.close();
  });
});

describe("visitor authorization", () => {
  it("a visitor token cannot read or join another visitor's conversation", async () => {
    const { channel, conversationId } = await setup();
    const other = await visitorSession(channel.id);
    const auth = { headers: { authorization: `Bearer ${other.token}` } };
    await expectProblem(
      await api(`/widget/v1/conversations/${conversationId}/messages`, auth),
      404,
    );
    const { exports } = await import("cloudflare:workers");
    const socket = await exports.default.fetch(
      `https://conversa.test/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(other.token)}`,
      { headers: { upgrade: "websocket" } },
    );
    expect(socket.status).toBe(404);
    await expectProblem(await api(`/widget/v1/conversations/${conversationId}/messages`), 401);
    const forged = `${other.token.split(".")[0]}.AAAA`;
    await expectProblem(
      await api(`/widget/v1/conversations/${conversationId}/messages`, {
        headers: { authorization: `Bearer ${forged}` },
      }),
      401,
    );
  });

  it("a typed email never grants access to an existing contact's conversation", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const first = await visitorSession(channel.id, { email: "victim@example.com" });
    await visitorSays(first.token, "my private order details");
    const impostor = await visitorSession(channel.id, { email: "victim@example.com" });
    expect(impostor.visitor_id).not.toBe(first.visitor_id);
    expect(impostor.conversation_id).toBeNull();
  });

  it("verifies identifier_hash when the channel requires identity", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie, { require_identity: true });
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(channel.identity_secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const sign = async (id: string) =>
      Array.from(
        new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(id))),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
    const start = (extra: Record<string, unknown>) =>
      api("/widget/v1/sessions", { body: { channel_id: channel.id, ...extra }, origin: null });
    await expectProblem(await start({}), 401);
    await expectProblem(await start({ identifier: "user-42" }), 401);
    await expectProblem(await start({ identifier: "user-42", identifier_hash: "" }), 401);
    await expectProblem(
      await start({ identifier: "user-42", identifier_hash: await sign("user-43") }),
      401,
    );
    const ok = await json<{ token: string; visitor_id: string }>(
      await start({ identifier: "user-42", identifier_hash: await sign("user-42") }),
    );
    const again = await json<{ visitor_id: string }>(
      await start({ identifier: "user-42", identifier_hash: await sign("user-42") }),
    );
    expect(again.visitor_id).toBe(ok.visitor_id);
  });
});

describe("a visitor sending too fast", () => {
  it("is limited per visitor with 429, Retry-After and RateLimit headers, by name or not", async () => {
    const { channel, visitor, conversationId } = await setup();
    const send = (body: Record<string, string>) =>
      api("/widget/v1/messages", {
        body,
        headers: { authorization: `Bearer ${visitor.token}` },
        origin: null,
      });
    // faster than the 10 a second it refills: naming the conversation or not, one bucket of 60
    const responses = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        send(
          i % 2 ? { text: `fast ${i}`, conversation_id: conversationId } : { text: `fast ${i}` },
        ),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    const limited = responses.find((r) => r.status === 429);
    const accepted = responses.find((r) => r.status === 201);
    if (!limited || !accepted) throw new Error("never limited");
    expect(accepted.headers.get("ratelimit-limit")).toBe("60");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    await expectProblem(limited, 429);
    // nothing refused was stored
    const stored = await runInDurableObject(stubOf(conversationId), (instance: ConversationDO) =>
      instance.list({ limit: 200, audience: "agent" }),
    );
    expect(stored.filter((m) => m.kind === "text")).toHaveLength(
      1 + statuses.filter((s) => s === 201).length,
    );

    // another visitor on the same channel is not affected
    const other = await visitorSession(channel.id);
    expect((await visitorSays(other.token, "hello")).message.seq).toBe(1);
  });
});

describe("projection to D1", () => {
  it("catches up after a D1 outage with nothing lost and nothing duplicated", async () => {
    const { ws, visitor, conversationId } = await setup();
    const stub = stubOf(conversationId);
    const hub = env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(ws.id));
    await runInDurableObject(hub, (instance: WorkspaceHub) => {
      // statements still prepare, but every round trip to D1 is refused, as in an outage
      instance.projectionDb = new Proxy(env.DB, {
        get: (target, property) => {
          if (property === "batch" || property === "exec") {
            return async () => {
              throw new Error("D1 is down");
            };
          }
          const value = Reflect.get(target, property);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    });
    await visitorSays(visitor.token, "during outage 2");
    await visitorSays(visitor.token, "during outage 3");
    expect(
      await runInDurableObject(stub, (instance: ConversationDO) => instance.pendingProjection()),
    ).toBe(2);
    const during = await env.DB.prepare(
      "SELECT count(*) AS n FROM messages WHERE conversation_id = ?",
    )
      .bind(conversationId)
      .first();
    expect(during?.n).toBe(1);
    // the socket and the DO still serve everything
    expect((await agentMessages(ws.ownerCookie, conversationId)).map((m) => m.seq)).toEqual([
      1, 2, 3,
    ]);

    await runInDurableObject(hub, (instance: WorkspaceHub) => {
      instance.projectionDb = env.DB;
    });
    // seq 2 failed twice before; the retry must still count it once
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(
      await runInDurableObject(stub, (instance: ConversationDO) => instance.pendingProjection()),
    ).toBe(0);
    const rows = await env.DB.prepare(
      "SELECT seq FROM messages WHERE conversation_id = ? ORDER BY seq",
    )
      .bind(conversationId)
      .all();
    expect(rows.results.map((r) => r.seq)).toEqual([1, 2, 3]);
    const conversation = await json<ConversationDto>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie: ws.ownerCookie }),
    );
    expect(conversation).toMatchObject({
      unread_count: 3,
      last_seq: 3,
      last_message: { preview: "during outage 3" },
    });
  });

  it("gathers messages that arrive while a write is in flight into one group commit", async () => {
    const { ws, channel } = await setup();
    const visitors = await Promise.all(Array.from({ length: 5 }, () => visitorSession(channel.id)));
    // each visitor's conversation is opened (and projected) before the burst
    const conversationIds: string[] = [];
    for (const v of visitors)
      conversationIds.push((await visitorSays(v.token, "hi")).conversation_id);
    const hub = env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(ws.id));
    const batches: number[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await runInDurableObject(hub, (instance: WorkspaceHub) => {
      // the burst's first write is held in flight until the other conversations' messages arrive
      instance.projectionDb = new Proxy(env.DB, {
        get: (target, property) => {
          if (property === "batch") {
            return async (statements: D1PreparedStatement[]) => {
              batches.push(statements.length);
              if (batches.length === 1) await held;
              return target.batch(statements);
            };
          }
          const value = Reflect.get(target, property);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    });
    const [firstVisitor, ...others] = visitors;
    const first = visitorSays(firstVisitor?.token ?? "", "burst first");
    while (batches.length === 0) await scheduler.wait(5);
    const rest = others.map((v, i) => visitorSays(v.token, `burst ${i}`));
    const gathering = () =>
      runInDurableObject(hub, (instance: WorkspaceHub) => instance.gathering());
    while ((await gathering()) < others.length) await scheduler.wait(5);
    release();
    await Promise.all([first, ...rest]);
    await runInDurableObject(hub, (instance: WorkspaceHub) => {
      instance.projectionDb = env.DB;
    });

    // two writes: the held one, then all that gathered meanwhile (5 statements a customer's
    // message: its report counters for the workspace and the channel, the message, its
    // conversation, its contact's last activity)
    expect(batches).toEqual([5, others.length * 5]);
    for (const [i, id] of conversationIds.entries()) {
      const conversation = await json<ConversationDto>(
        await api(`/api/v1/conversations/${id}`, { cookie: ws.ownerCookie }),
      );
      expect(conversation).toMatchObject({
        last_seq: 2,
        unread_count: 2,
        last_message: { preview: i === 0 ? "burst first" : `burst ${i - 1}` },
      });
    }
  });

  it("applying the same projection twice changes nothing", async () => {
    const { ws, conversationId } = await setup();
    const { projectMessages } = await import("../../worker/domain/messaging/projection");
    const conversation = await json<ConversationDto>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie: ws.ownerCookie }),
    );
    const [message] = await agentMessages(ws.ownerCookie, conversationId);
    if (!message) throw new Error("no message");
    const repeated = await projectMessages(env.DB, [
      {
        ref: { conversationId, workspaceId: ws.id },
        message: {
          id: message.id,
          seq: 1,
          kind: "text",
          senderType: "visitor",
          senderId: message.sender.id,
          text: message.text,
          senderName: message.sender.name,
          hasAttachment: false,
          origin: null,
          status: null,
          statusReason: null,
          createdAt: Date.parse(message.created_at),
        },
      },
    ]);
    const after = await json<ConversationDto>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie: ws.ownerCookie }),
    );
    expect(after).toEqual(conversation);
    // so no second message.created goes out for it
    expect(repeated.created).toEqual([]);
  });
});

describe("inbox actions", () => {
  it("assigns, changes status, labels, marks read — each a system event and a filterable state", async () => {
    const { ws, visitor, conversationId } = await setup();
    const cookie = ws.ownerCookie;
    const post = (path: string, body: unknown) =>
      api(`/api/v1/conversations/${conversationId}/${path}`, { cookie, body });
    expect(
      (await json<ConversationDto>(await post("assign", { user_id: ws.owner.id }))).assignee_id,
    ).toBe(ws.owner.id);
    const mine = await json<{ data: ConversationDto[] }>(
      await api("/api/v1/conversations?view=mine", { cookie }),
    );
    expect(mine.data.map((c) => c.id)).toEqual([conversationId]);
    const unassigned = await json<{ data: ConversationDto[] }>(
      await api("/api/v1/conversations?view=unassigned", { cookie }),
    );
    expect(unassigned.data).toEqual([]);
    await expectProblem(await post("assign", { user_id: "usr_01JD0000000000000000000000" }), 422);

    const snoozeUntil = new Date(Date.now() + 3600_000).toISOString();
    const snoozed = await json<ConversationDto>(
      await post("status", { status: "snoozed", snooze_until: snoozeUntil }),
    );
    expect(snoozed).toMatchObject({ status: "snoozed", snooze_until: snoozeUntil });
    await expectProblem(await post("status", { status: "snoozed" }), 422);
    // the customer writing wakes it up
    await visitorSays(visitor.token, "any news?");
    const woken = await json<ConversationDto>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie }),
    );
    expect(woken).toMatchObject({ status: "open", snooze_until: null, unread_count: 2 });

    const labelled = await json<ConversationDto>(
      await post("labels", { labels: ["Billing", "urgent"] }),
    );
    expect(labelled.labels).toEqual(["billing", "urgent"]);
    const byLabel = await json<{ data: ConversationDto[] }>(
      await api("/api/v1/conversations?label=billing", { cookie }),
    );
    expect(byLabel.data.map((c) => c.id)).toEqual([conversationId]);
    const unlabelled = await json<ConversationDto>(
      await api(`/api/v1/conversations/${conversationId}/labels/urgent`, {
        cookie,
        method: "DELETE",
      }),
    );
    expect(unlabelled.labels).toEqual(["billing"]);

    const markRead = await api(`/api/v1/conversations/${conversationId}/read`, {
      cookie,
      method: "POST",
    });
    expect(markRead.status).toBe(204);
    const read = await json<ConversationDto>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie }),
    );
    expect(read.unread_count).toBe(0);

    const closed = await json<ConversationDto>(await post("status", { status: "closed" }));
    expect(closed.status).toBe("closed");
    const events = (await agentMessages(cookie, conversationId))
      .filter((m) => m.kind === "event")
      .map((m) => m.event?.type);
    expect(events).toEqual([
      "assigned",
      "status_changed",
      "labels_changed",
      "labels_changed",
      "status_changed",
    ]);
    // after closing, the visitor's next message opens a new conversation
    const next = await visitorSays(visitor.token, "one more thing");
    expect(next.conversation_id).not.toBe(conversationId);
  });

  it("a snoozed conversation opens again when its time comes, by the object's alarm", async () => {
    const { ws, conversationId } = await setup();
    const cookie = ws.ownerCookie;
    const until = new Date(Date.now() + 800).toISOString();
    await api(`/api/v1/conversations/${conversationId}/status`, {
      cookie,
      body: { status: "snoozed", snooze_until: until },
    });
    await new Promise((resolve) => setTimeout(resolve, 900));
    await runDurableObjectAlarm(stubOf(conversationId));
    const woken = await json<ConversationDto>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie }),
    );
    expect(woken).toMatchObject({ status: "open", snooze_until: null });
    const last = (await agentMessages(cookie, conversationId)).at(-1);
    expect(last?.event).toEqual({
      type: "status_changed",
      data: { from: "snoozed", to: "open", reason: "snooze_ended" },
    });
  });

  it("lists one contact's conversations by contact_id", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const ana = await visitorSays((await visitorSession(channel.id)).token, "Ana here");
    await visitorSays((await visitorSession(channel.id)).token, "Someone else");
    const { contact } = await json<ConversationDto>(
      await api(`/api/v1/conversations/${ana.conversation_id}`, { cookie: ws.ownerCookie }),
    );
    const page = await json<{ data: ConversationDto[] }>(
      await api(`/api/v1/conversations?contact_id=${contact.id}`, { cookie: ws.ownerCookie }),
    );
    expect(page.data.map((c) => c.id)).toEqual([ana.conversation_id]);
  });

  it("pages the inbox newest activity first with a cursor", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await visitorSession(channel.id);
      ids.push((await visitorSays(v.token, `hi ${i}`)).conversation_id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: ConversationDto[]; next_cursor: string | null } = await json(
        await api(`/api/v1/conversations?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
          cookie: ws.ownerCookie,
        }),
      );
      seen.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it("lists with one indexed query per page: no table scan", async () => {
    const ws = await newWorkspace();
    const principal: Principal = {
      workspaceId: ws.id,
      role: "owner",
      userId: ws.owner.id,
      apiKeyId: null,
      via: "session",
      sessionIdHash: null,
    };
    const db = createDb(env.DB);
    const newest = "newest" as const;
    const filters = [
      { view: "all" as const, sort: newest, limit: 25 },
      { view: "all" as const, status: "open" as const, sort: "oldest" as const, limit: 25 },
      { view: "mine" as const, sort: newest, limit: 25 },
      { view: "unassigned" as const, status: "open" as const, sort: newest, limit: 25 },
      { view: "my_teams" as const, sort: "waiting_longest" as const, limit: 25 },
      { view: "all" as const, sort: "sla_due" as const, limit: 25 },
      {
        view: "all" as const,
        label: "vip",
        sort: newest,
        cursor: `${Date.now()}.cv_01JD0000000000000000000000`,
        limit: 25,
      },
    ];
    for (const filter of filters) {
      const { sql, params } = listQuery(db, principal, filter).toSQL();
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail);
      expect(details.join("\n"), JSON.stringify(filter)).not.toMatch(
        /SCAN (conversations|channels|contacts)\b(?! USING)/,
      );
      expect(
        details.some((d) => /conversations USING (COVERING )?INDEX conversations_/.test(d)),
        details.join("\n"),
      ).toBe(true);
    }
  });
});

describe("search", () => {
  it("finds messages by words, scoped to the workspace", async () => {
    const { ws, visitor, conversationId } = await setup();
    await visitorSays(visitor.token, "My invoice number is 4711, the refund never arrived");
    const other = await setup();
    await visitorSays(other.visitor.token, "refund please");
    const results = await json<{ data: { conversation_id: string; snippet: string }[] }>(
      await api("/api/v1/search/messages?q=refund", { cookie: ws.ownerCookie }),
    );
    expect(results.data.map((r) => r.conversation_id)).toEqual([conversationId]);
    expect(results.data[0]?.snippet).toContain("[refund]");
    const tricky = await api(
      `/api/v1/search/messages?q=${encodeURIComponent('"unbalanced AND (')}`,
      { cookie: ws.ownerCookie },
    );
    expect(tricky.status).toBe(200);
  });
});

describe("untrusted content", () => {
  it("stores HTML as text and serves it as JSON, never as markup", async () => {
    const { ws, visitor, conversationId } = await setup();
    const payload = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
    await visitorSays(visitor.token, payload);
    const response = await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie: ws.ownerCookie,
    });
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const messages = (await json<{ data: MessageDto[] }>(response)).data;
    expect(messages.at(-1)?.text).toBe(payload);
  });

  it("serves an uploaded SVG or HTML file as a download, never inline", async () => {
    const { ws, visitor } = await setup();
    const form = new FormData();
    form.append(
      "file",
      new File(
        ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
        "x.svg",
        { type: "image/svg+xml" },
      ),
    );
    const uploaded = await createApp().request(
      "https://conversa.test/widget/v1/attachments",
      { method: "POST", body: form, headers: { authorization: `Bearer ${visitor.token}` } },
      env,
    );
    expect(uploaded.status).toBe(201);
    const { message } = await json<{ message: MessageDto }>(uploaded);
    expect(message.kind).toBe("file");
    const url = message.attachment?.url ?? "";
    const file = await api(url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(file.headers.get("content-type")).toBe("application/octet-stream");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await file.text()).toContain("<svg");
    await expectProblem(await api(url.replace(/sig=[0-9a-f]{4}/, "sig=0000")), 403);
    expect(ws.id).toBeTruthy();
  });

  it("escapes the channel name on the demo page", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/channels", {
      cookie: ws.ownerCookie,
      body: { type: "webchat", name: "<script>alert(1)</script>" },
    });
    const { id } = await json<{ id: string }>(response);
    const page = await (await api(`/demo?channel=${id}`)).text();
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("&lt;script&gt;");
    expect(page).toContain(`data-channel="${id}"`);
  });
});
