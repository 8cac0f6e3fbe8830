import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  api,
  createKey,
  expectProblem,
  freshEmail,
  invite,
  json,
  login,
  newWorkspace,
  PASSWORD,
  sessionCookie,
} from "../helpers";

type Key = {
  id: string;
  key: string;
  prefix: string;
  role: string;
  effective_role: string | null;
};

describe("API keys", () => {
  it("are shown once, work as Bearer tokens, are listed without the secret and stop working when revoked", async () => {
    const ws = await newWorkspace();
    const created = await api("/api/v1/api-keys", {
      cookie: ws.ownerCookie,
      body: { name: "ERP" },
    });
    expect(created.status).toBe(201);
    const key = await json<Key>(created);
    expect(key.key).toMatch(/^cnv_/);
    expect(key.key.startsWith(key.prefix)).toBe(true);

    const me = await json<{ api_key_id: string; workspace: { id: string }; user: null }>(
      await api("/api/v1/me", { key: key.key }),
    );
    expect(me).toMatchObject({ api_key_id: key.id, user: null, workspace: { id: ws.id } });

    const list = await json<{ data: Record<string, unknown>[] }>(
      await api("/api/v1/api-keys", { cookie: ws.ownerCookie }),
    );
    expect(list.data.map((k) => k.id)).toEqual([key.id]);
    expect(JSON.stringify(list)).not.toContain(key.key);

    const revoked = await api(`/api/v1/api-keys/${key.id}`, {
      method: "DELETE",
      cookie: ws.ownerCookie,
    });
    expect(revoked.status).toBe(204);
    await expectProblem(await api("/api/v1/me", { key: key.key }), 401);
    await expectProblem(
      await api(`/api/v1/api-keys/${key.id}`, { method: "DELETE", cookie: ws.ownerCookie }),
      404,
    );
  });

  it("refuses unknown keys", async () => {
    await expectProblem(await api("/api/v1/me", { key: "cnv_not-a-real-key" }), 401);
  });

  it("need an admin to create, and cannot carry more than their creator's role", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const agentCookie = await agent.login();
    await expectProblem(
      await api("/api/v1/api-keys", { cookie: agentCookie, body: { name: "x" } }),
      403,
    );
    const admin = await ws.addMember("admin");
    const adminCookie = await admin.login();
    await expectProblem(
      await api("/api/v1/api-keys", { cookie: adminCookie, body: { name: "x", role: "owner" } }),
      403,
    );
    const agentKey = await createKey(adminCookie, "agent");
    await expectProblem(await api("/api/v1/api-keys", { key: agentKey }), 403);
  });

  it("belong to one workspace: another workspace cannot revoke them", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const key = await json<Key>(
      await api("/api/v1/api-keys", { cookie: a.ownerCookie, body: { name: "a" } }),
    );
    await expectProblem(
      await api(`/api/v1/api-keys/${key.id}`, { method: "DELETE", cookie: b.ownerCookie }),
      404,
    );
    expect((await api("/api/v1/me", { key: key.key })).status).toBe(200);
  });

  it("are listed with their own role and what they may do today, as their creator's role caps it", async () => {
    const ws = await newWorkspace();
    const admin = await ws.addMember("admin");
    const made = await api("/api/v1/api-keys", {
      cookie: await admin.login(),
      body: { name: "erp", role: "admin" },
    });
    const adminKey = await json<Key>(made);
    expect(adminKey).toMatchObject({ role: "admin", effective_role: "admin" });
    const ownerKey = await json<Key>(
      await api("/api/v1/api-keys", {
        cookie: ws.ownerCookie,
        body: { name: "shop", role: "supervisor" },
      }),
    );
    const listed = async () => {
      const { data } = await json<{ data: Key[] }>(
        await api("/api/v1/api-keys", { cookie: ws.ownerCookie }),
      );
      return Object.fromEntries(data.map((k) => [k.id, [k.role, k.effective_role]]));
    };
    expect(await listed()).toEqual({
      [adminKey.id]: ["admin", "admin"],
      [ownerKey.id]: ["supervisor", "supervisor"],
    });

    await api(`/api/v1/users/${admin.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { role: "supervisor" },
    });
    expect(await listed()).toEqual({
      [adminKey.id]: ["admin", "supervisor"],
      [ownerKey.id]: ["supervisor", "supervisor"],
    });
    const me = await json<{ role: string }>(await api("/api/v1/me", { key: adminKey.key }));
    expect(me.role).toBe("supervisor");

    // a membership made inactive outside a deactivation (which also revokes the keys)
    await env.DB.prepare("UPDATE memberships SET active = 0 WHERE workspace_id = ? AND user_id = ?")
      .bind(ws.id, admin.id)
      .run();
    expect((await listed())[adminKey.id]).toEqual(["admin", null]);
    await expectProblem(await api("/api/v1/me", { key: adminKey.key }), 401);
  });
});

type User = {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
};

describe("users", () => {
  it("an admin invites a new person, who picks their name and password and is signed in", async () => {
    const ws = await newWorkspace();
    const email = freshEmail("New.Agent");
    const invitation = await invite(ws.ownerCookie, email.toUpperCase(), "supervisor");
    expect(invitation).toMatchObject({ email: email.toLowerCase(), role: "supervisor" });
    // nobody is a member until the invitation is accepted
    const before = await json<{ data: User[] }>(
      await api("/api/v1/users", { cookie: ws.ownerCookie }),
    );
    expect(before.data.map((u) => u.email)).not.toContain(email.toLowerCase());
    await expectProblem(
      await api("/api/v1/auth/login", { body: { email, password: "my own password" } }),
      401,
    );
    const accepted = await api("/api/v1/auth/accept-invite", {
      body: { token: invitation.token, name: "New Agent", password: "my own password" },
    });
    expect(accepted.status).toBe(200);
    const me = await json<{ role: string; user: User; workspace: { id: string } }>(
      await api("/api/v1/me", { cookie: sessionCookie(accepted) }),
    );
    expect(me).toMatchObject({ role: "supervisor", workspace: { id: ws.id } });
    expect(me.user).toMatchObject({ name: "New Agent", email: email.toLowerCase() });
    expect(await login(email, "my own password")).toMatch(/conversa_session/);
  });

  it("lists members and refuses to invite a member again", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const list = await json<{ data: User[] }>(
      await api("/api/v1/users", { cookie: ws.ownerCookie }),
    );
    expect(list.data.map((u) => u.id).sort()).toEqual([ws.owner.id, agent.id].sort());
    const dup = await api("/api/v1/invitations", {
      cookie: ws.ownerCookie,
      body: { email: agent.email },
    });
    expect((await expectProblem(dup, 409)).errors?.[0]?.path).toBe("email");
  });

  it("role changes take effect on the next request", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const agentCookie = await agent.login();
    await expectProblem(await api("/api/v1/api-keys", { cookie: agentCookie }), 403);
    const patched = await api(`/api/v1/users/${agent.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { role: "admin" },
    });
    expect((await json<User>(patched)).role).toBe("admin");
    expect((await api("/api/v1/api-keys", { cookie: agentCookie })).status).toBe(200);
  });

  it("deactivating a user ends all of their sessions and blocks sign-in", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const first = await agent.login();
    const second = await agent.login();
    const response = await api(`/api/v1/users/${agent.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { active: false },
    });
    expect((await json<User>(response)).active).toBe(false);
    await expectProblem(await api("/api/v1/me", { cookie: first }), 401);
    await expectProblem(await api("/api/v1/me", { cookie: second }), 401);
    await expectProblem(
      await api("/api/v1/auth/login", { body: { email: agent.email, password: PASSWORD } }),
      401,
    );
  });

  it("enforces the role ladder", async () => {
    const ws = await newWorkspace();
    const admin = await ws.addMember("admin");
    const adminCookie = await admin.login();
    const agent = await ws.addMember("agent");
    const agentCookie = await agent.login();
    // agents manage nobody
    await expectProblem(
      await api(`/api/v1/users/${admin.id}`, {
        method: "PATCH",
        cookie: agentCookie,
        body: { role: "agent" },
      }),
      403,
    );
    await expectProblem(
      await api("/api/v1/invitations", { cookie: agentCookie, body: { email: "a@b.co" } }),
      403,
    );
    // admins cannot touch owners or grant owner
    await expectProblem(
      await api(`/api/v1/users/${ws.owner.id}`, {
        method: "PATCH",
        cookie: adminCookie,
        body: { active: false },
      }),
      403,
    );
    await expectProblem(
      await api(`/api/v1/users/${agent.id}`, {
        method: "PATCH",
        cookie: adminCookie,
        body: { role: "owner" },
      }),
      403,
    );
    // nobody changes their own role
    await expectProblem(
      await api(`/api/v1/users/${admin.id}`, {
        method: "PATCH",
        cookie: adminCookie,
        body: { role: "agent" },
      }),
      403,
    );
    // agents may read the team
    expect((await api("/api/v1/users", { cookie: agentCookie })).status).toBe(200);
  });

  it("keeps at least one active owner", async () => {
    const ws = await newWorkspace();
    const ownerKey = await createKey(ws.ownerCookie, "owner");
    const last = await api(`/api/v1/users/${ws.owner.id}`, {
      method: "PATCH",
      key: ownerKey,
      body: { active: false },
    });
    await expectProblem(last, 409);
    const other = await ws.addMember("owner");
    const otherCookie = await other.login();
    const demote = await api(`/api/v1/users/${ws.owner.id}`, {
      method: "PATCH",
      cookie: otherCookie,
      body: { role: "admin" },
    });
    expect((await json<User>(demote)).role).toBe("admin");
    // the last owner's own key may not demote them either
    await expectProblem(
      await api(`/api/v1/users/${other.id}`, {
        method: "PATCH",
        key: await createKey(otherCookie, "owner"),
        body: { role: "agent" },
      }),
      409,
    );
  });

  it("cannot see or change users of another workspace", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    await expectProblem(await api(`/api/v1/users/${b.owner.id}`, { cookie: a.ownerCookie }), 404);
    await expectProblem(
      await api(`/api/v1/users/${b.owner.id}`, {
        method: "PATCH",
        cookie: a.ownerCookie,
        body: { active: false },
      }),
      404,
    );
  });
});
