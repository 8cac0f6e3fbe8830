import { describe, expect, it } from "vitest";
import { api, createKey, expectProblem, json, newWorkspace } from "../helpers";

type AuditEntry = { action: string; target: { id: string }; changes: Record<string, unknown> };
type Key = { id: string; key: string };

/** A deactivated member's keys stop working at once, and each revocation is audited. */
describe("deactivating a member", () => {
  it("revokes every API key they made, in the audit log, for good", async () => {
    const ws = await newWorkspace();
    const admin = await ws.addMember("admin");
    const adminCookie = await admin.login();
    const made = [];
    for (const name of ["erp", "shop"]) {
      const response = await api("/api/v1/api-keys", { cookie: adminCookie, body: { name } });
      made.push(await json<Key>(response));
    }
    const [first] = made as [Key, Key];
    // a key made with one of them acts for the same person
    const child = await json<Key>(
      await api("/api/v1/api-keys", { key: first.key, body: { name: "child" } }),
    );
    made.push(child);
    const ownerKey = await createKey(ws.ownerCookie);

    const deactivate = await api(`/api/v1/users/${admin.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { active: false },
    });
    expect(deactivate.status).toBe(200);

    for (const k of made) await expectProblem(await api("/api/v1/me", { key: k.key }), 401);
    expect((await api("/api/v1/me", { key: ownerKey })).status).toBe(200);
    const listed = await json<{ data: { id: string }[] }>(
      await api("/api/v1/api-keys", { cookie: ws.ownerCookie }),
    );
    expect(listed.data.map((k) => k.id)).not.toEqual(expect.arrayContaining(made.map((k) => k.id)));

    const audit = await json<{ data: AuditEntry[] }>(
      await api("/api/v1/audit-log", { cookie: ws.ownerCookie }),
    );
    const revoked = audit.data.filter((e) => e.action === "api_key.revoked");
    expect(revoked.map((e) => e.target.id).sort()).toEqual(made.map((k) => k.id).sort());
    for (const entry of revoked) expect(entry.changes).toMatchObject({ created_by: admin.id });

    // coming back does not bring the keys back
    await api(`/api/v1/users/${admin.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { active: true },
    });
    for (const k of made) await expectProblem(await api("/api/v1/me", { key: k.key }), 401);
  });
});
