import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts, conversations } from "../../worker/db/schema";
import { aiSaid, assistantSetup, conversationOf } from "../ai/assistant-helpers";
import { eventually } from "../channel-helpers";
import {
  api,
  createKey,
  db,
  expectProblem,
  freshEmail,
  json,
  newWebchat,
  newWorkspace,
  visitorChat,
  visitorSession,
} from "../helpers";
import {
  assistantDid,
  automationWithRuns,
  broadcastWithRuns,
  contactFirstSeen,
  contactMadeBy,
  timeoutAt,
  usageAt,
} from "./activity-fixtures";
import { conversationAt } from "./helpers";

const at = (iso: string) => Date.parse(iso);

// Monday 2 to Sunday 8 March 2026; the week before is the previous period
const week = { from: "2026-03-02", to: "2026-03-08", timezone: "UTC" };

async function report<T = Record<string, unknown>>(
  cookie: string,
  name: string,
  query: Record<string, string> = week,
) {
  const response = await api(`/api/v1/reports/${name}?${new URLSearchParams(query)}`, { cookie });
  expect(response.status, await response.clone().text()).toBe(200);
  return json<T>(response);
}

async function csvOf(cookie: string, name: string, query: Record<string, string> = week) {
  const params = new URLSearchParams({ ...query, format: "csv" });
  const response = await api(`/api/v1/reports/${name}?${params}`, { cookie });
  expect(response.headers.get("content-type")).toContain("text/csv");
  expect(response.headers.get("content-disposition")).toContain(
    `conversa-${name}-${query.from}-${query.to}.csv`,
  );
  return parse(await response.text()) as string[][];
}

/** Supervisors and up read the report; agents get 403; another workspace sees none of it. */
async function expectOnlyTheTeamsSupervisors(name: string, empty: (report: never) => void) {
  const other = await newWorkspace();
  empty((await report(other.ownerCookie, name)) as never);
  const ws = await newWorkspace();
  const agent = await ws.addMember("agent");
  await expectProblem(
    await api(`/api/v1/reports/${name}?${new URLSearchParams(week)}`, {
      cookie: await agent.login(),
    }),
    403,
  );
  const supervisor = await ws.addMember("supervisor");
  await report(await supervisor.login(), name);
}

type Figures = Record<string, number>;
type Totals = { totals: Figures; previous: { from: string; to: string; totals: Figures } };

describe("the broadcasts report", () => {
  it("counts each run started in the range by what became of its recipients", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const sale = await broadcastWithRuns(ws.id, channel.id, "Spring sale", [
      {
        startedAt: "2026-03-03T10:00:00Z",
        recipients: [
          { status: "sent", delivered: true, read: true, replied: true, clicked: true },
          { status: "sent", delivered: true },
          { status: "failed", reason: "number unreachable" },
          { status: "excluded", reason: "opted_out" },
          { status: "excluded", reason: "no_address" },
        ],
      },
    ]);
    const news = await broadcastWithRuns(ws.id, channel.id, "Weekly news", [
      { startedAt: "2026-02-26T09:00:00Z", recipients: [{ status: "sent" }, { status: "sent" }] },
      { startedAt: "2026-03-05T09:00:00Z", recipients: [{ status: "sent" }, { status: "queued" }] },
    ]);
    await broadcastWithRuns(ws.id, channel.id, "Next week", [
      { startedAt: "2026-03-09T00:00:00Z", recipients: [{ status: "sent" }] },
    ]);

    const shown = await report<
      Totals & { broadcasts: (Figures & { broadcast_id: string; name: string })[] }
    >(ws.ownerCookie, "broadcasts");
    expect(shown.totals).toEqual({
      runs: 2,
      recipients: 7,
      sent: 3,
      delivered: 2,
      read: 1,
      replied: 1,
      clicked: 1,
      failed: 1,
      opted_out: 1,
    });
    expect(shown.previous).toMatchObject({
      from: "2026-02-23",
      to: "2026-03-01",
      totals: { runs: 1, recipients: 2, sent: 2, failed: 0 },
    });
    // the latest started first
    expect(shown.broadcasts.map((b) => [b.name, b.broadcast_id, b.runs, b.recipients])).toEqual([
      ["Weekly news", news, 1, 2],
      ["Spring sale", sale, 1, 5],
    ]);

    const rows = await csvOf(ws.ownerCookie, "broadcasts");
    expect(rows[0]).toEqual([
      "broadcast",
      "broadcast_id",
      "first_started_at",
      "runs",
      "recipients",
      "sent",
      "delivered",
      "read",
      "replied",
      "clicked",
      "failed",
      "opted_out",
    ]);
    expect(rows.slice(1)).toEqual([
      [
        "Weekly news",
        news,
        "2026-03-05T09:00:00.000Z",
        "1",
        "2",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
      ],
      [
        "Spring sale",
        sale,
        "2026-03-03T10:00:00.000Z",
        "1",
        "5",
        "2",
        "2",
        "1",
        "1",
        "1",
        "1",
        "1",
      ],
    ]);

    await expectOnlyTheTeamsSupervisors("broadcasts", (empty: Totals & { broadcasts: [] }) => {
      expect(empty.totals.runs).toBe(0);
      expect(empty.broadcasts).toEqual([]);
    });
  });
});

describe("the automations report", () => {
  it("counts each automation's runs started in the range by outcome, and the messages sent", async () => {
    const ws = await newWorkspace();
    const welcome = await automationWithRuns(ws.id, "Welcome", [
      { startedAt: "2026-03-02T08:00:00Z", status: "completed", messages: 2 },
      { startedAt: "2026-03-04T08:00:00Z", status: "completed", messages: 1 },
      { startedAt: "2026-03-06T08:00:00Z", status: "failed" },
      { startedAt: "2026-03-08T23:59:00Z", status: "waiting", messages: 1 },
    ]);
    const followUp = await automationWithRuns(ws.id, "Follow-up", [
      { startedAt: "2026-02-28T08:00:00Z", status: "completed", messages: 3 },
      { startedAt: "2026-03-03T08:00:00Z", status: "stopped" },
      { startedAt: "2026-03-03T09:00:00Z", status: "limited" },
      { startedAt: "2026-03-07T09:00:00Z", status: "running", messages: 1 },
      { startedAt: "2026-03-09T00:00:00Z", status: "completed" },
    ]);

    const shown = await report<
      Totals & { automations: (Figures & { automation_id: string; name: string })[] }
    >(ws.ownerCookie, "automations");
    expect(shown.totals).toEqual({
      runs: 7,
      completed: 2,
      failed: 1,
      stopped: 1,
      limited: 1,
      in_progress: 2,
      messages_sent: 5,
    });
    expect(shown.previous.totals).toEqual({
      runs: 1,
      completed: 1,
      failed: 0,
      stopped: 0,
      limited: 0,
      in_progress: 0,
      messages_sent: 3,
    });
    // most runs first
    expect(shown.automations).toEqual([
      {
        automation_id: welcome,
        name: "Welcome",
        runs: 4,
        completed: 2,
        failed: 1,
        stopped: 0,
        limited: 0,
        in_progress: 1,
        messages_sent: 4,
      },
      {
        automation_id: followUp,
        name: "Follow-up",
        runs: 3,
        completed: 0,
        failed: 0,
        stopped: 1,
        limited: 1,
        in_progress: 1,
        messages_sent: 1,
      },
    ]);
    // Madrid's week starts an hour earlier: the run at 23:59 UTC on Sunday is Monday's there
    const madrid = await report<Totals>(ws.ownerCookie, "automations", {
      ...week,
      timezone: "Europe/Madrid",
    });
    expect(madrid.totals.runs).toBe(6);

    const rows = await csvOf(ws.ownerCookie, "automations");
    expect(rows).toEqual([
      [
        "automation",
        "automation_id",
        "runs",
        "completed",
        "failed",
        "stopped",
        "limited",
        "in_progress",
        "messages_sent",
      ],
      ["Welcome", welcome, "4", "2", "1", "0", "0", "1", "4"],
      ["Follow-up", followUp, "3", "0", "0", "1", "1", "1", "1"],
    ]);

    await expectOnlyTheTeamsSupervisors("automations", (empty: Totals & { automations: [] }) => {
      expect(empty.totals.runs).toBe(0);
      expect(empty.automations).toEqual([]);
    });
  });
});

describe("the AI report", () => {
  it("adds up calls and tokens by feature, and the assistant's answers and handoffs", async () => {
    const ws = await newWorkspace();
    await usageAt(ws.id, "assistant", "2026-03-02T10:00:00Z", 100, 20);
    await usageAt(ws.id, "assistant", "2026-03-04T10:00:00Z", 50, 10);
    await usageAt(ws.id, "copilot", "2026-03-05T10:00:00Z", 30, 5);
    await usageAt(ws.id, "embedding", "2026-03-06T10:00:00Z", 200, 0);
    await usageAt(ws.id, "automation", "2026-02-27T10:00:00Z", 10, 2);
    await timeoutAt(ws.id, "assistant", "2026-03-04T11:00:00Z");
    await timeoutAt(ws.id, "copilot", "2026-03-10T11:00:00Z");
    for (const day of ["02", "03", "04"])
      await assistantDid(ws.id, "answer", `2026-03-${day}T10:00:00Z`);
    await assistantDid(ws.id, "handoff", "2026-03-04T10:01:00Z", "customer");
    await assistantDid(ws.id, "handoff", "2026-03-04T11:00:00Z", "error");
    await assistantDid(ws.id, "resolved", "2026-03-03T10:01:00Z");
    await assistantDid(ws.id, "answer", "2026-02-25T10:00:00Z");

    const shown = await report<
      Totals & { handoffs_by: Figures; features: (Figures & { feature: string })[] }
    >(ws.ownerCookie, "ai");
    expect(shown.totals).toEqual({
      answers: 3,
      handoffs: 2,
      resolved: 1,
      calls: 4,
      failed_calls: 1,
      prompt_tokens: 380,
      completion_tokens: 35,
      total_tokens: 415,
    });
    expect(shown.previous.totals).toMatchObject({ answers: 1, calls: 1, total_tokens: 12 });
    expect(shown.handoffs_by).toEqual({ assistant: 0, customer: 1, agent: 0, error: 1 });
    expect(shown.features).toEqual([
      {
        feature: "assistant",
        calls: 2,
        failed_calls: 1,
        prompt_tokens: 150,
        completion_tokens: 30,
        total_tokens: 180,
      },
      {
        feature: "copilot",
        calls: 1,
        failed_calls: 0,
        prompt_tokens: 30,
        completion_tokens: 5,
        total_tokens: 35,
      },
      {
        feature: "embedding",
        calls: 1,
        failed_calls: 0,
        prompt_tokens: 200,
        completion_tokens: 0,
        total_tokens: 200,
      },
      {
        feature: "automation",
        calls: 0,
        failed_calls: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        total_tokens: 0,
      },
    ]);

    expect(await csvOf(ws.ownerCookie, "ai")).toEqual([
      [
        "feature",
        "calls",
        "failed_calls",
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
        "answers",
        "handoffs",
        "resolved",
      ],
      ["assistant", "2", "1", "150", "30", "180", "3", "2", "1"],
      ["copilot", "1", "0", "30", "5", "35", "0", "0", "0"],
      ["embedding", "1", "0", "200", "0", "200", "0", "0", "0"],
      ["automation", "0", "0", "0", "0", "0", "0", "0", "0"],
    ]);

    await expectOnlyTheTeamsSupervisors("ai", (empty: Totals) => {
      expect(empty.totals).toMatchObject({ answers: 0, handoffs: 0, calls: 0, total_tokens: 0 });
    });
  });

  it("counts the assistant's answer and the handoff a customer asks for as they happen", async () => {
    const { ws, channel, support } = await assistantSetup();
    const chat = await visitorChat(channel.id);
    const id = await chat.say("How long do refunds take?");
    await eventually(async () => (await aiSaid(ws, id)).length === 1, "the answer");
    await chat.say("I want to talk to an agent");
    await eventually(
      async () => (await conversationOf(ws, id)).team_id === support.id,
      "the handoff",
    );
    const today = new Date().toISOString().slice(0, 10);
    const shown = await report<Totals & { handoffs_by: Figures }>(ws.ownerCookie, "ai", {
      from: today,
      to: today,
      timezone: "UTC",
    });
    expect(shown.totals).toMatchObject({ answers: 1, handoffs: 1, resolved: 0 });
    expect(shown.handoffs_by).toMatchObject({ customer: 1, assistant: 0 });
  });
});

describe("the contacts report", () => {
  it("counts new contacts per day in the timezone, by where they came from", async () => {
    const ws = await newWorkspace();
    const website = await newWebchat(ws.ownerCookie);
    await contactMadeBy(ws.id, "session", "2026-03-02T10:00:00Z", freshEmail());
    await contactMadeBy(ws.id, "api_key", "2026-03-02T11:00:00Z", freshEmail());
    await contactFirstSeen(ws.id, website.id, "2026-03-02T12:00:00Z");
    // 00:30 on Tuesday in Madrid
    await contactFirstSeen(ws.id, website.id, "2026-03-02T23:30:00Z");
    // the Sunday before: the previous period
    await contactMadeBy(ws.id, "session", "2026-03-01T10:00:00Z", freshEmail());

    const days = { from: "2026-03-02", to: "2026-03-03", timezone: "Europe/Madrid" };
    const shown = await report<{
      totals: { new_contacts: number; by_source: Figures };
      previous: { from: string; totals: { new_contacts: number; by_source: Figures } };
      series: { period: string; new_contacts: number; by_source: Figures }[];
    }>(ws.ownerCookie, "contacts", days);
    expect(shown.totals).toEqual({
      new_contacts: 4,
      by_source: { webchat: 2, api: 1, manual: 1 },
    });
    expect(shown.previous).toMatchObject({
      from: "2026-02-28",
      totals: { new_contacts: 1, by_source: { manual: 1 } },
    });
    expect(shown.series).toEqual([
      { period: "2026-03-02", new_contacts: 3, by_source: { webchat: 1, api: 1, manual: 1 } },
      { period: "2026-03-03", new_contacts: 1, by_source: { webchat: 1 } },
    ]);
    expect(await csvOf(ws.ownerCookie, "contacts", days)).toEqual([
      ["period", "new_contacts", "webchat", "api", "manual"],
      ["2026-03-02", "3", "1", "1", "1"],
      ["2026-03-03", "1", "1", "0", "0"],
    ]);

    await expectOnlyTheTeamsSupervisors("contacts", (empty: Totals) => {
      expect(empty.totals).toEqual({ new_contacts: 0, by_source: {} });
    });
  });

  it("keeps where each contact came from: the API, a person, a web chat visitor", async () => {
    const ws = await newWorkspace();
    const key = await createKey(ws.ownerCookie);
    const byKey = await json<{ id: string }>(
      await api("/api/v1/contacts", { key, body: { email: freshEmail() } }),
    );
    const byPerson = await json<{ id: string }>(
      await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { email: freshEmail() } }),
    );
    const website = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(website.id);
    const sourceOf = async (id: string) =>
      (await db().query.contacts.findFirst({ where: eq(contacts.id, id) }))?.source;
    expect(await sourceOf(byKey.id)).toBe("api");
    expect(await sourceOf(byPerson.id)).toBe("manual");
    expect(await sourceOf(visitor.visitor_id)).toBe("webchat");
  });

  it("gives contacts made before sources were kept their first identity's or conversation's channel kind, else manual", async () => {
    const ws = await newWorkspace();
    const website = await newWebchat(ws.ownerCookie);
    const visitor = await contactFirstSeen(ws.id, website.id, "2026-03-02T10:00:00Z");
    const conversationId = await conversationAt(ws.id, website.id, at("2026-03-02T11:00:00Z"));
    const talked = await db().query.conversations.findFirst({
      where: eq(conversations.id, conversationId),
    });
    const byHand = await contactMadeBy(ws.id, "session", "2026-03-02T12:00:00Z", freshEmail());
    await db().update(contacts).set({ source: "custom" }).where(eq(contacts.workspaceId, ws.id));

    const migration = env.TEST_MIGRATIONS.find((m) => m.name === "0044_activity_reports.sql");
    const backfill = migration?.queries.find((q) => q.includes("UPDATE `contacts`"));
    if (!backfill) throw new Error("the migration backfills contacts' sources");
    await env.DB.prepare(backfill).run();

    const sourceOf = async (id: string | undefined) =>
      (await db().query.contacts.findFirst({ where: eq(contacts.id, id ?? "") }))?.source;
    expect(await sourceOf(visitor.id)).toBe("webchat");
    expect(await sourceOf(talked?.contactId)).toBe("webchat");
    expect(await sourceOf(byHand.id)).toBe("manual");
  });
});
