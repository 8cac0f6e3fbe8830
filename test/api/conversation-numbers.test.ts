import { env } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations } from "../../worker/db/schema";
import { openConversation } from "../../worker/domain/messaging/conversations";
import type { ConversationDto } from "../../worker/schemas/conversations";
import { insertContacts } from "../fixtures";
import { api, db, json, newWebchat, newWorkspace, visitorSays, visitorSession } from "../helpers";

const numbersOf = async (workspaceId: string) =>
  (
    await db()
      .select({ number: conversations.number })
      .from(conversations)
      .where(eq(conversations.workspaceId, workspaceId))
  )
    .map((r) => r.number)
    .sort((a, b) => a - b);

const search = async (cookie: string, q: string) =>
  (
    await json<{ data: { conversation_id: string; message_id: string | null; snippet: string }[] }>(
      await api(`/api/v1/search/messages?q=${encodeURIComponent(q)}`, { cookie }),
    )
  ).data;

describe("conversation numbers", () => {
  it("conversations opened at the same moment each get the next number of their workspace", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const otherChannel = await newWebchat(other.ownerCookie);
    const contactIds = await insertContacts(ws.id, 16);
    const otherContacts = await insertContacts(other.id, 3);
    const now = Date.now();
    await Promise.all([
      ...contactIds.map((contactId) =>
        openConversation(db(), env, { workspaceId: ws.id, channelId: channel.id, contactId }, now),
      ),
      ...otherContacts.map((contactId) =>
        openConversation(
          db(),
          env,
          { workspaceId: other.id, channelId: otherChannel.id, contactId },
          now,
        ),
      ),
    ]);
    expect(await numbersOf(ws.id)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(await numbersOf(other.id)).toEqual([1, 2, 3]);
  });

  it("the inbox shows the number, and searching #N or N finds that conversation", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const ids: string[] = [];
    for (const text of ["first", "second", "third"]) {
      const visitor = await visitorSession(channel.id);
      ids.push((await visitorSays(visitor.token, text)).conversation_id);
    }
    const third = await json<ConversationDto>(
      await api(`/api/v1/conversations/${ids[2]}`, { cookie: ws.ownerCookie }),
    );
    expect(third.number).toBe(3);
    const list = await json<{ data: ConversationDto[] }>(
      await api("/api/v1/conversations?view=all", { cookie: ws.ownerCookie }),
    );
    expect(list.data.map((c) => c.number)).toEqual([3, 2, 1]);
    for (const q of ["#2", "2"]) {
      const [hit] = await search(ws.ownerCookie, q);
      expect(hit).toMatchObject({ conversation_id: ids[1], message_id: null, snippet: "[#2]" });
    }
    expect(await search(ws.ownerCookie, "#99")).toEqual([]);
    // another workspace's #1 is not found from here
    const other = await newWorkspace();
    expect(await search(other.ownerCookie, "#1")).toEqual([]);
  });

  it("the migration numbers existing conversations by creation order, per workspace", async () => {
    const backfill = env.TEST_MIGRATIONS.find((m) =>
      m.name.includes("conversation_numbers"),
    )?.queries.find((q) => q.includes("UPDATE `conversations`"));
    expect(backfill).toBeDefined();
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const contactIds = await insertContacts(ws.id, 4);
    // opened in reverse order of creation time: numbers must follow created_at, not insertion
    const base = Date.now();
    for (const [i, contactId] of contactIds.entries())
      await openConversation(
        db(),
        env,
        { workspaceId: ws.id, channelId: channel.id, contactId },
        base + 1000 * (contactIds.length - i),
      );
    // as before the migration: numbers unknown (kept distinct for the unique index)
    await env.DB.prepare("UPDATE conversations SET number = -number").run();
    await env.DB.prepare(backfill ?? "").run();
    const rows = await db()
      .select({ number: conversations.number, createdAt: conversations.createdAt })
      .from(conversations)
      .where(eq(conversations.workspaceId, ws.id))
      .orderBy(asc(conversations.createdAt));
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4]);
  });
});
