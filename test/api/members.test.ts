import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, teamMembers } from "../../worker/db/schema";
import { api, db, expectProblem, json, newWorkspace } from "../helpers";

type User = { id: string; role: string; capacity: number; team_ids: string[]; active: boolean };

const patch = (cookie: string, id: string, body: unknown) =>
  api(`/api/v1/users/${id}`, { cookie, method: "PATCH", body });

async function newTeam(cookie: string, name: string, member_ids: string[] = []) {
  return json<{ id: string; member_ids: string[] }>(
    await api("/api/v1/teams", { cookie, body: { name, member_ids } }),
  );
}

describe("a member's capacity and teams", () => {
  it("lists members with their capacity and teams", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const team = await newTeam(ws.ownerCookie, "Sales", [agent.id]);
    const { data } = await json<{ data: User[] }>(
      await api("/api/v1/users", { cookie: ws.ownerCookie }),
    );
    expect(data.find((u) => u.id === agent.id)).toMatchObject({
      capacity: 5,
      team_ids: [team.id],
    });
  });

  it("an admin changes capacity and replaces the teams; the teams show the change", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const sales = await newTeam(ws.ownerCookie, "Sales", [agent.id]);
    const support = await newTeam(ws.ownerCookie, "Support");
    const billing = await newTeam(ws.ownerCookie, "Billing");
    const changed = await json<User>(
      await patch(ws.ownerCookie, agent.id, { capacity: 12, team_ids: [support.id, billing.id] }),
    );
    expect(changed.capacity).toBe(12);
    expect(changed.team_ids.sort()).toEqual([billing.id, support.id].sort());
    const team = (id: string) =>
      api(`/api/v1/teams/${id}`, { cookie: ws.ownerCookie }).then((r) =>
        json<{ member_ids: string[] }>(r),
      );
    expect((await team(sales.id)).member_ids).toEqual([]);
    expect((await team(support.id)).member_ids).toEqual([agent.id]);
    const cleared = await json<User>(await patch(ws.ownerCookie, agent.id, { team_ids: [] }));
    expect(cleared.team_ids).toEqual([]);
    expect(cleared.capacity).toBe(12);
  });

  it("refuses a bad capacity or another workspace's team, naming the field, and stores nothing", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const agent = await ws.addMember("agent");
    const mine = await newTeam(ws.ownerCookie, "Mine", [agent.id]);
    const theirs = await newTeam(other.ownerCookie, "Theirs");
    const bad = await expectProblem(
      await patch(ws.ownerCookie, agent.id, { capacity: -1, role: "owner", team_ids: ["x"] }),
      422,
    );
    expect(bad.errors?.map((e) => e.path)).toEqual(["capacity"]);
    const foreign = await expectProblem(
      await patch(ws.ownerCookie, agent.id, { capacity: 9, team_ids: [mine.id, theirs.id] }),
      422,
    );
    expect(foreign.errors).toEqual([{ path: "team_ids.1", message: "no such team" }]);
    const [membership] = await db()
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, ws.id), eq(memberships.userId, agent.id)));
    expect(membership?.capacity).toBe(5);
    expect(membership?.role).toBe("agent");
    const rows = await db().select().from(teamMembers).where(eq(teamMembers.userId, agent.id));
    expect(rows.map((r) => r.teamId)).toEqual([mine.id]);
  });

  it("an admin cannot raise anyone above their own role nor change an owner's capacity", async () => {
    const ws = await newWorkspace();
    const admin = await ws.addMember("admin");
    const agent = await ws.addMember("agent");
    const cookie = await admin.login();
    await expectProblem(await patch(cookie, agent.id, { role: "owner" }), 403);
    await expectProblem(await patch(cookie, ws.owner.id, { capacity: 1 }), 403);
    expect((await patch(cookie, agent.id, { role: "admin" })).status).toBe(200);
  });
});
