import { describe, expect, it } from "vitest";
import { api, expectProblem, json, login, newWorkspace, PASSWORD } from "../helpers";

/**
 * Workspace B invites the email of someone who already works in workspace A. Whatever B does
 * with the invitation, it cannot set that person's password, rename them, or sign in as them.
 */
describe("an invitation from another workspace", () => {
  it("cannot set the password of, rename, or sign in as an existing person", async () => {
    const a = await newWorkspace("A");
    const victim = await a.addMember("admin");
    const b = await newWorkspace("B");

    const invited = await api("/api/v1/invitations", {
      cookie: b.ownerCookie,
      body: { email: victim.email, role: "agent" },
    });
    expect(invited.status).toBe(201);
    const { token } = await json<{ token: string }>(invited);

    // the token cannot create or overwrite the account
    const takeover = await api("/api/v1/auth/accept-invite", {
      body: { token, name: "Mallory", password: "mallory's password" },
    });
    expect((await expectProblem(takeover, 409)).type).toMatch(/account-exists$/);
    // nor accept in the person's name without their password
    await expectProblem(
      await api("/api/v1/auth/accept-invite", { body: { token, password: "mallory's password" } }),
      401,
    );
    await expectProblem(
      await api("/api/v1/auth/login", {
        body: { email: victim.email, password: "mallory's password" },
      }),
      401,
    );

    // the person is untouched: same password, same name, and B is not among their workspaces
    const cookie = await login(victim.email, PASSWORD);
    const me = await json<{
      user: { name: string };
      workspace: { id: string };
      workspaces: { id: string }[];
    }>(await api("/api/v1/me", { cookie }));
    expect(me.user.name).toBe(`admin ${victim.id}`);
    expect(me.workspace.id).toBe(a.id);
    expect(me.workspaces.map((w) => w.id)).toEqual([a.id]);
    // and B has no member by that id to act on
    await expectProblem(await api(`/api/v1/users/${victim.id}`, { cookie: b.ownerCookie }), 404);
  });
});
