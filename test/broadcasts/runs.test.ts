import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runPeriodicJobs } from "../../worker/scheduled";
import { refusedPaths } from "../automations/helpers";
import { eventually } from "../channel-helpers";
import { api, json, ORIGIN } from "../helpers";
import {
  addContacts,
  type BroadcastDto,
  consume,
  ledgerOf,
  newBroadcast,
  type Setup,
  type Stats,
  sendsByChat,
  setup,
  statsOf,
  textsByChat,
} from "./helpers";

type Run = Stats & { run: number; period_key: string; started_at: string };

const runsOf = async (s: Setup, id: string) =>
  (await json<{ data: Run[] }>(await api(`/api/v1/broadcasts/${id}/runs`, { cookie: s.cookie })))
    .data;

const broadcastOf = async (s: Setup, id: string) =>
  json<BroadcastDto>(await api(`/api/v1/broadcasts/${id}`, { cookie: s.cookie }));

/** The minute's periodic jobs at `iso`; a tick that starts a run waits for it to finish. */
async function tick(s: Setup, id: string, iso: string) {
  const before = (await runsOf(s, id)).length;
  await runPeriodicJobs(env, Date.parse(iso));
  if ((await runsOf(s, id)).length === before) return;
  await eventually(async () => {
    const { status } = await broadcastOf(s, id);
    return status === "scheduled" || status === "completed";
  }, "the run finished");
}

const recurring = (s: Setup, recurrence: Record<string, unknown>) =>
  newBroadcast(s, { schedule: { recurrence } });

describe("recurring broadcasts", () => {
  it("runs once a day at 09:00 Madrid time across the spring DST change, each run its own ledger", async () => {
    const s = await setup();
    const readers = await addContacts(s, 2);
    const broadcast = await recurring(s, {
      every: "daily",
      time: "09:00",
      timezone: "Europe/Madrid",
    });
    expect(broadcast).toMatchObject({ status: "scheduled" });
    // 2030-03-31 02:00 the clocks go to 03:00: 09:00 is 08:00 UTC before, 07:00 UTC after
    for (const day of ["2030-03-30", "2030-03-31", "2030-04-01"])
      for (const hour of ["06:59", "07:00", "07:30", "08:00", "12:00", "23:59"])
        await tick(s, broadcast.id, `${day}T${hour}:00Z`);
    const runs = await runsOf(s, broadcast.id);
    expect(runs.map((r) => [r.run, r.period_key, r.started_at, r.status, r.sent])).toEqual([
      [3, "2030-04-01", "2030-04-01T07:00:00.000Z", "completed", 2],
      [2, "2030-03-31", "2030-03-31T07:00:00.000Z", "completed", 2],
      [1, "2030-03-30", "2030-03-30T08:00:00.000Z", "completed", 2],
    ]);
    expect(await statsOf(s, broadcast.id)).toMatchObject({ status: "scheduled", sent: 6 });
    // between runs it may change, but what it sent is kept
    const removed = await api(`/api/v1/broadcasts/${broadcast.id}`, {
      cookie: s.cookie,
      method: "DELETE",
    });
    expect(removed.status).toBe(409);
    const second = await api(`/api/v1/broadcasts/${broadcast.id}/stats?run=2`, {
      cookie: s.cookie,
    });
    expect(await json<Stats>(second)).toMatchObject({ status: "completed", targeted: 2, sent: 2 });
    const recipients = await api(`/api/v1/broadcasts/${broadcast.id}/recipients?run=1`, {
      cookie: s.cookie,
    });
    expect((await json<{ data: unknown[] }>(recipients)).data).toHaveLength(2);
    // the ledger holds each contact once per run, and a redelivered page of run 1 adds nothing
    const ref = { workspaceId: s.ws.id, broadcastId: broadcast.id, run: 1 };
    await consume([{ kind: "expand", ...ref, after: null }]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ledger = await ledgerOf(s.ws.id, broadcast.id);
    expect(ledger.map((r) => `${r.run}:${r.status}`).sort()).toEqual([
      "1:sent",
      "1:sent",
      "2:sent",
      "2:sent",
      "3:sent",
      "3:sent",
    ]);
    const sends = await eventually(async () => {
      const counts = await sendsByChat(s);
      return [...counts.values()].every((n) => n === 3) && counts.size === 2 ? counts : undefined;
    }, "three messages to each reader");
    for (const reader of readers) expect(sends.get(reader.chatId)).toBe(3);
  });

  it("gives each run its own short links, so a click counts for the run it was sent in", async () => {
    const s = await setup();
    const [reader] = await addContacts(s, 1);
    if (!reader) throw new Error("no reader");
    const broadcast = await newBroadcast(s, {
      message: { text: "Today's offer: https://shop.example.com/today" },
      schedule: { recurrence: { every: "daily", time: "09:00", timezone: "UTC" } },
    });
    for (const day of ["2030-05-01", "2030-05-02"]) await tick(s, broadcast.id, `${day}T09:00:00Z`);
    const texts = await eventually(async () => {
      const sent = (await textsByChat(s)).get(reader.chatId) ?? [];
      return sent.length === 2 ? sent : undefined;
    }, "both runs' messages");
    const codes = texts.map((text) => text.match(/\/l\/(\w{10})$/)?.[1]);
    expect(new Set(codes).size).toBe(2);
    const opened = await exports.default.fetch(`${ORIGIN}/l/${codes[0]}`, {
      redirect: "manual",
      headers: { "user-agent": "Mozilla/5.0 (iPhone)" },
    });
    expect(opened.headers.get("location")).toBe("https://shop.example.com/today");
    const runs = await runsOf(s, broadcast.id);
    expect(runs.map((r) => [r.run, r.clicked])).toEqual([
      [2, 0],
      [1, 1],
    ]);
  });

  it("a skipped hour and a doubled hour each make one run, however many ticks see them", async () => {
    const s = await setup();
    await addContacts(s, 1);
    const broadcast = await recurring(s, {
      every: "daily",
      time: "02:30",
      timezone: "Europe/Madrid",
    });
    // 02:30 does not happen on 2030-03-31 (02:00 → 03:00, at 01:00 UTC): due at 03:00
    for (const at of ["00:30", "00:59", "01:00", "01:30"])
      await tick(s, broadcast.id, `2030-03-31T${at}:00Z`);
    // 02:30 happens twice on 2030-10-27 (03:00 → 02:00, at 01:00 UTC): 00:30 and 01:30 UTC
    await Promise.all([
      runPeriodicJobs(env, Date.parse("2030-10-27T00:30:00Z")),
      runPeriodicJobs(env, Date.parse("2030-10-27T00:30:00Z")),
    ]);
    await tick(s, broadcast.id, "2030-10-27T00:31:00Z");
    for (const at of ["01:30", "02:30"]) await tick(s, broadcast.id, `2030-10-27T${at}:00Z`);
    const runs = await runsOf(s, broadcast.id);
    expect(runs.map((r) => [r.period_key, r.started_at])).toEqual([
      ["2030-10-27", "2030-10-27T00:30:00.000Z"],
      ["2030-03-31", "2030-03-31T01:00:00.000Z"],
    ]);
  });

  it("monthly on the 31st sends on the last day of shorter months, and ends after its runs", async () => {
    const s = await setup();
    await addContacts(s, 1);
    const broadcast = await recurring(s, {
      every: "monthly",
      day_of_month: 31,
      time: "10:00",
      ends: { after_runs: 2 },
    });
    for (const at of ["2030-02-27", "2030-02-28", "2030-03-01", "2030-03-30", "2030-03-31"])
      await tick(s, broadcast.id, `${at}T10:00:00Z`);
    expect((await broadcastOf(s, broadcast.id)).status).toBe("completed");
    await tick(s, broadcast.id, "2030-04-30T10:00:00Z");
    const runs = await runsOf(s, broadcast.id);
    expect(runs.map((r) => r.period_key)).toEqual(["2030-03", "2030-02"]);
  });

  it("refuses a bad recurrence with its paths, and stores nothing", async () => {
    const s = await setup();
    const bad = async (recurrence: Record<string, unknown>) =>
      refusedPaths(
        await api("/api/v1/broadcasts", {
          cookie: s.cookie,
          body: {
            name: "Weekly news",
            channel_id: s.channel.id,
            audience: { tags: ["news"] },
            message: { text: "Hi" },
            schedule: { recurrence },
          },
        }),
      );
    expect(await bad({ every: "weekly", time: "09:00" })).toEqual([
      "schedule.recurrence.days_of_week",
    ]);
    expect(await bad({ every: "daily", time: "24:00", day_of_month: 3 })).toEqual([
      "schedule.recurrence.day_of_month",
      "schedule.recurrence.time",
    ]);
    expect(
      await bad({
        every: "yearly",
        day_of_month: 1,
        month: 13,
        time: "09:00",
        timezone: "Mars/Base",
      }),
    ).toEqual(["schedule.recurrence.month", "schedule.recurrence.timezone"]);
    expect(
      await bad({ every: "daily", time: "09:00", ends: { at: "2020-01-01T00:00:00Z" } }),
    ).toEqual(["schedule.recurrence.ends.at"]);
    const list = await api("/api/v1/broadcasts", { cookie: s.cookie });
    expect((await json<{ data: unknown[] }>(list)).data).toEqual([]);
    const once = await newBroadcast(s);
    const stats = (query: string) =>
      api(`/api/v1/broadcasts/${once.id}/stats?${query}`, { cookie: s.cookie });
    expect((await stats("run=0")).status).toBe(422);
    expect((await stats("run=7")).status).toBe(404);
  });
});
