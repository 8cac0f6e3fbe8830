import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations, users } from "../../worker/db/schema";
import { api, db, expectProblem, json, newWebchat, newWorkspace } from "../helpers";
import { apiAt, conversationAt, officeHours, projectedAt } from "./helpers";

const at = (iso: string) => Date.parse(iso);

type Report = {
  totals: Record<string, unknown>;
  previous: { from: string; to: string; totals: Record<string, unknown> };
  series: Record<string, unknown>[];
};

/**
 * Madrid's spring-forward weekend: on Sunday 29 March 2026 its clocks go from 02:00 to 03:00
 * (UTC+1 to UTC+2). Four conversations on two web chats, the fourth the week before.
 */
async function springFixture() {
  const ws = await newWorkspace();
  const cookie = ws.ownerCookie;
  const website = await newWebchat(cookie);
  const shop = await newWebchat(cookie);
  const reply = (id: string, when: number) =>
    apiAt(when, cookie)(`/api/v1/conversations/${id}/messages`, { text: "Let me check" });
  const status = (id: string, when: number, to: string) =>
    apiAt(when, cookie)(`/api/v1/conversations/${id}/status`, { status: to });

  const assign = (id: string, when: number) =>
    apiAt(when, cookie)(`/api/v1/conversations/${id}/assign`, { user_id: ws.owner.id });

  // Friday 10:00 in Madrid: two messages, answered in 5 minutes, closed after two hours; assigned
  // by two people at once, which counts once
  const friday = await conversationAt(ws.id, website.id, at("2026-03-27T09:00:00Z"));
  await Promise.all([
    assign(friday, at("2026-03-27T09:01:00Z")),
    assign(friday, at("2026-03-27T09:01:00Z")),
  ]);
  await projectedAt(ws.id, friday, at("2026-03-27T09:00:00Z"));
  await projectedAt(ws.id, friday, at("2026-03-27T09:10:00Z"), "customer", true);
  expect((await reply(friday, at("2026-03-27T09:05:00Z"))).status).toBe(201);
  expect((await status(friday, at("2026-03-27T11:00:00Z"), "closed")).status).toBe(200);

  // Sunday 01:30 (before the change), on the shop's chat: a bot answers, an agent a minute later
  const night = await conversationAt(ws.id, shop.id, at("2026-03-29T00:30:00Z"));
  await projectedAt(ws.id, night, at("2026-03-29T00:30:00Z"));
  await projectedAt(ws.id, night, at("2026-03-29T00:32:00Z"), "bot");
  expect((await reply(night, at("2026-03-29T00:31:00Z"))).status).toBe(201);

  // Monday 00:30 in Madrid (Sunday 22:30 UTC): closed, then reopened, so not closed
  const late = await conversationAt(ws.id, website.id, at("2026-03-29T22:30:00Z"));
  await projectedAt(ws.id, late, at("2026-03-29T22:30:00Z"));
  expect((await status(late, at("2026-03-29T23:30:00Z"), "closed")).status).toBe(200);
  expect((await status(late, at("2026-03-30T08:00:00Z"), "open")).status).toBe(200);

  // the Wednesday before: the previous period
  await conversationAt(ws.id, website.id, at("2026-03-25T12:00:00Z"));
  return { ws, cookie, website, shop };
}

const report = async (cookie: string, path: string, query: Record<string, string>) => {
  const response = await api(`/api/v1/reports/${path}?${new URLSearchParams(query)}`, { cookie });
  expect(response.status).toBe(200);
  return json<Report>(response);
};

const days = { from: "2026-03-27", to: "2026-03-30", timezone: "Europe/Madrid" };

describe("reports", () => {
  it("count a known weekend by hand, in the workspace's days across the DST change", async () => {
    const { cookie, shop, ws } = await springFixture();
    const madrid = await report(cookie, "conversations", days);
    expect(madrid.totals).toEqual({
      conversations_opened: 3,
      conversations_closed: 1,
      conversations_reopened: 1,
      assignments: 1,
      messages_in: 4,
      messages_out: 1,
      first_responses: 2,
      first_response_time: { median_seconds: 60, p90_seconds: 300, mean_seconds: 180 },
      resolution_time: { median_seconds: 7200, p90_seconds: 7200, mean_seconds: 7200 },
      // no team, so no target to meet
      first_response_sla: { met: 0, missed: 0, met_percent: null },
      resolution_sla: { met: 0, missed: 0, met_percent: null },
    });
    expect(madrid.previous).toMatchObject({
      from: "2026-03-23",
      to: "2026-03-26",
      totals: { conversations_opened: 1, messages_in: 0 },
    });
    const byDay = madrid.series.map((d) => [d.period, d.conversations_opened, d.messages_in]);
    expect(byDay).toEqual([
      ["2026-03-27", 1, 2],
      ["2026-03-28", 0, 0],
      ["2026-03-29", 1, 1],
      ["2026-03-30", 1, 1],
    ]);
    expect(madrid.series[0]).toMatchObject({
      conversations_closed: 1,
      first_response_median_seconds: 300,
      resolution_median_seconds: 7200,
    });

    // in UTC the late conversation is Sunday's
    const utc = await report(cookie, "conversations", { ...days, timezone: "UTC" });
    expect(utc.series.map((d) => d.conversations_opened)).toEqual([1, 0, 2, 0]);

    const onShop = await report(cookie, "conversations", { ...days, channel_id: shop.id });
    expect(onShop.totals).toMatchObject({
      conversations_opened: 1,
      messages_in: 1,
      messages_out: 1,
      first_responses: 1,
      first_response_time: { median_seconds: 60 },
    });
    const owner = await report(cookie, "conversations", { ...days, agent_id: ws.owner.id });
    expect(owner.totals).toMatchObject({ first_responses: 2, conversations_closed: 1 });
  });

  it("show when customers write, by weekday and hour in the timezone", async () => {
    const { cookie } = await springFixture();
    const heat = await json<{ cells: { weekday: number; hour: number; messages_in: number }[] }>(
      await api(`/api/v1/reports/busiest-hours?${new URLSearchParams(days)}`, { cookie }),
    );
    expect(heat.cells).toHaveLength(168);
    expect(heat.cells.filter((c) => c.messages_in > 0)).toEqual([
      { weekday: 0, hour: 1, messages_in: 1 },
      { weekday: 1, hour: 0, messages_in: 1 },
      { weekday: 5, hour: 10, messages_in: 2 },
    ]);
  });

  it("rank agents by replies, with their first responses and closes", async () => {
    const { cookie, ws } = await springFixture();
    const board = await json<{ agents: Record<string, unknown>[] }>(
      await api(`/api/v1/reports/agents?${new URLSearchParams(days)}`, { cookie }),
    );
    expect(board.agents).toEqual([
      {
        agent_id: ws.owner.id,
        name: expect.any(String),
        // the replies themselves were stored at the real time, outside the range
        replies: 0,
        assignments: 1,
        first_responses: 2,
        first_response_time: { median_seconds: 60, p90_seconds: 300, mean_seconds: 180 },
        conversations_closed: 1,
        resolution_time: { median_seconds: 7200, p90_seconds: 7200, mean_seconds: 7200 },
        csat: null,
        nps: null,
      },
    ]);
  });

  it("count each team's responses and closes, and the SLA targets met, under the team of the time", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const website = await newWebchat(cookie);
    const team = async (name: string) => {
      const response = await api("/api/v1/teams", { cookie, body: { name } });
      return (await json<{ id: string }>(response)).id;
    };
    const [sales, support] = [await team("Sales"), await team("Support")];
    const routed = (id: string, teamId: string, firstDue: string, resolutionDue: string) =>
      db()
        .update(conversations)
        .set({ teamId, firstResponseDueAt: at(firstDue), resolutionDueAt: at(resolutionDue) })
        .where(eq(conversations.id, id));
    const reply = (id: string, when: string) =>
      apiAt(at(when), cookie)(`/api/v1/conversations/${id}/messages`, { text: "Hi" });
    const close = (id: string, when: string) =>
      apiAt(at(when), cookie)(`/api/v1/conversations/${id}/status`, { status: "closed" });

    // Sales answers in time (10 min of 30), then it moves to Support, which closes it late
    const first = await conversationAt(ws.id, website.id, at("2026-03-27T09:00:00Z"));
    await routed(first, sales, "2026-03-27T09:30:00Z", "2026-03-27T10:00:00Z");
    await reply(first, "2026-03-27T09:10:00Z");
    await routed(first, support, "2026-03-27T09:40:00Z", "2026-03-27T10:00:00Z");
    await close(first, "2026-03-27T11:00:00Z");
    // Support answers late and closes in time
    const second = await conversationAt(ws.id, website.id, at("2026-03-28T09:00:00Z"));
    await routed(second, support, "2026-03-28T09:05:00Z", "2026-03-28T12:00:00Z");
    await reply(second, "2026-03-28T09:20:00Z");
    await close(second, "2026-03-28T10:00:00Z");
    // no team: counted in the totals' times, with no target
    const third = await conversationAt(ws.id, website.id, at("2026-03-29T09:00:00Z"));
    await reply(third, "2026-03-29T09:01:00Z");

    const teams = await json<{ teams: Record<string, unknown>[] }>(
      await api(`/api/v1/reports/teams?${new URLSearchParams(days)}`, { cookie }),
    );
    const none = { met: 0, missed: 0, met_percent: null };
    expect(teams.teams).toEqual([
      {
        team_id: support,
        name: "Support",
        assignments: 0,
        first_responses: 1,
        first_response_time: { median_seconds: 1200, p90_seconds: 1200, mean_seconds: 1200 },
        first_response_sla: { met: 0, missed: 1, met_percent: 0 },
        conversations_closed: 2,
        resolution_time: { median_seconds: 3600, p90_seconds: 7200, mean_seconds: 5400 },
        resolution_sla: { met: 1, missed: 1, met_percent: 50 },
      },
      {
        team_id: sales,
        name: "Sales",
        assignments: 0,
        first_responses: 1,
        first_response_time: { median_seconds: 600, p90_seconds: 600, mean_seconds: 600 },
        first_response_sla: { met: 1, missed: 0, met_percent: 100 },
        conversations_closed: 0,
        resolution_time: { median_seconds: null, p90_seconds: null, mean_seconds: null },
        resolution_sla: none,
      },
    ]);
    const all = await report(cookie, "conversations", days);
    expect(all.totals).toMatchObject({
      first_responses: 3,
      first_response_sla: { met: 1, missed: 1, met_percent: 50 },
      resolution_sla: { met: 1, missed: 1, met_percent: 50 },
    });

    const csv = await api(
      `/api/v1/reports/teams?${new URLSearchParams({ ...days, format: "csv" })}`,
      {
        cookie,
      },
    );
    const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
    expect(
      rows.map((row) => [row.team, row.resolution_sla_met, row.resolution_sla_missed]),
    ).toEqual([
      ["Support", "1", "1"],
      ["Sales", "0", "0"],
    ]);
  });

  it("count each label's conversations opened and closed, by the labels they carry now", async () => {
    const { cookie, ws } = await springFixture();
    const [friday, night, late] = await db()
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.workspaceId, ws.id))
      .orderBy(conversations.createdAt)
      .then((rows) => rows.slice(1).map((row) => row.id));
    const label = (id: string | undefined, names: string[]) =>
      api(`/api/v1/conversations/${id}/labels`, { cookie, body: { labels: names } });
    await api("/api/v1/labels", { cookie, body: { name: "Billing", colour: "#aa3300" } });
    await api("/api/v1/labels", { cookie, body: { name: "Unused", colour: "#00aa33" } });
    // the closed Friday one labelled after its close; the reopened one is open again
    await label(friday, ["billing", "vip"]);
    await label(night, ["billing"]);
    await label(late, ["vip"]);
    const other = await newWorkspace();
    await api("/api/v1/labels", {
      cookie: other.ownerCookie,
      body: { name: "Elsewhere", colour: "#0033aa" },
    });

    const labels = await json<{ labels: Record<string, unknown>[] }>(
      await api(`/api/v1/reports/labels?${new URLSearchParams(days)}`, { cookie }),
    );
    const two = { median_seconds: 7200, p90_seconds: 7200, mean_seconds: 7200 };
    const none = { median_seconds: null, p90_seconds: null, mean_seconds: null };
    expect(labels.labels).toEqual([
      {
        label: "billing",
        colour: "#aa3300",
        conversations_opened: 2,
        conversations_closed: 1,
        resolution_time: two,
      },
      {
        label: "vip",
        colour: null,
        conversations_opened: 2,
        conversations_closed: 1,
        resolution_time: two,
      },
      {
        label: "unused",
        colour: "#00aa33",
        conversations_opened: 0,
        conversations_closed: 0,
        resolution_time: none,
      },
    ]);
    const csv = await api(
      `/api/v1/reports/labels?${new URLSearchParams({ ...days, format: "csv" })}`,
      {
        cookie,
      },
    );
    const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.label, row.conversations_closed])).toEqual([
      ["billing", "1"],
      ["vip", "1"],
      ["unused", "0"],
    ]);
  });

  it("count response and resolution times in business hours when asked, across a weekend", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    await officeHours(ws.id, cookie);
    const website = await newWebchat(cookie);
    // Friday 16:30 in Madrid; answered Monday 09:10 and closed at 10:00 (summer time by then)
    const id = await conversationAt(ws.id, website.id, at("2026-03-27T15:30:00Z"));
    const monday = (hhmm: string) => at(`2026-03-30T${hhmm}:00Z`);
    const reply = apiAt(monday("07:10"), cookie);
    expect((await reply(`/api/v1/conversations/${id}/messages`, { text: "Hi" })).status).toBe(201);
    const close = apiAt(monday("08:00"), cookie);
    expect((await close(`/api/v1/conversations/${id}/status`, { status: "closed" })).status).toBe(
      200,
    );
    const business = await report(cookie, "conversations", { ...days, hours: "business" });
    // 30 minutes on Friday, then 10 (answered) or 60 (closed) on Monday
    expect(business.totals).toMatchObject({
      first_responses: 1,
      first_response_time: { median_seconds: 40 * 60 },
      resolution_time: { median_seconds: 90 * 60 },
    });
    const allTime = await report(cookie, "conversations", days);
    const elapsed = (until: number) => (until - at("2026-03-27T15:30:00Z")) / 1000;
    expect(allTime.totals).toMatchObject({
      first_response_time: { median_seconds: elapsed(monday("07:10")) },
      resolution_time: { median_seconds: elapsed(monday("08:00")) },
    });
  });

  it("download as CSV, a cell a spreadsheet would run as a formula escaped", async () => {
    const ws = await newWorkspace();
    const website = await newWebchat(ws.ownerCookie);
    const names = ["=HYPERLINK(1)", "+34 600", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"];
    const when = at("2026-03-27T09:00:00Z");
    for (const name of names) {
      const agent = await ws.addMember("agent");
      await db().update(users).set({ name }).where(eq(users.id, agent.id));
      const id = await conversationAt(ws.id, website.id, when);
      const reply = apiAt(when + 60_000, await agent.login());
      expect((await reply(`/api/v1/conversations/${id}/messages`, { text: "Hi" })).status).toBe(
        201,
      );
    }
    const response = await api(
      `/api/v1/reports/agents?${new URLSearchParams({ ...days, format: "csv" })}`,
      { cookie: ws.ownerCookie },
    );
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="conversa-agents-2026-03-27-2026-03-30.csv"',
    );
    const [header, ...rows] = parse(await response.text()) as string[][];
    expect(header?.slice(0, 4)).toEqual(["agent", "agent_id", "replies", "first_responses"]);
    expect(rows.map((row) => row[0]).sort()).toEqual(names.map((name) => `'${name}`).sort());
    expect(rows.every((row) => row[3] === "1" && row[4] === "60")).toBe(true);

    const series = await api(
      `/api/v1/reports/conversations?${new URLSearchParams({ ...days, format: "csv" })}`,
      { cookie: ws.ownerCookie },
    );
    const lines = parse(await series.text()) as string[][];
    expect(lines[1]?.slice(0, 2)).toEqual(["2026-03-27", String(names.length)]);
  });

  it("are a supervisor's, and show nothing of another workspace", async () => {
    const { ws } = await springFixture();
    const agent = await ws.addMember("agent");
    const asAgent = await api(`/api/v1/reports/conversations?${new URLSearchParams(days)}`, {
      cookie: await agent.login(),
    });
    await expectProblem(asAgent, 403);
    const other = await newWorkspace();
    const theirs = await report(other.ownerCookie, "conversations", days);
    expect(theirs.totals).toMatchObject({ conversations_opened: 0, messages_in: 0 });
  });

  it("refuse a bad range with the field's path", async () => {
    const ws = await newWorkspace();
    const paths = async (query: Record<string, string>) => {
      const response = await api(`/api/v1/reports/conversations?${new URLSearchParams(query)}`, {
        cookie: ws.ownerCookie,
      });
      const problem = await expectProblem(response, 422);
      return (problem.errors as { path: string }[]).map((e) => e.path);
    };
    expect(await paths({ from: "2026-03-10", to: "2026-03-01" })).toEqual(["query.to"]);
    expect(await paths({ from: "2026-03-01", to: "2026-03-02", timezone: "Mars/Olympus" })).toEqual(
      ["query.timezone"],
    );
    expect(
      await paths({ from: "2026-03-01", to: "2026-03-02", channel_id: "ch_1", agent_id: "usr_1" }),
    ).toEqual(["query.agent_id"]);
    expect(await paths({ from: "yesterday", to: "2026-03-02" })).toEqual(["query.from"]);
  });

  it("show the inbox now", async () => {
    const { cookie } = await springFixture();
    const now = await json<Record<string, number>>(
      await api("/api/v1/reports/overview", { cookie }),
    );
    // the night's and the reopened conversation are open, neither assigned
    expect(now).toMatchObject({ open: 3, unassigned: 3, pending: 0, snoozed: 0 });
    expect(now.waiting_on_agent).toBeGreaterThanOrEqual(0);
  });
});
