import { describe, expect, it } from "vitest";
import { api, expectProblem, json, newWorkspace } from "../helpers";

/** A person's name is theirs: an admin of one of their workspaces cannot change it anywhere. */
describe("a workspace admin", () => {
  it("cannot rename a member", async () => {
    const a = await newWorkspace();
    const person = await a.addMember("agent");
    const b = await newWorkspace();
    await b.addExisting(person, "agent");

    const rename = await api(`/api/v1/users/${person.id}`, {
      method: "PATCH",
      cookie: b.ownerCookie,
      body: { name: "Renamed by B" },
    });
    const problem = await expectProblem(rename, 422);
    expect(problem.errors).toEqual([{ path: "name", message: "unknown field" }]);

    for (const ws of [a, b]) {
      const member = await json<{ name: string }>(
        await api(`/api/v1/users/${person.id}`, { cookie: ws.ownerCookie }),
      );
      expect(member.name).toBe(`agent ${person.id}`);
    }
  });
});
