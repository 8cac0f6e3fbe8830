import { describe, expect, it } from "vitest";
import { api, createKey, expectProblem, freshEmail, invite, json, newWorkspace } from "../helpers";

type AuditEntry = { action: string; target: { id: string }; changes: Record<string, unknown> };

const preview = (token: string) => api("/api/v1/auth/invitation", { body: { token } });

/** An invitation carries its sender's authority: a deactivated member's open ones die with it. */
describe("deactivating a member", () => {
  it("revokes the open invitations they sent in that workspace, each in the audit log", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const admin = await ws.addMember("admin");
    const adminCookie = await admin.login();
    const sent = [
      await invite(adminCookie, freshEmail(), "admin"),
      // through a key they made, the invitation is theirs too
      await json<{ id: string; token: string }>(
        await api("/api/v1/invitations", {
          key: await createKey(adminCookie),
          body: { email: freshEmail(), role: "agent" },
        }),
      ),
    ];
    const accepted = await invite(adminCookie, freshEmail());
    const joined = await api("/api/v1/auth/accept-invite", {
      body: { token: accepted.token, name: "Joined", password: "joined's password" },
    });
    expect(joined.status).toBe(200);
    const ownersInvitation = await invite(ws.ownerCookie, freshEmail());
    const elsewhere = await invite(
      await (await other.addExisting(admin, "admin")).login(),
      freshEmail(),
    );

    const deactivate = await api(`/api/v1/users/${admin.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { active: false },
    });
    expect(deactivate.status).toBe(200);

    const open = await json<{ data: { id: string }[] }>(
      await api("/api/v1/invitations", { cookie: ws.ownerCookie }),
    );
    expect(open.data.map((i) => i.id)).toEqual([ownersInvitation.id]);
    for (const invitation of sent) {
      const problem = await expectProblem(await preview(invitation.token), 410);
      expect(problem.type).toMatch(/invitation-revoked$/);
      await expectProblem(
        await api("/api/v1/auth/accept-invite", {
          body: { token: invitation.token, name: "Late", password: "late's password" },
        }),
        410,
      );
    }
    expect((await preview(ownersInvitation.token)).status).toBe(200);
    // their membership elsewhere, and what they sent there, are that workspace's business
    expect((await preview(elsewhere.token)).status).toBe(200);

    const audit = await json<{ data: AuditEntry[] }>(
      await api("/api/v1/audit-log", { cookie: ws.ownerCookie }),
    );
    const revoked = audit.data.filter((e) => e.action === "invitation.revoked");
    expect(revoked.map((e) => e.target.id).sort()).toEqual(sent.map((i) => i.id).sort());
    for (const entry of revoked)
      expect(entry.changes).toMatchObject({ invited_by: admin.id, reason: "inviter deactivated" });

    // coming back does not bring the invitations back
    await api(`/api/v1/users/${admin.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { active: true },
    });
    for (const invitation of sent) await expectProblem(await preview(invitation.token), 410);
  });
});
