import { describe, expect, it } from "vitest";
import { api, createKey, expectProblem, json, newWorkspace } from "../helpers";

/** A key acts for the person who made it: when their role drops, so does the key's. */
describe("an admin's API key", () => {
  it("loses admin power when its creator is demoted, and so does a key it made", async () => {
    const ws = await newWorkspace();
    const admin = await ws.addMember("admin");
    const key = await createKey(await admin.login(), "admin");
    const made = await api("/api/v1/api-keys", { key, body: { name: "child", role: "admin" } });
    expect(made.status).toBe(201);
    const childKey = (await json<{ key: string }>(made)).key;
    for (const k of [key, childKey]) {
      expect((await api("/api/v1/api-keys", { key: k })).status).toBe(200);
    }

    const demote = await api(`/api/v1/users/${admin.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { role: "agent" },
    });
    expect(demote.status).toBe(200);

    for (const k of [key, childKey]) {
      await expectProblem(await api("/api/v1/api-keys", { key: k }), 403);
      await expectProblem(
        await api("/api/v1/invitations", { key: k, body: { email: "someone@example.com" } }),
        403,
      );
      const me = await json<{ role: string }>(await api("/api/v1/me", { key: k }));
      expect(me.role).toBe("agent");
    }
  });
});
