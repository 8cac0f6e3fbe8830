import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions } from "../../worker/db/schema";
import { sha256Hex } from "../../worker/lib/crypto";
import {
  api,
  db,
  expectProblem,
  json,
  login,
  newWorkspace,
  PASSWORD,
  sessionCookie,
} from "../helpers";

describe("login", () => {
  it("signs in with the right password and sets a hardened session cookie", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/auth/login", {
      body: { email: ws.owner.email, password: PASSWORD },
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i); // the test origin is https
    const me = await json<{ user: { email: string }; role: string; workspace: { id: string } }>(
      await api("/api/v1/me", { cookie: sessionCookie(response) }),
    );
    expect(me.user.email).toBe(ws.owner.email);
    expect(me.role).toBe("owner");
    expect(me.workspace.id).toBe(ws.id);
  });

  it("accepts the email in any case", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/auth/login", {
      body: { email: ws.owner.email.toUpperCase(), password: PASSWORD },
    });
    expect(response.status).toBe(200);
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    const ws = await newWorkspace();
    const wrong = await api("/api/v1/auth/login", {
      body: { email: ws.owner.email, password: "nope-nope" },
    });
    const unknown = await api("/api/v1/auth/login", {
      body: { email: "ghost@example.com", password: PASSWORD },
    });
    expect((await expectProblem(wrong, 401)).detail).toBe("Wrong email or password.");
    expect((await expectProblem(unknown, 401)).detail).toBe("Wrong email or password.");
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  it("issues a new session id at every login", async () => {
    const ws = await newWorkspace();
    const second = await login(ws.owner.email);
    expect(second).not.toBe(ws.ownerCookie);
    expect((await api("/api/v1/me", { cookie: ws.ownerCookie })).status).toBe(200);
    expect((await api("/api/v1/me", { cookie: second })).status).toBe(200);
  });

  it("refuses a login posted from another site", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/auth/login", {
      body: { email: ws.owner.email, password: PASSWORD },
      origin: "https://evil.example",
    });
    await expectProblem(response, 403);
  });
});

describe("sessions", () => {
  it("rejects forged cookies", async () => {
    await expectProblem(await api("/api/v1/me", { cookie: "conversa_session=forged-value" }), 401);
    await expectProblem(await api("/api/v1/me"), 401);
  });

  it("rejects an expired session", async () => {
    const ws = await newWorkspace();
    const token = ws.ownerCookie.split("=")[1] ?? "";
    await db()
      .update(sessions)
      .set({ expiresAt: Date.now() - 1000 })
      .where(eq(sessions.idHash, await sha256Hex(token)));
    await expectProblem(await api("/api/v1/me", { cookie: ws.ownerCookie }), 401);
  });

  it("logout ends the session on the server", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/auth/logout", { method: "POST", cookie: ws.ownerCookie });
    expect(response.status).toBe(204);
    expect(response.headers.get("set-cookie")).toMatch(/conversa_session=;/);
    await expectProblem(await api("/api/v1/me", { cookie: ws.ownerCookie }), 401);
  });

  it("a password change ends the user's other sessions but keeps this one", async () => {
    const ws = await newWorkspace();
    const other = await login(ws.owner.email);
    const response = await api("/api/v1/me/password", {
      cookie: ws.ownerCookie,
      body: { current_password: PASSWORD, new_password: "a brand new secret" },
    });
    expect(response.status).toBe(204);
    expect((await api("/api/v1/me", { cookie: ws.ownerCookie })).status).toBe(200);
    await expectProblem(await api("/api/v1/me", { cookie: other }), 401);
    await expectProblem(
      await api("/api/v1/auth/login", { body: { email: ws.owner.email, password: PASSWORD } }),
      401,
    );
    expect(await login(ws.owner.email, "a brand new secret")).toMatch(/^conversa_session=/);
  });

  it("a password change needs the current password", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/me/password", {
      cookie: ws.ownerCookie,
      body: { current_password: "wrong password", new_password: "a brand new secret" },
    });
    await expectProblem(response, 403);
  });
});

describe("CSRF", () => {
  it("refuses cookie-authenticated writes from another origin or with no origin", async () => {
    const ws = await newWorkspace();
    const body = { name: "Mallory's contact" };
    const foreign = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body,
      origin: "https://evil.example",
    });
    await expectProblem(foreign, 403);
    const missing = await api("/api/v1/contacts", { cookie: ws.ownerCookie, body, origin: null });
    await expectProblem(missing, 403);
    const list = await json<{ data: unknown[] }>(
      await api("/api/v1/contacts", { cookie: ws.ownerCookie }),
    );
    expect(list.data).toHaveLength(0);
    const same = await api("/api/v1/contacts", { cookie: ws.ownerCookie, body });
    expect(same.status).toBe(201);
  });

  it("does not apply to API keys, which browsers never send by themselves", async () => {
    const ws = await newWorkspace();
    const keyResponse = await api("/api/v1/api-keys", {
      cookie: ws.ownerCookie,
      body: { name: "erp" },
    });
    const { key } = await json<{ key: string }>(keyResponse);
    const response = await api("/api/v1/contacts", {
      key,
      body: { name: "From the ERP" },
      origin: null,
    });
    expect(response.status).toBe(201);
  });
});

describe("identity comes only from the session", () => {
  it("rejects workspace_id and role smuggled into a body", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const response = await api("/api/v1/contacts", {
      cookie: a.ownerCookie,
      body: { name: "Sneaky", workspace_id: b.id },
    });
    const problem = await expectProblem(response, 422);
    expect(problem.errors).toEqual([{ path: "workspace_id", message: "unknown field" }]);
    const list = await json<{ data: unknown[] }>(
      await api("/api/v1/contacts", { cookie: b.ownerCookie }),
    );
    expect(list.data).toHaveLength(0);
  });

  it("ignores identity headers", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const me = await json<{ workspace: { id: string } }>(
      await api("/api/v1/me", { cookie: a.ownerCookie, headers: { "x-workspace-id": b.id } }),
    );
    expect(me.workspace.id).toBe(a.id);
  });
});
