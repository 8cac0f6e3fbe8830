import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { memberships, mentions } from "../../worker/db/schema";
import { mentionsQuery } from "../../worker/domain/messaging/conversation-list";
import type { Principal } from "../../worker/lib/context";
import type { ConversationDto, MessageDto } from "../../worker/schemas/conversations";
import {
  api,
  db,
  expectProblem,
  json,
  newVisitorConversation,
  newWorkspace,
  openSocket,
  visitorSays,
  visitorSession,
} from "../helpers";

async function note(cookie: string, conversationId: string, body: Record<string, unknown>) {
  return api(`/api/v1/conversations/${conversationId}/messages`, {
    cookie,
    body: { private: true, ...body },
  });
}

async function mentionsView(cookie: string, query = "") {
  return json<{ data: ConversationDto[]; next_cursor: string | null }>(
    await api(`/api/v1/conversations?view=mentions${query}`, { cookie }),
  );
}

const storedMentions = (conversationId: string) =>
  db().select().from(mentions).where(eq(mentions.conversationId, conversationId));

async function messagesOf(cookie: string, conversationId: string) {
  return (
    await json<{ data: MessageDto[] }>(
      await api(`/api/v1/conversations/${conversationId}/messages`, { cookie }),
    )
  ).data;
}

/** A visitor's conversation in a workspace with a second agent, Luis, signed in. */
async function setup() {
  const started = await newVisitorConversation("Where is my order?");
  const luis = await started.ws.addMember("agent");
  return { ...started, luis, luisCookie: await luis.login() };
}

describe("mentions in notes", () => {
  it("stores the mention, tells the mentioned agent's inbox socket and lists it under Mentions", async () => {
    const { ws, conversationId, luis, luisCookie } = await setup();
    const luisInbox = await openSocket("/api/v1/realtime", { cookie: luisCookie });
    const ownerInbox = await openSocket("/api/v1/realtime", { cookie: ws.ownerCookie });
    const response = await note(ws.ownerCookie, conversationId, {
      text: "@Luis can you check the refund?",
      mention_ids: [luis.id],
    });
    expect(response.status).toBe(201);
    const sent = await json<MessageDto>(response);
    expect(sent.kind).toBe("note");

    const frames = await luisInbox.until((f) => f.some((x) => x.type === "mention"));
    const frame = frames.find((x) => x.type === "mention");
    expect(frame).toMatchObject({
      type: "mention",
      conversation_id: conversationId,
      seq: sent.seq,
      by: { id: ws.owner.id, name: expect.stringMatching(/^owner /) },
      preview: "@Luis can you check the refund?",
    });
    expect(await storedMentions(conversationId)).toEqual([
      expect.objectContaining({
        workspaceId: ws.id,
        seq: sent.seq,
        mentionedUserId: luis.id,
        byUserId: ws.owner.id,
        readAt: null,
      }),
    ]);

    const view = await mentionsView(luisCookie);
    expect(view.data.map((c) => c.id)).toEqual([conversationId]);
    // the author was not mentioned: nothing for them
    expect((await mentionsView(ws.ownerCookie)).data).toEqual([]);
    await ownerInbox.until((f) => f.some((x) => x.type === "conversation"));
    expect(ownerInbox.frames.some((x) => x.type === "mention")).toBe(false);
    luisInbox.close();
    ownerInbox.close();
  });

  it("marks the agent's mentions read when they read the conversation", async () => {
    const { ws, conversationId, luis, luisCookie } = await setup();
    await note(ws.ownerCookie, conversationId, { text: "look", mention_ids: [luis.id] });
    // someone else reading it does not read Luis's mention
    await api(`/api/v1/conversations/${conversationId}/read`, {
      cookie: ws.ownerCookie,
      method: "POST",
    });
    expect((await storedMentions(conversationId))[0]?.readAt).toBeNull();
    const read = await api(`/api/v1/conversations/${conversationId}/read`, {
      cookie: luisCookie,
      method: "POST",
    });
    expect(read.status).toBe(204);
    expect((await storedMentions(conversationId))[0]?.readAt).toEqual(expect.any(Number));
  });

  it("lists the most recently mentioned conversation first, page by page", async () => {
    const { ws, channel, conversationId, luis, luisCookie } = await setup();
    const second = await visitorSays((await visitorSession(channel.id)).token, "Another one");
    const third = await visitorSays((await visitorSession(channel.id)).token, "And a third");
    await note(ws.ownerCookie, conversationId, { text: "first", mention_ids: [luis.id] });
    await note(ws.ownerCookie, second.conversation_id, { text: "second", mention_ids: [luis.id] });
    // a later mention moves the first conversation back to the top; the third has none
    await note(ws.ownerCookie, conversationId, { text: "again", mention_ids: [luis.id] });
    await visitorSays((await visitorSession(channel.id)).token, "newest activity, no mention");

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await mentionsView(luisCookie, `&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([conversationId, second.conversation_id]);
    expect(seen).not.toContain(third.conversation_id);
    // filters still apply
    expect((await mentionsView(luisCookie, "&status=closed")).data).toEqual([]);
  });

  it("refuses a mention of someone outside the workspace, and stores nothing", async () => {
    const { ws, conversationId, luis } = await setup();
    const other = await newWorkspace();
    const before = await messagesOf(ws.ownerCookie, conversationId);
    const problem = await expectProblem(
      await note(ws.ownerCookie, conversationId, {
        text: "@stranger",
        mention_ids: [luis.id, other.owner.id],
      }),
      422,
    );
    expect(problem.errors).toEqual([
      { path: "mention_ids.1", message: "not an active member of this workspace" },
    ]);
    expect(await messagesOf(ws.ownerCookie, conversationId)).toEqual(before);
    expect(await storedMentions(conversationId)).toEqual([]);
  });

  it("refuses a deactivated member, a made-up id, and mentions outside a note", async () => {
    const { ws, conversationId, luis } = await setup();
    await db().update(memberships).set({ active: false }).where(eq(memberships.userId, luis.id));
    const inactive = await expectProblem(
      await note(ws.ownerCookie, conversationId, { text: "hey", mention_ids: [luis.id] }),
      422,
    );
    expect(inactive.errors?.map((e) => e.path)).toEqual(["mention_ids.0"]);
    const madeUp = await expectProblem(
      await note(ws.ownerCookie, conversationId, { text: "hey", mention_ids: ["usr_nobody"] }),
      422,
    );
    expect(madeUp.errors?.map((e) => e.path)).toEqual(["mention_ids.0"]);
    const reply = await expectProblem(
      await api(`/api/v1/conversations/${conversationId}/messages`, {
        cookie: ws.ownerCookie,
        body: { text: "to the customer", mention_ids: [ws.owner.id] },
      }),
      422,
    );
    expect(reply.errors?.map((e) => e.path)).toEqual(["mention_ids"]);
    expect((await messagesOf(ws.ownerCookie, conversationId)).map((m) => m.kind)).toEqual(["text"]);
    expect(await storedMentions(conversationId)).toEqual([]);
  });

  it("reads the Mentions view from the mentions index, never scanning conversations", async () => {
    const ws = await newWorkspace();
    const principal: Principal = {
      workspaceId: ws.id,
      role: "agent",
      userId: ws.owner.id,
      apiKeyId: null,
      via: "session",
      sessionIdHash: null,
    };
    const filter = {
      view: "mentions" as const,
      status: "open" as const,
      cursor: `${Date.now()}.cv_01JD0000000000000000000000`,
      limit: 25,
      sort: "newest" as const,
    };
    const { sql, params } = mentionsQuery(createDb(env.DB), principal, filter).toSQL();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/mentions USING (COVERING )?INDEX mentions_user_idx/);
    expect(details).not.toMatch(/SCAN (conversations|channels|contacts|mentions)\b(?! USING)/);
  });
});
