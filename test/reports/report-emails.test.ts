import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { createDb } from "../../worker/db/client";
import { memberships, reportEmailSchedules, users, workspaces } from "../../worker/db/schema";
import { sendDueReportEmails } from "../../worker/domain/report-emails/due";
import { PERIODIC_JOBS } from "../../worker/scheduled";
import { fakeRequests, fakeUrl, newChannel, scriptFake, uniqueDigits } from "../channel-helpers";
import { api, db, expectProblem, json, newWebchat, newWorkspace, ORIGIN } from "../helpers";
import { apiAt, conversationAt, projectedAt } from "./helpers";

const at = (iso: string) => Date.parse(iso);
const tick = (now: number) => sendDueReportEmails(createDb(env.DB), env, now);

/** PUT /reports/email-schedule as the API answers at `when`. */
async function putScheduleAt(when: number, cookie: string, body: unknown) {
  const app = createApp({ clock: { now: () => when } });
  return app.request(
    `${ORIGIN}/api/v1/reports/email-schedule`,
    {
      method: "PUT",
      headers: { "content-type": "application/json", cookie, origin: ORIGIN },
      body: JSON.stringify(body),
    },
    env,
    createExecutionContext(),
  );
}

type Schedule = {
  channel_id: string | null;
  recipient_ids: string[];
  last_sent_period: string | null;
  last_sent_at: string | null;
  last_error: string | null;
};

const scheduleOf = async (cookie: string) =>
  json<Schedule>(await api("/api/v1/reports/email-schedule", { cookie }));

type Sent = { to: string[]; from: string; subject: string; text: string; html: string };

/** The e-mails the fake Resend accepted for an address. */
async function mailTo(address: string): Promise<Sent[]> {
  const requests = await fakeRequests("/emails");
  return requests
    .filter((r) => r.response.status === 200)
    .map((r) => JSON.parse(r.body) as Sent)
    .filter((body) => body.to.includes(address));
}

/**
 * A Madrid workspace with an email channel and people of every kind, and a known week: Monday
 * 23 to Sunday 29 March 2026, whose last night the clocks go from 02:00 to 03:00 (UTC+1 to +2).
 */
async function madridWeek() {
  const ws = await newWorkspace("Acme <Support> & Co");
  const cookie = ws.ownerCookie;
  await db().update(workspaces).set({ timezone: "Europe/Madrid" }).where(eq(workspaces.id, ws.id));
  const channel = await newChannel(cookie, "email", {
    inbound_address: `support-${uniqueDigits(8)}@acme.test`,
    provider: "resend",
    api_key: "re_report_key",
    from_accounts: [{ area: "all", from: "Acme Reports <reports@acme.test>" }],
    api_base_url: fakeUrl(),
  });
  const supervisor = await ws.addMember("supervisor");
  await db().update(users).set({ language: "fr" }).where(eq(users.id, supervisor.id));
  const admin = await ws.addMember("admin");
  const agent = await ws.addMember("agent");
  const leaver = await ws.addMember("supervisor");

  const website = await newWebchat(cookie);
  const reply = (id: string, when: number) =>
    apiAt(when, cookie)(`/api/v1/conversations/${id}/messages`, { text: "Let me check" });
  const status = (id: string, when: number, to: string) =>
    apiAt(when, cookie)(`/api/v1/conversations/${id}/status`, { status: to });
  // Wednesday: opened, never answered
  await conversationAt(ws.id, website.id, at("2026-03-25T12:00:00Z"));
  // Friday 10:00: two messages, answered in 5 minutes, closed after two hours
  const friday = await conversationAt(ws.id, website.id, at("2026-03-27T09:00:00Z"));
  await projectedAt(ws.id, friday, at("2026-03-27T09:00:00Z"));
  await projectedAt(ws.id, friday, at("2026-03-27T09:10:00Z"));
  expect((await reply(friday, at("2026-03-27T09:05:00Z"))).status).toBe(201);
  expect((await status(friday, at("2026-03-27T11:00:00Z"), "closed")).status).toBe(200);
  // Sunday 01:30, before the change: answered in a minute, then a bot's message
  const night = await conversationAt(ws.id, website.id, at("2026-03-29T00:30:00Z"));
  await projectedAt(ws.id, night, at("2026-03-29T00:30:00Z"));
  expect((await reply(night, at("2026-03-29T00:31:00Z"))).status).toBe(201);
  await projectedAt(ws.id, night, at("2026-03-29T00:32:00Z"), "bot");
  // Monday 00:30 in Madrid (Sunday 22:30 UTC): the next week's
  await conversationAt(ws.id, website.id, at("2026-03-29T22:30:00Z"));

  const recipients = [supervisor.id, admin.id, ws.owner.id, leaver.id];
  const saved = await putScheduleAt(at("2026-03-20T12:00:00Z"), cookie, {
    channel_id: channel.id,
    recipient_ids: recipients,
    frequency: "weekly",
    weekday: 1,
    time: "09:00",
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  // chosen while they could read reports: one is an agent now, the other has left
  await db().update(memberships).set({ role: "agent" }).where(eq(memberships.userId, ws.owner.id));
  await db().update(memberships).set({ active: false }).where(eq(memberships.userId, leaver.id));
  return {
    ws,
    cookie,
    channel,
    supervisor,
    admin,
    agent,
    leaver,
    adminCookie: await admin.login(),
  };
}

describe("report e-mails", () => {
  it("send the week once, at 09:00 Madrid time after the clocks went forward, to readers only", async () => {
    expect(PERIODIC_JOBS).toContain(sendDueReportEmails);
    const week = await madridWeek();
    const { supervisor, admin } = week;

    // 08:30 in Madrid (07:30 in winter time): not yet
    await tick(at("2026-03-30T06:30:00Z"));
    expect(await mailTo(admin.email)).toEqual([]);

    // 09:05 in Madrid, two ticks at once, then a later one the same day
    await Promise.all([tick(at("2026-03-30T07:05:00Z")), tick(at("2026-03-30T07:05:00Z"))]);
    await tick(at("2026-03-30T08:00:00Z"));

    const [english, ...moreEnglish] = await mailTo(admin.email);
    expect(moreEnglish).toEqual([]);
    expect(english?.from).toBe("Acme Reports <reports@acme.test>");
    expect(english?.subject).toBe("Conversa weekly summary — Acme <Support> & Co — 23 Mar–29 Mar");
    expect(english?.text.split("\n").slice(2, 8)).toEqual([
      "Conversations opened: 3 (Previous period: 0)",
      "Conversations closed: 1 (Previous period: 0)",
      "Messages in: 3 (Previous period: 0)",
      "Messages out: 1 (Previous period: 0)",
      "First response (median): 1 min (Previous period: —)",
      "Resolution (median): 2 hrs (Previous period: —)",
    ]);
    // replies are counted as the inbox projects them, which this fixture's API replies skip
    expect(english?.text).toContain(
      `Top agents:\n- owner ${week.ws.owner.id}: Replies 0, Closed 1`,
    );
    expect(english?.html).toContain("Acme &lt;Support&gt; &amp; Co");
    expect(english?.html).not.toContain("<Support>");
    expect(english?.html).toContain("<td");

    const [french, ...moreFrench] = await mailTo(supervisor.email);
    expect(moreFrench).toEqual([]);
    expect(french?.subject).toMatch(
      /^Résumé hebdomadaire Conversa — Acme <Support> & Co — 23 mars/,
    );
    expect(french?.text).toContain("Conversations ouvertes: 3 (Période précédente: 0)");

    // an agent and a member who left get nothing, even when chosen
    expect(await mailTo(week.ws.owner.email)).toEqual([]);
    expect(await mailTo(week.leaver.email)).toEqual([]);
    expect(await mailTo(week.agent.email)).toEqual([]);

    const schedule = await scheduleOf(week.adminCookie);
    expect(schedule).toMatchObject({
      last_sent_period: "2026-03-30",
      last_sent_at: "2026-03-30T07:05:00.000Z",
      last_error: null,
    });
  });

  it("keeps sending to the others when the provider refuses one, and shows who", async () => {
    const week = await madridWeek();
    await scriptFake({
      path: "/emails",
      status: 422,
      body: { name: "validation_error", message: "The to address is invalid" },
    });
    await tick(at("2026-03-30T07:05:00Z"));
    const reached = [...(await mailTo(week.admin.email)), ...(await mailTo(week.supervisor.email))];
    expect(reached).toHaveLength(1);
    const refused = reached[0]?.to[0] === week.admin.email ? week.supervisor : week.admin;
    const schedule = await scheduleOf(week.adminCookie);
    expect(schedule.last_error).toBe(`${refused.email}: The to address is invalid`);
    expect(schedule.last_sent_period).toBe("2026-03-30");
  });

  it("sends a test of the last week to the caller now", async () => {
    const week = await madridWeek();
    const response = await api("/api/v1/reports/email-schedule/send-test", {
      method: "POST",
      cookie: week.adminCookie,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const answer = await json<{ sent_to: string; subject: string }>(response);
    expect(answer.sent_to).toBe(week.admin.email);
    const [sent] = await mailTo(week.admin.email);
    expect(sent?.subject).toBe(answer.subject);
    expect(answer.subject).toMatch(/^Conversa weekly summary — Acme <Support> & Co — /);
  });

  it("refuses what cannot be sent with the field at fault, and stores nothing", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const webchat = await newWebchat(cookie);
    const agent = await ws.addMember("agent");
    const other = await newWorkspace();
    const put = (body: Record<string, unknown>) =>
      api("/api/v1/reports/email-schedule", { method: "PUT", cookie, body });
    const valid = { channel_id: webchat.id, recipient_ids: [ws.owner.id], time: "09:00" };
    const cases: [Record<string, unknown>, string[]][] = [
      [valid, ["channel_id"]],
      [
        { ...valid, recipient_ids: [agent.id, other.owner.id] },
        ["channel_id", "recipient_ids.0", "recipient_ids.1"],
      ],
      [{ ...valid, recipient_ids: [] }, ["channel_id", "recipient_ids"]],
      [{ ...valid, time: "25:00" }, ["time"]],
      [{ ...valid, time: "09:\u000000" }, ["time"]],
      [{ ...valid, weekday: 7 }, ["weekday"]],
      [{ ...valid, frequency: "monthly" }, ["frequency"]],
      [{ ...valid, subject: "extra" }, ["subject"]],
    ];
    for (const [body, paths] of cases) {
      const problem = await expectProblem(await put(body), 422);
      expect(problem.errors?.map((e) => e.path).sort(), JSON.stringify(body)).toEqual(paths);
    }
    const asAgent = await api("/api/v1/reports/email-schedule", { cookie: await agent.login() });
    await expectProblem(asAgent, 403);
    const noSchedule = await api("/api/v1/reports/email-schedule/send-test", {
      method: "POST",
      cookie,
    });
    expect((await expectProblem(noSchedule, 422)).errors?.map((e) => e.path)).toEqual([
      "channel_id",
    ]);
    const stored = await db()
      .select()
      .from(reportEmailSchedules)
      .where(eq(reportEmailSchedules.workspaceId, ws.id));
    expect(stored).toEqual([]);
    expect(await scheduleOf(cookie)).toMatchObject({ channel_id: null, recipient_ids: [] });
  });
});
