import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { invitations, users } from "../../worker/db/schema";
import { newId } from "../../worker/lib/ids";
import {
  api,
  db,
  expectProblem,
  freshEmail,
  invite,
  json,
  login,
  newWorkspace,
  PASSWORD,
  sessionCookie,
} from "../helpers";

type Invitation = { id: string; email: string; role: string; status: string };
type SignedIn = { workspace_id: string; workspaces: { id: string; name: string; role: string }[] };

const accept = (body: Record<string, unknown>) => api("/api/v1/auth/accept-invite", { body });

/** What the audit log records about one invitation, in alphabetical order. */
async function auditedActions(cookie: string, invitationId: string) {
  const audit = await json<{ data: { action: string; target: { id: string } }[] }>(
    await api("/api/v1/audit-log", { cookie }),
  );
  return audit.data
    .filter((e) => e.target.id === invitationId)
    .map((e) => e.action)
    .sort();
}

describe("invitations", () => {
  it("are listed while open, previewed by their token, and accepted once", async () => {
    const ws = await newWorkspace("Acme support");
    const email = freshEmail();
    const invitation = await invite(ws.ownerCookie, email, "supervisor");
    expect(invitation).toMatchObject({ email, role: "supervisor", status: "pending" });
    expect(invitation.token.length).toBeGreaterThan(30);

    const list = await json<{ data: Invitation[] }>(
      await api("/api/v1/invitations", { cookie: ws.ownerCookie }),
    );
    expect(list.data.map((i) => i.id)).toEqual([invitation.id]);
    expect(JSON.stringify(list)).not.toContain(invitation.token);

    const preview = await api("/api/v1/auth/invitation", { body: { token: invitation.token } });
    expect(await json(preview)).toMatchObject({
      workspace: { id: ws.id, name: "Acme support" },
      email,
      role: "supervisor",
    });

    const accepted = await accept({
      token: invitation.token,
      name: "Sam",
      password: "sam's secret",
    });
    expect(await json<SignedIn>(accepted)).toEqual({
      workspace_id: ws.id,
      workspaces: [{ id: ws.id, name: "Acme support", role: "supervisor" }],
    });
    const again = await expectProblem(
      await accept({ token: invitation.token, name: "Eve", password: "eve's secret" }),
      410,
    );
    expect(again.type).toMatch(/invitation-used$/);
    await expectProblem(
      await api("/api/v1/auth/invitation", { body: { token: invitation.token } }),
      410,
    );
    expect(await login(email, "sam's secret")).toMatch(/conversa_session/);
    await expectProblem(
      await api("/api/v1/auth/login", { body: { email, password: "eve's secret" } }),
      401,
    );
    const open = await json<{ data: Invitation[] }>(
      await api("/api/v1/invitations", { cookie: ws.ownerCookie }),
    );
    expect(open.data).toEqual([]);

    expect(await auditedActions(ws.ownerCookie, invitation.id)).toEqual([
      "invitation.accepted",
      "invitation.created",
    ]);
  });

  it("refuse revoked, expired and unknown tokens with a problem that says which", async () => {
    const ws = await newWorkspace();
    const revoked = await invite(ws.ownerCookie, freshEmail());
    const revoke = await api(`/api/v1/invitations/${revoked.id}`, {
      method: "DELETE",
      cookie: ws.ownerCookie,
    });
    expect(revoke.status).toBe(204);
    const problem = await expectProblem(
      await accept({ token: revoked.token, name: "X", password: "whatever pass" }),
      410,
    );
    expect(problem.type).toMatch(/invitation-revoked$/);
    expect(await auditedActions(ws.ownerCookie, revoked.id)).toEqual([
      "invitation.created",
      "invitation.revoked",
    ]);

    const expiredEmail = freshEmail();
    const expired = await invite(ws.ownerCookie, expiredEmail);
    await db()
      .update(invitations)
      .set({ expiresAt: Date.now() - 1000 })
      .where(eq(invitations.id, expired.id));
    const gone = await expectProblem(
      await accept({ token: expired.token, name: "X", password: "whatever pass" }),
      410,
    );
    expect(gone.type).toMatch(/invitation-expired$/);
    const listed = await json<{ data: Invitation[] }>(
      await api("/api/v1/invitations", { cookie: ws.ownerCookie }),
    );
    expect(listed.data.map((i) => [i.id, i.status])).toEqual([[expired.id, "expired"]]);
    // an expired invitation gives way to a new one for the same email
    const renewed = await invite(ws.ownerCookie, expiredEmail);
    expect(renewed.id).not.toBe(expired.id);

    const unknown = await expectProblem(
      await accept({ token: "not-a-token", name: "X", password: "whatever pass" }),
      400,
    );
    expect(unknown.type).toMatch(/invalid-invitation$/);
  });

  it("sent again get a new token, and the old one stops working", async () => {
    const ws = await newWorkspace();
    const first = await invite(ws.ownerCookie, freshEmail());
    await expectProblem(
      await api("/api/v1/invitations", { cookie: ws.ownerCookie, body: { email: first.email } }),
      409,
    );
    const resent = await json<Invitation & { token: string }>(
      await api(`/api/v1/invitations/${first.id}/resend`, {
        method: "POST",
        cookie: ws.ownerCookie,
      }),
    );
    expect(resent.id).toBe(first.id);
    expect(resent.token).not.toBe(first.token);
    await expectProblem(
      await accept({ token: first.token, name: "X", password: "whatever pass" }),
      400,
    );
    expect(
      (await accept({ token: resent.token, name: "X", password: "whatever pass" })).status,
    ).toBe(200);
    expect(await auditedActions(ws.ownerCookie, first.id)).toEqual([
      "invitation.accepted",
      "invitation.created",
      "invitation.resent",
    ]);
  });

  it("follow the role ladder and stay inside their workspace", async () => {
    const ws = await newWorkspace();
    const admin = await ws.addMember("admin");
    const adminCookie = await admin.login();
    await expectProblem(
      await api("/api/v1/invitations", {
        cookie: adminCookie,
        body: { email: freshEmail(), role: "owner" },
      }),
      403,
    );
    const ownerInvite = await invite(ws.ownerCookie, freshEmail(), "owner");
    await expectProblem(
      await api(`/api/v1/invitations/${ownerInvite.id}`, { method: "DELETE", cookie: adminCookie }),
      403,
    );
    const other = await newWorkspace();
    await expectProblem(
      await api(`/api/v1/invitations/${ownerInvite.id}`, {
        method: "DELETE",
        cookie: other.ownerCookie,
      }),
      404,
    );
    await expectProblem(
      await api(`/api/v1/invitations/${ownerInvite.id}/resend`, {
        method: "POST",
        cookie: other.ownerCookie,
      }),
      404,
    );
    const agent = await ws.addMember("agent");
    await expectProblem(await api("/api/v1/invitations", { cookie: await agent.login() }), 403);
  });

  it("for an email with an account are accepted with its current password, changing nothing about it", async () => {
    const home = await newWorkspace("Home");
    const person = await home.addMember("agent");
    const other = await newWorkspace("Other");
    const invitation = await invite(other.ownerCookie, person.email.toUpperCase(), "admin");
    await expectProblem(await accept({ token: invitation.token, password: "wrong password" }), 401);
    const accepted = await accept({ token: invitation.token, password: PASSWORD });
    const body = await json<SignedIn>(accepted);
    expect(body.workspace_id).toBe(other.id);
    expect(body.workspaces).toEqual([
      { id: home.id, name: "Home", role: "agent" },
      { id: other.id, name: "Other", role: "admin" },
    ]);
    const me = await json<{ user: { name: string }; role: string }>(
      await api("/api/v1/me", { cookie: sessionCookie(accepted) }),
    );
    expect(me).toMatchObject({ role: "admin", user: { name: `agent ${person.id}` } });
    expect(await login(person.email)).toMatch(/conversa_session/);
  });

  it("can be accepted by the signed-in person they were sent to, and no one else", async () => {
    const home = await newWorkspace();
    const person = await home.addMember("agent");
    const cookie = await person.login();
    const other = await newWorkspace("Elsewhere");
    const invitation = await invite(other.ownerCookie, person.email, "supervisor");

    const stranger = await home.addMember("admin");
    const refused = await api("/api/v1/invitations/accept", {
      cookie: await stranger.login(),
      body: { token: invitation.token },
    });
    expect((await expectProblem(refused, 403)).detail).toBe(
      "This invitation was sent to another email address.",
    );

    const accepted = await api("/api/v1/invitations/accept", {
      cookie,
      body: { token: invitation.token },
    });
    expect(await json(accepted)).toMatchObject({
      workspace: { id: other.id, name: "Elsewhere", role: "supervisor" },
    });
    // the session stays where it was until the person switches
    const me = await json<{ workspace: { id: string } }>(await api("/api/v1/me", { cookie }));
    expect(me.workspace.id).toBe(home.id);
    const key = await json<{ key: string }>(
      await api("/api/v1/api-keys", { cookie: home.ownerCookie, body: { name: "k" } }),
    );
    await expectProblem(
      await api("/api/v1/invitations/accept", {
        key: key.key,
        body: { token: (await invite(home.ownerCookie, freshEmail())).token },
      }),
      403,
    );
  });

  it("for an email whose row has no password yet (invited before invitations had their own table) create the account", async () => {
    const ws = await newWorkspace();
    const email = freshEmail("legacy");
    const id = newId("usr");
    await db().insert(users).values({ id, email, name: "Placeholder", passwordHash: null });
    const invitation = await invite(ws.ownerCookie, email);
    await expectProblem(await accept({ token: invitation.token, password: "whatever pass" }), 401);
    const accepted = await accept({
      token: invitation.token,
      name: "Lee",
      password: "lee's secret",
    });
    expect((await json<SignedIn>(accepted)).workspace_id).toBe(ws.id);
    const me = await json<{ user: { id: string; name: string } }>(
      await api("/api/v1/me", { cookie: sessionCookie(accepted) }),
    );
    expect(me.user).toMatchObject({ id, name: "Lee" });
  });
});
