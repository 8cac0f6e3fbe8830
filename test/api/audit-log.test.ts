import { describe, expect, it } from "vitest";
import { fakeUrl } from "../channel-helpers";
import { api, createKey, expectProblem, json, newWorkspace } from "../helpers";

type Entry = {
  action: string;
  actor: { type: string; id: string | null; name: string | null };
  target: { type: string; id: string | null };
  created_at: string;
};
type Page = { data: Entry[]; next_cursor: string | null };

const auditLog = async (cookie: string, query: Record<string, string> = {}) =>
  json<Page>(await api(`/api/v1/audit-log?${new URLSearchParams(query)}`, { cookie }));

/** A workspace whose log holds an API key made by the owner, then a webhook made with that key. */
async function workspaceWithHistory() {
  const ws = await newWorkspace();
  const key = await createKey(ws.ownerCookie);
  const created = await api("/api/v1/webhook-subscriptions", {
    key,
    body: { url: `${fakeUrl()}/hooks/audit`, events: ["message.created"] },
  });
  expect(created.status).toBe(201);
  const { id } = await json<{ id: string }>(created);
  await api(`/api/v1/webhook-subscriptions/${id}`, {
    method: "PATCH",
    cookie: ws.ownerCookie,
    body: { active: false },
  });
  return ws;
}

describe("audit log filters", () => {
  it("names who acted, and filters by actor, action, kind of action and object type", async () => {
    const ws = await workspaceWithHistory();
    const all = await auditLog(ws.ownerCookie);
    expect(all.data.map((e) => e.action)).toEqual([
      "webhook.updated",
      "webhook.created",
      "api_key.created",
    ]);
    const [updated, byKey, keyCreated] = all.data;
    expect(updated?.actor).toEqual({ type: "user", id: ws.owner.id, name: expect.any(String) });
    expect(byKey?.actor).toMatchObject({ type: "api_key", name: expect.any(String) });
    expect(keyCreated?.actor.name).toBe(updated?.actor.name);

    const keyId = byKey?.actor.id ?? "";
    const actions = async (query: Record<string, string>) =>
      (await auditLog(ws.ownerCookie, query)).data.map((e) => e.action);
    expect(await actions({ actor_id: keyId })).toEqual(["webhook.created"]);
    expect(await actions({ actor_id: ws.owner.id })).toEqual([
      "webhook.updated",
      "api_key.created",
    ]);
    expect(await actions({ action: "webhook.created" })).toEqual(["webhook.created"]);
    expect(await actions({ action: "webhook" })).toEqual(["webhook.updated", "webhook.created"]);
    // a kind is a whole word: "web" names nothing
    expect(await actions({ action: "web" })).toEqual([]);
    expect(await actions({ target_type: "api_key" })).toEqual(["api_key.created"]);
    expect(await actions({ target_type: "webhook", actor_id: ws.owner.id })).toEqual([
      "webhook.updated",
    ]);
  });

  it("filters by a time range, `from` included and `to` not, and pages through the result", async () => {
    const ws = await workspaceWithHistory();
    const all = (await auditLog(ws.ownerCookie)).data;
    const oldest = all.at(-1)?.created_at ?? "";
    const newest = all[0]?.created_at ?? "";
    const between = async (query: Record<string, string>) =>
      (await auditLog(ws.ownerCookie, query)).data.length;
    expect(await between({ from: oldest })).toBe(3);
    expect(await between({ to: oldest })).toBe(0);
    expect(await between({ from: new Date(Date.parse(newest) + 1).toISOString() })).toBe(0);
    expect(
      await between({ from: oldest, to: new Date(Date.parse(newest) + 1).toISOString() }),
    ).toBe(3);

    const first = await auditLog(ws.ownerCookie, { target_type: "webhook", limit: "1" });
    expect(first.data.map((e) => e.action)).toEqual(["webhook.updated"]);
    const second = await auditLog(ws.ownerCookie, {
      target_type: "webhook",
      limit: "1",
      cursor: first.next_cursor ?? "",
    });
    expect(second.data.map((e) => e.action)).toEqual(["webhook.created"]);
    expect(second.next_cursor).toBeNull();
  });

  it("refuses filters it cannot read, naming the field", async () => {
    const ws = await newWorkspace();
    const refused = async (query: Record<string, string>, field: string) => {
      const problem = await expectProblem(
        await api(`/api/v1/audit-log?${new URLSearchParams(query)}`, { cookie: ws.ownerCookie }),
        422,
      );
      expect(problem.errors?.map((e: { path: string }) => e.path)).toEqual([`query.${field}`]);
    };
    await refused({ from: "yesterday" }, "from");
    await refused({ to: "2026-13-40T00:00:00Z" }, "to");
    await refused({ from: "2026-05-02T00:00:00.000Z", to: "2026-05-01T00:00:00.000Z" }, "to");
    await refused({ action: "Webhook Created" }, "action");
    await refused({ target_type: "web-hook" }, "target_type");
    await refused({ actor_id: "x".repeat(101) }, "actor_id");
  });

  it("lists the actions and object types the log holds, for admins only", async () => {
    const ws = await workspaceWithHistory();
    const facets = await json<{ actions: string[]; target_types: string[] }>(
      await api("/api/v1/audit-log/facets", { cookie: ws.ownerCookie }),
    );
    expect(facets).toEqual({
      actions: ["api_key.created", "webhook.created", "webhook.updated"],
      target_types: ["api_key", "webhook"],
    });
    const agent = await ws.addMember("agent");
    await expectProblem(
      await api("/api/v1/audit-log/facets", { cookie: await agent.login() }),
      403,
    );
  });
});

describe("API keys list", () => {
  it("says who each key acts for", async () => {
    const ws = await newWorkspace();
    await createKey(ws.ownerCookie, "agent");
    const keys = await json<{ data: { created_by: { id: string; name: string | null } }[] }>(
      await api("/api/v1/api-keys", { cookie: ws.ownerCookie }),
    );
    expect(keys.data[0]?.created_by).toEqual({ id: ws.owner.id, name: expect.any(String) });
  });
});

describe("webhook subscription description", () => {
  it("is changed, and cleared, by a PATCH", async () => {
    const ws = await newWorkspace();
    const created = await json<{ id: string; description: string | null }>(
      await api("/api/v1/webhook-subscriptions", {
        cookie: ws.ownerCookie,
        body: {
          url: `${fakeUrl()}/hooks/described`,
          events: ["message.created"],
          description: "CRM",
        },
      }),
    );
    const patch = async (description: string | null) =>
      json<{ description: string | null }>(
        await api(`/api/v1/webhook-subscriptions/${created.id}`, {
          method: "PATCH",
          cookie: ws.ownerCookie,
          body: { description },
        }),
      );
    expect((await patch("Billing sync")).description).toBe("Billing sync");
    expect((await patch("")).description).toBeNull();
    expect((await patch("Back")).description).toBe("Back");
    expect((await patch(null)).description).toBeNull();
    await expectProblem(
      await api(`/api/v1/webhook-subscriptions/${created.id}`, {
        method: "PATCH",
        cookie: ws.ownerCookie,
        body: { description: "two\nlines" },
      }),
      422,
    );
  });
});
