import { describe, expect, it } from "vitest";
import { insertMembers } from "../fixtures";
import { api, expectProblem, json, newWorkspace } from "../helpers";

type Team = { id: string; member_ids: string[] };

describe("a team of hundreds", () => {
  it("is created and changed with 100+ member_ids, checked against the workspace", async () => {
    const ws = await newWorkspace();
    const members = await insertMembers(ws.id, 300);
    const created = await api("/api/v1/teams", {
      cookie: ws.ownerCookie,
      body: { name: "Everyone", member_ids: members.slice(0, 120) },
    });
    expect(created.status).toBe(201);
    const team = await json<Team>(created);
    expect(team.member_ids).toEqual(members.slice(0, 120).sort());

    const changed = await api(`/api/v1/teams/${team.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { member_ids: members },
    });
    expect(changed.status).toBe(200);
    expect((await json<Team>(changed)).member_ids).toEqual([...members].sort());
  });

  it("names the first of 120 ids that is not a member", async () => {
    const ws = await newWorkspace();
    const members = await insertMembers(ws.id, 119);
    const refused = await expectProblem(
      await api("/api/v1/teams", {
        cookie: ws.ownerCookie,
        body: { name: "Almost", member_ids: [...members, "usr_nobody"] },
      }),
      422,
    );
    expect(refused.errors).toEqual([
      { path: "member_ids.119", message: "not a member of this workspace" },
    ]);
    const teams = await json<{ data: Team[] }>(
      await api("/api/v1/teams", { cookie: ws.ownerCookie }),
    );
    expect(teams.data).toEqual([]);
  });
});
