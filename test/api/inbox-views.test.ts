import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationDto, MessageDto } from "../../worker/schemas/conversations";
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

type Page = { data: ConversationDto[]; next_cursor: string | null };
type Workspace = Awaited<ReturnType<typeof newWorkspace>>;

async function list(cookie: string, query: string) {
  const response = await api(`/api/v1/conversations?${query}`, { cookie });
  if (response.status !== 200) throw new Error(`list: ${await response.text()}`);
  return json<Page>(response);
}

/** Every id of a listing, walked one page of `limit` at a time through next_cursor. */
async function walk(cookie: string, query: string, limit = 2) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await list(
      cookie,
      `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    seen.push(...page.data.map((c) => c.id));
    cursor = page.next_cursor;
  } while (cursor);
  return seen;
}

async function conversations(ws: Workspace, count: number, channelId?: string) {
  const channel = channelId ?? (await newWebchat(ws.ownerCookie)).id;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const visitor = await visitorSession(channel);
    ids.push((await visitorSays(visitor.token, `hello ${i}`)).conversation_id);
  }
  return ids;
}

const reply = (cookie: string, id: string, text = "On it") =>
  api(`/api/v1/conversations/${id}/messages`, { cookie, body: { text } });

describe("sorting the inbox", () => {
  it("orders by newest, oldest, waiting longest and SLA due, and every page walk gives the same order", async () => {
    const ws = await newWorkspace();
    const [a, b, c, d, e] = (await conversations(ws, 5)) as [
      string,
      string,
      string,
      string,
      string,
    ];
    // b and d have been answered: only a, c and e wait for a reply, a the longest
    expect((await reply(ws.ownerCookie, b)).status).toBe(201);
    expect((await reply(ws.ownerCookie, d)).status).toBe(201);
    // arrange SLA targets: e is due first, then a; the others have none
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare("UPDATE conversations SET first_response_due_at = ? WHERE id = ?").bind(
        now + 60_000,
        e,
      ),
      env.DB.prepare("UPDATE conversations SET first_response_due_at = ? WHERE id = ?").bind(
        now + 120_000,
        a,
      ),
    ]);

    const full = async (sort: string) =>
      (await list(ws.ownerCookie, `sort=${sort}&limit=100`)).data.map((x) => x.id);
    const newest = await full("newest");
    expect(newest.slice(0, 2)).toEqual([d, b]);
    expect(newest).toEqual(await full("newest"));
    expect(await full("oldest")).toEqual([...newest].reverse());
    expect((await full("waiting_longest")).slice(0, 3)).toEqual([a, c, e]);
    expect((await full("sla_due")).slice(0, 2)).toEqual([e, a]);

    for (const sort of ["newest", "oldest", "waiting_longest", "sla_due"]) {
      const walked = await walk(ws.ownerCookie, `sort=${sort}`);
      expect(walked, sort).toEqual(await full(sort));
      expect(new Set(walked).size).toBe(5);
    }
  });

  it("refuses an unknown sort with the field named", async () => {
    const ws = await newWorkspace();
    const problem = await expectProblem(
      await api("/api/v1/conversations?sort=loudest", { cookie: ws.ownerCookie }),
      422,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["query.sort"]);
  });
});

describe("the my_teams view and the label filter", () => {
  it("lists the conversations of the caller's teams only", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const created = await api("/api/v1/teams", {
      cookie: ws.ownerCookie,
      body: { name: "Billing", member_ids: [agent.id] },
    });
    const team = await json<{ id: string }>(created);
    const billing = await newWebchat(ws.ownerCookie);
    const routed = await api(`/api/v1/channels/${billing.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: { team_id: team.id },
    });
    expect(routed.status).toBe(200);
    const ofTeam = await conversations(ws, 2, billing.id);
    await conversations(ws, 1);

    const agentCookie = await agent.login();
    const mine = (await list(agentCookie, "view=my_teams")).data.map((c) => c.id);
    expect(mine.sort()).toEqual([...ofTeam].sort());
    // the owner is in no team
    expect((await list(ws.ownerCookie, "view=my_teams")).data).toEqual([]);
  });

  it("filters by label, any case", async () => {
    const ws = await newWorkspace();
    const [a, b] = (await conversations(ws, 2)) as [string, string];
    const labelled = await api(`/api/v1/conversations/${a}/labels`, {
      cookie: ws.ownerCookie,
      body: { labels: ["VIP"] },
    });
    expect(labelled.status).toBe(200);
    const vip = await list(ws.ownerCookie, "label=vip");
    expect(vip.data.map((c) => c.id)).toEqual([a]);
    expect(vip.data[0]?.labels).toEqual(["vip"]);
    expect((await list(ws.ownerCookie, "label=Vip")).data.map((c) => c.id)).toEqual([a]);
    expect((await list(ws.ownerCookie, "label=other")).data).toEqual([]);
    expect(b).toBeTruthy();
  });
});

type SavedView = { id: string; name: string; filters: Record<string, string> };

describe("saved views", () => {
  const save = (cookie: string, body: unknown) => api("/api/v1/saved-views", { cookie, body });
  const views = async (cookie: string) =>
    (await json<{ data: SavedView[] }>(await api("/api/v1/saved-views", { cookie }))).data;

  it("are created, listed, renamed and deleted by their owner", async () => {
    const ws = await newWorkspace();
    const team = await json<{ id: string }>(
      await api("/api/v1/teams", { cookie: ws.ownerCookie, body: { name: "Sales" } }),
    );
    const response = await save(ws.ownerCookie, {
      name: " Urgent sales ",
      filters: { view: "unassigned", status: "open", team_id: team.id, sort: "sla_due" },
    });
    expect(response.status).toBe(201);
    const view = await json<SavedView>(response);
    expect(view).toMatchObject({
      name: "Urgent sales",
      filters: { view: "unassigned", status: "open", team_id: team.id, sort: "sla_due" },
    });
    expect((await views(ws.ownerCookie)).map((v) => v.name)).toEqual(["Urgent sales"]);

    const renamed = await api(`/api/v1/saved-views/${view.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { name: "Sales queue" },
    });
    expect(renamed.status).toBe(200);
    expect((await json<SavedView>(renamed)).filters.team_id).toBe(team.id);

    const deleted = await api(`/api/v1/saved-views/${view.id}`, {
      method: "DELETE",
      cookie: ws.ownerCookie,
    });
    expect(deleted.status).toBe(204);
    expect(await views(ws.ownerCookie)).toEqual([]);
  });

  it("refuses bad names and filters with their field, a taken name, and stores nothing", async () => {
    const ws = await newWorkspace();
    const cases: [unknown, string][] = [
      [{ name: "", filters: {} }, "name"],
      [{ name: "x".repeat(61), filters: {} }, "name"],
      [{ name: "a\u0000b", filters: {} }, "name"],
      [{ name: "Bad view", filters: { view: "everything" } }, "filters.view"],
      [{ name: "Bad sort", filters: { sort: "loudest" } }, "filters.sort"],
      [{ name: "Extra", filters: { colour: "red" } }, "filters.colour"],
      [
        { name: "No team", filters: { team_id: "team_00000000000000000000000000" } },
        "filters.team_id",
      ],
      [{ name: "Missing filters" }, "filters"],
    ];
    for (const [body, path] of cases) {
      const problem = await expectProblem(await save(ws.ownerCookie, body), 422);
      expect(
        problem.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toEqual([path]);
    }
    expect((await save(ws.ownerCookie, { name: "Mine", filters: { view: "mine" } })).status).toBe(
      201,
    );
    const taken = await expectProblem(
      await save(ws.ownerCookie, { name: "Mine", filters: {} }),
      409,
    );
    expect(taken.errors?.map((e) => e.path)).toEqual(["name"]);
    expect((await views(ws.ownerCookie)).map((v) => v.name)).toEqual(["Mine"]);
  });

  it("are each person's own: others neither see, rename nor delete them", async () => {
    const ws = await newWorkspace();
    const admin = await ws.addMember("admin");
    const adminCookie = await admin.login();
    const view = await json<SavedView>(
      await save(ws.ownerCookie, { name: "Owner's", filters: { view: "all" } }),
    );
    expect(await views(adminCookie)).toEqual([]);
    // the same name is free for someone else
    expect((await save(adminCookie, { name: "Owner's", filters: {} })).status).toBe(201);
    for (const [method, body] of [
      ["PATCH", { name: "Taken over" }],
      ["DELETE", undefined],
    ] as const) {
      await expectProblem(
        await api(`/api/v1/saved-views/${view.id}`, { method, cookie: adminCookie, body }),
        404,
      );
    }
    expect((await views(ws.ownerCookie)).map((v) => v.name)).toEqual(["Owner's"]);
    // API keys are nobody: they have no saved views
    const key = await createKey(ws.ownerCookie);
    await expectProblem(await api("/api/v1/saved-views", { key }), 403);
  });
});

type BulkAnswer = { results: { id: string; ok: boolean; conversation?: ConversationDto }[] };

const bulk = (cookie: string, body: unknown) => api("/api/v1/conversations/bulk", { cookie, body });

async function timeline(cookie: string, id: string) {
  const { data } = await json<{ data: MessageDto[] }>(
    await api(`/api/v1/conversations/${id}/messages`, { cookie }),
  );
  return data.filter((m) => m.kind === "event").map((m) => m.event?.type);
}

describe("bulk actions", () => {
  it("assigns, labels, unlabels and closes each conversation with its own timeline event", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const ids = await conversations(ws, 3);
    const cookie = ws.ownerCookie;

    const assigned = await json<BulkAnswer>(
      await bulk(cookie, { action: "assign", conversation_ids: ids, user_id: agent.id }),
    );
    expect(assigned.results.map((r) => [r.id, r.ok, r.conversation?.assignee_id])).toEqual(
      ids.map((id) => [id, true, agent.id]),
    );
    const labelled = await json<BulkAnswer>(
      await bulk(cookie, { action: "label", conversation_ids: ids, labels: ["Refund", "vip"] }),
    );
    expect(labelled.results.every((r) => r.conversation?.labels.join() === "refund,vip")).toBe(
      true,
    );
    await bulk(cookie, { action: "unlabel", conversation_ids: ids, labels: ["vip"] });
    expect((await list(cookie, "label=refund")).data.map((c) => c.labels)).toEqual([
      ["refund"],
      ["refund"],
      ["refund"],
    ]);
    const closed = await json<BulkAnswer>(
      await bulk(cookie, { action: "close", conversation_ids: [ids[0], ids[1], ids[0]] }),
    );
    expect(closed.results.map((r) => r.conversation?.status)).toEqual(["closed", "closed"]);
    expect((await list(cookie, "status=closed")).data).toHaveLength(2);
    expect(await timeline(cookie, ids[0] as string)).toEqual([
      "assigned",
      "labels_changed",
      "labels_changed",
      "status_changed",
    ]);
    expect(await timeline(cookie, ids[2] as string)).toEqual([
      "assigned",
      "labels_changed",
      "labels_changed",
    ]);
  });

  it("refuses the whole request when one id, the assignee or the closing reason is wrong, and changes nothing", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const ids = await conversations(ws, 2);
    const other = await newWorkspace();
    const [foreign] = await conversations(other, 1);
    const before = JSON.stringify(await list(cookie, "limit=100"));
    const cases: [unknown, string[]][] = [
      [
        { action: "close", conversation_ids: [ids[0], "cv_00000000000000000000000000", ids[1]] },
        ["conversation_ids.1"],
      ],
      [
        { action: "label", conversation_ids: [...ids, foreign], labels: ["x"] },
        ["conversation_ids.2"],
      ],
      [{ action: "assign", conversation_ids: ids, user_id: other.owner.id }, ["user_id"]],
      [{ action: "explode", conversation_ids: ids }, ["action"]],
      [{ action: "close", conversation_ids: [] }, ["conversation_ids"]],
      [
        { action: "close", conversation_ids: Array.from({ length: 101 }, () => ids[0]) },
        ["conversation_ids"],
      ],
      [{ action: "label", conversation_ids: ids, labels: [] }, ["labels"]],
    ];
    for (const [body, paths] of cases) {
      const problem = await expectProblem(await bulk(cookie, body), 422);
      expect(
        problem.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toEqual(paths);
    }
    await api("/api/v1/workspace/settings", {
      method: "PATCH",
      cookie,
      body: { close_reasons: ["solved"] },
    });
    const reasonless = await expectProblem(
      await bulk(cookie, { action: "close", conversation_ids: ids }),
      422,
    );
    expect(reasonless.errors?.map((e) => e.path)).toEqual(["reason"]);
    expect(JSON.stringify(await list(cookie, "limit=100"))).toBe(before);
    for (const id of ids) expect(await timeline(cookie, id)).toEqual([]);
  });
});
