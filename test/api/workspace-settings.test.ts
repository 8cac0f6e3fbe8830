import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { workspaces } from "../../worker/db/schema";
import { api, db, expectProblem, json, newWorkspace } from "../helpers";

type Settings = {
  name: string;
  timezone: string;
  default_country: string;
  language: string | null;
  business_hours_id: string | null;
};

const patch = (cookie: string, body: unknown) =>
  api("/api/v1/workspace/settings", { cookie, method: "PATCH", body });

describe("workspace settings", () => {
  it("starts with defaults and changes name, timezone, default country and language", async () => {
    const ws = await newWorkspace("Acme");
    const initial = await json<Settings>(
      await api("/api/v1/workspace/settings", { cookie: ws.ownerCookie }),
    );
    expect(initial).toMatchObject({
      name: "Acme",
      timezone: "UTC",
      default_country: "US",
      language: null,
    });
    const changed = await json<Settings>(
      await patch(ws.ownerCookie, {
        name: "Acme España",
        timezone: "Europe/Madrid",
        default_country: "ES",
        language: "es",
      }),
    );
    expect(changed).toMatchObject({
      name: "Acme España",
      timezone: "Europe/Madrid",
      default_country: "ES",
      language: "es",
    });
    const me = await json<{ workspace: { name: string; timezone: string; language: string } }>(
      await api("/api/v1/me", { cookie: ws.ownerCookie }),
    );
    expect(me.workspace).toMatchObject({
      name: "Acme España",
      timezone: "Europe/Madrid",
      language: "es",
    });
    const browsers = await json<Settings>(await patch(ws.ownerCookie, { language: null }));
    expect(browsers.language).toBeNull();
  });

  it("reads phone numbers without a prefix in the new default country", async () => {
    const ws = await newWorkspace();
    await patch(ws.ownerCookie, { default_country: "ES" });
    const contact = await json<{ phone: string }>(
      await api("/api/v1/contacts", {
        cookie: ws.ownerCookie,
        body: { name: "Lucía", phone: "612 345 678" },
      }),
    );
    expect(contact.phone).toBe("+34612345678");
  });

  it("refuses an unknown zone, country or language, naming each field, and changes nothing", async () => {
    const ws = await newWorkspace("Kept");
    const before = await db().select().from(workspaces).where(eq(workspaces.id, ws.id));
    const bad = await expectProblem(
      await patch(ws.ownerCookie, {
        name: " ",
        timezone: "Mars/Olympus",
        default_country: "es",
        language: "klingon",
      }),
      422,
    );
    expect(bad.errors?.map((e) => e.path).sort()).toEqual([
      "default_country",
      "language",
      "name",
      "timezone",
    ]);
    await expectProblem(await patch(ws.ownerCookie, { default_country: "ZZ" }), 422);
    const after = await db().select().from(workspaces).where(eq(workspaces.id, ws.id));
    expect(after).toEqual(before);
  });

  it("only admins change them", async () => {
    const ws = await newWorkspace();
    const supervisor = await ws.addMember("supervisor");
    await expectProblem(await patch(await supervisor.login(), { name: "Mine" }), 403);
  });
});
