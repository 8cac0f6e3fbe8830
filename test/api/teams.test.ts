import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships } from "../../worker/db/schema";
import type { ConversationDto } from "../../worker/schemas/conversations";
import {
  api,
  db,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";

type Team = { id: string; member_ids: string[] };

async function setPresence(workspaceId: string, userId: string, status: "online" | "offline") {
  await env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(workspaceId)).setPresence(
    workspaceId,
    userId,
    status,
  );
}

async function setCapacity(workspaceId: string, userId: string, capacity: number) {
  await db()
    .update(memberships)
    .set({ capacity })
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
}

async function setup(strategy = "round_robin") {
  const ws = await newWorkspace();
  const cookie = ws.ownerCookie;
  const ana = await ws.addMember("agent");
  const ben = await ws.addMember("agent");
  const cid = await ws.addMember("agent");
  for (const a of [ana, ben, cid]) await setCapacity(ws.id, a.id, 3);
  const team = await json<Team>(
    await api("/api/v1/teams", {
      cookie,
      body: { name: "Support", assignment: strategy, member_ids: [ana.id, ben.id, cid.id] },
    }),
  );
  const channel = await newWebchat(cookie);
  const conversations: string[] = [];
  const arrive = async (n: number) => {
    const ids = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const visitor = await visitorSession(channel.id, { name: `Visitor ${i}` });
        return (await visitorSays(visitor.token, `help ${i}`)).conversation_id;
      }),
    );
    conversations.push(...ids);
    return ids;
  };
  const toTeam = (id: string) =>
    api(`/api/v1/conversations/${id}/transfer`, { cookie, body: { team_id: team.id } });
  const get = async (id: string) =>
    json<ConversationDto>(await api(`/api/v1/conversations/${id}`, { cookie }));
  return { ws, cookie, ana, ben, cid, team, arrive, toTeam, get };
}

describe("teams and auto-assignment", () => {
  it("validates members and names", async () => {
    const ws = await newWorkspace();
    const refused = await expectProblem(
      await api("/api/v1/teams", {
        cookie: ws.ownerCookie,
        body: { name: "Sales", member_ids: ["usr_nobody"] },
      }),
      422,
    );
    expect(refused.errors?.[0]?.path).toBe("member_ids.0");
    await api("/api/v1/teams", { cookie: ws.ownerCookie, body: { name: "Sales" } });
    await expectProblem(
      await api("/api/v1/teams", { cookie: ws.ownerCookie, body: { name: "Sales" } }),
      409,
    );
  });

  it("assigns only online agents, never over capacity under concurrent arrivals, and drains oldest first", async () => {
    const t = await setup("least_busy");
    await setPresence(t.ws.id, t.ana.id, "online");
    await setPresence(t.ws.id, t.ben.id, "online");
    // cid stays offline
    const ids = await t.arrive(10);
    const transfers = await Promise.all(ids.map((id) => t.toTeam(id)));
    expect(transfers.every((r) => r.status === 200)).toBe(true);
    const after = await Promise.all(ids.map(t.get));
    const perAgent = new Map<string | null, number>();
    for (const c of after) perAgent.set(c.assignee_id, (perAgent.get(c.assignee_id) ?? 0) + 1);
    expect(perAgent.get(t.ana.id)).toBe(3);
    expect(perAgent.get(t.ben.id)).toBe(3);
    expect(perAgent.get(t.cid.id)).toBeUndefined();
    expect(perAgent.get(null)).toBe(4);
    expect(after.every((c) => c.team_id === t.team.id)).toBe(true);

    // ana closes one: the oldest waiting conversation goes to her
    const waiting = after
      .filter((c) => c.assignee_id === null)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    const anasFirst = after.find((c) => c.assignee_id === t.ana.id);
    if (!anasFirst || !waiting[0]) throw new Error("setup");
    await api(`/api/v1/conversations/${anasFirst.id}/status`, {
      cookie: t.cookie,
      body: { status: "closed" },
    });
    expect((await t.get(waiting[0].id)).assignee_id).toBe(t.ana.id);

    // cid comes online: takes up to capacity from the queue
    await setPresence(t.ws.id, t.cid.id, "online");
    const final = await Promise.all(ids.map(t.get));
    expect(final.filter((c) => c.assignee_id === t.cid.id)).toHaveLength(3);
    expect(final.filter((c) => c.assignee_id === null && c.status !== "closed")).toHaveLength(0);
  });

  it("transfers to an agent with a note and records the move", async () => {
    const t = await setup("manual");
    const [id] = await t.arrive(1);
    if (!id) throw new Error("no conversation");
    const moved = await json<ConversationDto>(
      await api(`/api/v1/conversations/${id}/transfer`, {
        cookie: t.cookie,
        body: { team_id: t.team.id, user_id: t.ben.id, note: "VIP, be kind" },
      }),
    );
    expect(moved).toMatchObject({ team_id: t.team.id, assignee_id: t.ben.id });
    const { data } = await json<{
      data: { kind: string; text: string | null; event: { type: string } | null }[];
    }>(await api(`/api/v1/conversations/${id}/messages?after_seq=0`, { cookie: t.cookie }));
    expect(data.map((m) => (m.kind === "event" ? m.event?.type : m.kind))).toEqual([
      "text",
      "note",
      "transferred",
      "assigned",
    ]);
    await expectProblem(
      await api(`/api/v1/conversations/${id}/transfer`, { cookie: t.cookie, body: {} }),
      422,
    );
  });
});

describe("business hours API", () => {
  it("stores a schedule and says whether it is open now", async () => {
    const ws = await newWorkspace();
    const always = await json<{ open_now: boolean; next_opening: string | null }>(
      await api("/api/v1/business-hours", {
        cookie: ws.ownerCookie,
        body: {
          name: "Always",
          timezone: "Pacific/Auckland",
          weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "24:00" })),
        },
      }),
    );
    expect(always.open_now).toBe(true);
    const bad = await expectProblem(
      await api("/api/v1/business-hours", {
        cookie: ws.ownerCookie,
        body: {
          name: "Bad",
          timezone: "Mars/Olympus",
          weekly: [{ day: 1, open: "18:00", close: "09:00" }],
        },
      }),
      422,
    );
    expect(bad.errors?.map((e) => e.path).sort()).toEqual(["timezone", "weekly.0.close"]);
  });
});
