import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { businessHours } from "../../worker/db/schema";
import { api, db, expectProblem, json, newWebchat, newWorkspace } from "../helpers";

type Hours = {
  id: string;
  name: string;
  timezone: string;
  weekly: { day: number; open: string; close: string }[];
  closures: { from: string; to: string; name?: string }[];
  open_now: boolean;
  next_opening: string | null;
};

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "24:00" }));
const ZONE = "Pacific/Auckland";

/** A local date in the zone, `days` from today there. */
function localDate(days: number) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function newHours(cookie: string, body: Record<string, unknown> = {}) {
  const response = await api("/api/v1/business-hours", {
    cookie,
    body: { name: "Always", timezone: ZONE, weekly: EVERY_DAY, ...body },
  });
  expect(response.status).toBe(201);
  return json<Hours>(response);
}

const patch = (cookie: string, id: string, body: unknown) =>
  api(`/api/v1/business-hours/${id}`, { cookie, method: "PATCH", body });

describe("editing and deleting business hours", () => {
  it("a holiday covering today closes an always-open schedule until the day after it", async () => {
    const ws = await newWorkspace();
    const hours = await newHours(ws.ownerCookie);
    expect(hours.open_now).toBe(true);
    const closures = [{ from: localDate(-1), to: localDate(1), name: "Festival" }];
    const closed = await json<Hours>(await patch(ws.ownerCookie, hours.id, { closures }));
    expect(closed.closures).toEqual(closures);
    expect(closed.open_now).toBe(false);
    // reopens at midnight, local time, after the last day of the closure
    expect(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: ZONE,
        dateStyle: "short",
        timeStyle: "short",
        hourCycle: "h23",
      }).format(new Date(closed.next_opening ?? 0)),
    ).toBe(`${localDate(2)}, 00:00`);
    const listed = await json<{ data: Hours[] }>(
      await api("/api/v1/business-hours", { cookie: ws.ownerCookie }),
    );
    expect(listed.data.find((h) => h.id === hours.id)?.open_now).toBe(false);
  });

  it("changes the name, zone and weekly intervals, keeping what is not sent", async () => {
    const ws = await newWorkspace();
    const hours = await newHours(ws.ownerCookie, {
      closures: [{ from: "2030-12-25", to: "2030-12-25", name: "Christmas" }],
    });
    const weekly = [
      { day: 1, open: "09:00", close: "13:00" },
      { day: 1, open: "14:00", close: "18:00" },
    ];
    const changed = await json<Hours>(
      await patch(ws.ownerCookie, hours.id, {
        name: "Madrid office",
        timezone: "Europe/Madrid",
        weekly,
      }),
    );
    expect(changed).toMatchObject({ name: "Madrid office", timezone: "Europe/Madrid", weekly });
    expect(changed.closures).toEqual([{ from: "2030-12-25", to: "2030-12-25", name: "Christmas" }]);
    const read = await json<Hours>(
      await api(`/api/v1/business-hours/${hours.id}`, { cookie: ws.ownerCookie }),
    );
    expect(read).toEqual(changed);
  });

  it("refuses bad changes with the field at fault and stores nothing", async () => {
    const ws = await newWorkspace();
    const hours = await newHours(ws.ownerCookie);
    const before = await db().select().from(businessHours).where(eq(businessHours.id, hours.id));
    const bad = await expectProblem(
      await patch(ws.ownerCookie, hours.id, {
        name: "Renamed",
        timezone: "Europe/Atlantis",
        weekly: [{ day: 7, open: "10:00", close: "09:00" }],
        closures: [{ from: "2030-01-05", to: "2030-01-01" }],
      }),
      422,
    );
    expect(bad.errors?.map((e) => e.path).sort()).toEqual([
      "closures.0.to",
      "timezone",
      "weekly.0.close",
      "weekly.0.day",
    ]);
    const unknown = await expectProblem(
      await patch(ws.ownerCookie, hours.id, {
        closures: [{ from: "2030-01-01", to: "2030-01-01", why: "x" }],
      }),
      422,
    );
    expect(unknown.errors?.map((e) => e.path)).toEqual(["closures.0.why"]);
    const after = await db().select().from(businessHours).where(eq(businessHours.id, hours.id));
    expect(after).toEqual(before);
  });

  it("agents may read schedules but not change or delete them", async () => {
    const ws = await newWorkspace();
    const hours = await newHours(ws.ownerCookie);
    const agent = await ws.addMember("agent");
    const cookie = await agent.login();
    expect((await api(`/api/v1/business-hours/${hours.id}`, { cookie })).status).toBe(200);
    await expectProblem(await patch(cookie, hours.id, { name: "Mine" }), 403);
    await expectProblem(
      await api(`/api/v1/business-hours/${hours.id}`, { cookie, method: "DELETE" }),
      403,
    );
  });

  it("refuses to delete hours a team, channel or the workspace follows, naming them; then deletes", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const hours = await newHours(cookie);
    const team = await json<{ id: string }>(
      await api("/api/v1/teams", { cookie, body: { name: "Night", business_hours_id: hours.id } }),
    );
    const channel = await newWebchat(cookie);
    expect(
      (
        await api(`/api/v1/channels/${channel.id}/routing`, {
          cookie,
          method: "PUT",
          body: { business_hours_id: hours.id },
        })
      ).status,
    ).toBe(200);
    const settings = await api("/api/v1/workspace/settings", {
      cookie,
      method: "PATCH",
      body: { business_hours_id: hours.id },
    });
    expect(settings.status).toBe(200);

    const remove = () => api(`/api/v1/business-hours/${hours.id}`, { cookie, method: "DELETE" });
    const refused = await expectProblem(await remove(), 409);
    expect(refused.detail).toContain("the workspace");
    expect(refused.detail).toContain('team "Night"');
    expect(refused.detail).toContain(`channel "Website"`);

    await api(`/api/v1/teams/${team.id}`, {
      cookie,
      method: "PATCH",
      body: { business_hours_id: null },
    });
    await api(`/api/v1/channels/${channel.id}/routing`, { cookie, method: "PUT", body: {} });
    await api("/api/v1/workspace/settings", {
      cookie,
      method: "PATCH",
      body: { business_hours_id: null },
    });
    expect((await remove()).status).toBe(204);
    await expectProblem(await api(`/api/v1/business-hours/${hours.id}`, { cookie }), 404);
    await expectProblem(await remove(), 404);
  });
});
