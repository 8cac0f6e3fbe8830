import { describe, expect, it } from "vitest";
import { api, db, expectProblem, json, newWorkspace } from "../helpers";

type Segment = { id: string; name: string; rules: unknown };

const vipInLisbon = {
  match: "all",
  groups: [
    {
      match: "all",
      rules: [
        { type: "tag", operator: "has_any", tags: ["vip"] },
        { type: "field", field: "city", operator: "eq", value: "Lisboa" },
      ],
    },
  ],
};

async function workspaceWithCity() {
  const ws = await newWorkspace();
  const cookie = ws.ownerCookie;
  await api("/api/v1/contact-fields", {
    cookie,
    body: { key: "city", label: "City", type: "text" },
  });
  const add = async (body: Record<string, unknown>) =>
    (await json<{ id: string }>(await api("/api/v1/contacts", { cookie, body }))).id;
  const match = await add({ name: "Ana", tags: ["vip"], custom_fields: { city: "Lisboa" } });
  await add({ name: "Rui", tags: ["vip"], custom_fields: { city: "Porto" } });
  await add({ name: "Eva", custom_fields: { city: "Lisboa" } });
  return { ws, cookie, match };
}

describe("segments API", () => {
  it("previews, saves, lists, pages, filters the contacts list, renames and deletes", async () => {
    const { cookie, match } = await workspaceWithCity();
    const preview = await json<{ count: number; sample: { id: string }[] }>(
      await api("/api/v1/segments/preview", { cookie, body: { rules: vipInLisbon } }),
    );
    expect(preview).toMatchObject({ count: 1, sample: [{ id: match }] });

    const created = await api("/api/v1/segments", {
      cookie,
      body: { name: "VIP Lisboa", rules: vipInLisbon },
    });
    expect(created.status).toBe(201);
    const segment = await json<Segment>(created);
    expect(segment.rules).toEqual(vipInLisbon);
    await expectProblem(
      await api("/api/v1/segments", { cookie, body: { name: "VIP Lisboa", rules: vipInLisbon } }),
      409,
    );

    const list = await json<{ data: Segment[] }>(await api("/api/v1/segments", { cookie }));
    expect(list.data.map((s) => s.name)).toEqual(["VIP Lisboa"]);
    const page = await json<{ data: { id: string }[]; next_after: string | null }>(
      await api(`/api/v1/segments/${segment.id}/contacts?limit=5`, { cookie }),
    );
    expect(page).toMatchObject({ data: [{ id: match }], next_after: null });
    const contacts = await json<{ data: { id: string }[]; total: number }>(
      await api(`/api/v1/contacts?segment_id=${segment.id}`, { cookie }),
    );
    expect(contacts).toMatchObject({ data: [{ id: match }], total: 1 });

    const renamed = await api(`/api/v1/segments/${segment.id}`, {
      cookie,
      method: "PATCH",
      body: { name: "Lisbon VIPs" },
    });
    expect((await json<Segment>(renamed)).name).toBe("Lisbon VIPs");
    expect((await api(`/api/v1/segments/${segment.id}`, { cookie, method: "DELETE" })).status).toBe(
      204,
    );
    await expectProblem(await api(`/api/v1/segments/${segment.id}`, { cookie }), 404);
  });

  it("refuses rules the workspace cannot satisfy with their paths, storing nothing", async () => {
    const { ws, cookie } = await workspaceWithCity();
    const refused = async (rules: unknown) => {
      const problem = await expectProblem(
        await api("/api/v1/segments", { cookie, body: { name: "Bad", rules } }),
        422,
      );
      return problem.errors?.map((e) => e.path);
    };
    const group = (...rules: unknown[]) => ({ groups: [{ rules }] });
    const tag = { type: "tag", operator: "has_any", tags: ["vip"] };
    expect(
      await refused(group(tag, { type: "field", field: "city", operator: "gt", value: 3 })),
    ).toEqual(["rules.groups.0.rules.1.operator"]);
    expect(
      await refused(group(tag, { type: "field", field: "city", operator: "eq", value: 3 })),
    ).toEqual(["rules.groups.0.rules.1.value"]);
    expect(await refused(group({ type: "field", field: "nope", operator: "set" }))).toEqual([
      "rules.groups.0.rules.0.field",
    ]);
    expect(await refused(group({ type: "channel", operator: "has", channel_id: "ch_x" }))).toEqual([
      "rules.groups.0.rules.0.channel_id",
    ]);
    expect(await refused(group({ type: "last_activity", operator: "within", days: 0 }))).toEqual([
      "rules.groups.0.rules.0.days",
    ]);
    expect(await refused(group({ type: "created", operator: "before" }))).toEqual([
      "rules.groups.0.rules.0.date",
    ]);
    expect(await refused(group({ type: "unknown" }))).toEqual(["rules.groups.0.rules.0.type"]);
    const stored = await db().query.segments.findMany({
      where: (s, { eq }) => eq(s.workspaceId, ws.id),
    });
    expect(stored).toEqual([]);
  });

  it("lets agents read and preview segments but not change them", async () => {
    const { ws } = await workspaceWithCity();
    const agent = await (await ws.addMember("agent")).login();
    const preview = await api("/api/v1/segments/preview", {
      cookie: agent,
      body: { rules: vipInLisbon },
    });
    expect(preview.status).toBe(200);
    await expectProblem(
      await api("/api/v1/segments", { cookie: agent, body: { name: "X", rules: vipInLisbon } }),
      403,
    );
  });
});
