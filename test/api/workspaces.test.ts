import { describe, expect, it } from "vitest";
import {
  api,
  createKey,
  expectProblem,
  json,
  login,
  newWorkspace,
  PASSWORD,
  sessionCookie,
} from "../helpers";

type Choice = { id: string; name: string; role: string };
type SignedIn = { workspace_id: string; workspaces: Choice[] };
type Me = {
  role: string;
  user: { id: string; name: string } | null;
  workspace: { id: string };
  workspaces: Choice[];
};

/** One person, owner of their first workspace and agent in a second. */
async function personInTwoWorkspaces() {
  const first = await newWorkspace("First");
  const second = await newWorkspace("Second");
  await second.addExisting(first.owner, "agent");
  return { first, second, person: first.owner };
}

const signIn = (body: Record<string, unknown>) => api("/api/v1/auth/login", { body });

describe("a person in several workspaces", () => {
  it("signs in to their first workspace, or the one they pick, and is told all of them", async () => {
    const { first, second, person } = await personInTwoWorkspaces();
    const choices = [
      { id: first.id, name: "First", role: "owner" },
      { id: second.id, name: "Second", role: "agent" },
    ];
    const byDefault = await signIn({ email: person.email, password: PASSWORD });
    expect(await json<SignedIn>(byDefault)).toEqual({
      workspace_id: first.id,
      workspaces: choices,
    });

    const picked = await signIn({
      email: person.email,
      password: PASSWORD,
      workspace_id: second.id,
    });
    expect((await json<SignedIn>(picked)).workspace_id).toBe(second.id);
    const me = await json<Me>(await api("/api/v1/me", { cookie: sessionCookie(picked) }));
    expect(me).toMatchObject({ role: "agent", workspace: { id: second.id }, workspaces: choices });

    const elsewhere = await newWorkspace();
    await expectProblem(
      await signIn({ email: person.email, password: PASSWORD, workspace_id: elsewhere.id }),
      403,
    );
    await expectProblem(
      await signIn({ email: person.email, password: "wrong password", workspace_id: second.id }),
      401,
    );
  });

  it("switches workspace with a fresh session; the old one ends", async () => {
    const { first, second, person } = await personInTwoWorkspaces();
    const cookie = await login(person.email);
    const switched = await api("/api/v1/auth/switch-workspace", {
      cookie,
      body: { workspace_id: second.id },
    });
    expect((await json<SignedIn>(switched)).workspace_id).toBe(second.id);
    const fresh = sessionCookie(switched);
    expect(fresh).not.toBe(cookie);
    await expectProblem(await api("/api/v1/me", { cookie }), 401);
    const me = await json<Me>(await api("/api/v1/me", { cookie: fresh }));
    expect(me).toMatchObject({ role: "agent", workspace: { id: second.id } });
    // an agent of the second workspace, whatever they are in the first
    await expectProblem(await api("/api/v1/api-keys", { cookie: fresh }), 403);

    const back = await api("/api/v1/auth/switch-workspace", {
      cookie: fresh,
      body: { workspace_id: first.id },
    });
    expect((await json<SignedIn>(back)).workspace_id).toBe(first.id);
  });

  it("cannot switch to a workspace where they are not an active member, nor with an API key", async () => {
    const { first, second, person } = await personInTwoWorkspaces();
    const cookie = await login(person.email);
    const stranger = await newWorkspace();
    await expectProblem(
      await api("/api/v1/auth/switch-workspace", { cookie, body: { workspace_id: stranger.id } }),
      404,
    );
    const deactivate = await api(`/api/v1/users/${person.id}`, {
      method: "PATCH",
      cookie: second.ownerCookie,
      body: { active: false },
    });
    expect(deactivate.status).toBe(200);
    await expectProblem(
      await api("/api/v1/auth/switch-workspace", { cookie, body: { workspace_id: second.id } }),
      404,
    );
    const me = await json<Me>(await api("/api/v1/me", { cookie }));
    expect(me.workspaces.map((w) => w.id)).toEqual([first.id]);
    await expectProblem(
      await api("/api/v1/auth/switch-workspace", {
        key: await createKey(cookie),
        body: { workspace_id: first.id },
      }),
      403,
    );
  });

  it("renames themselves, and every workspace shows the new name", async () => {
    const { first, second, person } = await personInTwoWorkspaces();
    const cookie = await login(person.email, PASSWORD, second.id);
    const renamed = await api("/api/v1/me", {
      method: "PATCH",
      cookie,
      body: { name: "  Ana Pérez " },
    });
    expect((await json<Me>(renamed)).user?.name).toBe("Ana Pérez");
    for (const ws of [first, second]) {
      const member = await json<{ name: string }>(
        await api(`/api/v1/users/${person.id}`, { cookie: ws.ownerCookie }),
      );
      expect(member.name).toBe("Ana Pérez");
    }
    const key = await createKey(first.ownerCookie);
    await expectProblem(
      await api("/api/v1/me", { method: "PATCH", key, body: { name: "Robot" } }),
      403,
    );
  });
});
