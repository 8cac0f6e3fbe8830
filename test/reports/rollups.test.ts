import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { conversations, reportRebuilds, reportRollups } from "../../worker/db/schema";
import { answerFromWidget } from "../../worker/domain/csat/surveys";
import type { Recorded } from "../../worker/domain/events/record";
import { rebuildOutdatedReports } from "../../worker/domain/reports/after-upgrade";
import { REPORTS_VERSION } from "../../worker/domain/reports/rebuild";
import { newId } from "../../worker/lib/ids";
import { sendSurveys } from "../../worker/listeners/csat";
import type { ConversationDto } from "../../worker/schemas/conversations";
import { api, db, expectProblem, json, newWebchat, newWorkspace } from "../helpers";
import { apiAt, conversationAt, officeHours, projectedAt } from "./helpers";

type Rebuild = {
  counters: number;
  differing: number;
  differences: { metric: string; kept: { count: number }; recomputed: { count: number } }[];
  rebuilt: boolean;
};

const rebuild = async (cookie: string, dryRun: boolean) => {
  const response = await api("/api/v1/reports/rebuild", { cookie, body: { dry_run: dryRun } });
  expect(response.status).toBe(200);
  return json<Rebuild>(response);
};

/** A small deterministic generator, so a failing history can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const HOUR = 3_600_000;

/**
 * The survey a close sends, heard at `at` (and maybe again), and maybe answered a little later
 * with a random score.
 */
async function surveyAfterClose(
  workspaceId: string,
  conversation: ConversationDto,
  at: number,
  later: () => number,
  next: () => number,
) {
  const scope = { db: createDb(env.DB), env };
  const event = {
    type: "conversation.closed",
    conversation,
    from: "open",
    reason: null,
    id: newId("evt", at),
    workspace_id: workspaceId,
    at,
  } as Recorded;
  await sendSurveys(scope, event);
  if (next() < 0.3) await sendSurveys(scope, event);
  if (next() < 0.4) return;
  const visitor = { workspaceId, contactId: conversation.contact.id };
  const score = Math.floor(next() * 6);
  await answerFromWidget(scope.db, env, visitor, conversation.id, { score }, later()).catch(
    () => undefined, // the customer never wrote, so no survey; or 0 on the 1–5 scale
  );
}

async function newTeam(cookie: string, name: string) {
  const response = await api("/api/v1/teams", { cookie, body: { name } });
  expect(response.status).toBe(201);
  return (await json<{ id: string }>(response)).id;
}

/** The conversation routed to a team at `at`, as routing does: its SLA clocks start, or none. */
async function routedAt(id: string, teamId: string | null, at: number, next: () => number) {
  const due = (hours: number) => (next() < 0.2 ? null : at + Math.floor(next() * hours * HOUR));
  await db()
    .update(conversations)
    .set({ teamId, firstResponseDueAt: due(4), resolutionDueAt: due(12) })
    .where(eq(conversations.id, id));
}

/**
 * Conversations living random lives in January 2026 — customers writing, bots and agents
 * answering, closes with their satisfaction surveys, reopens, moves between teams with SLA targets
 * — with projections and status changes repeated as retries repeat
 * them.
 */
async function randomHistories(seed: number) {
  const next = random(seed);
  const ws = await newWorkspace();
  const cookie = ws.ownerCookie;
  const channels = [
    await newWebchat(cookie, { csat: { enabled: true } }),
    await newWebchat(cookie, { csat: { enabled: true, scale: "nps_10" } }),
  ];
  // half the histories in a business with office hours, so durations in business hours differ
  if (seed % 2 === 1) await officeHours(ws.id, cookie);
  let clock = Date.parse("2026-01-05T08:00:00Z");
  const later = () => {
    clock += Math.floor(next() * 5 * HOUR) + 1000;
    return clock;
  };
  const teams = [await newTeam(cookie, "Sales"), await newTeam(cookie, "Support")];
  for (let c = 0; c < 6; c++) {
    const channel = channels[Math.floor(next() * channels.length)] ?? channels[0];
    if (!channel) throw new Error("no channel");
    const id = await conversationAt(ws.id, channel.id, later());
    for (let step = 0; step < 10; step++) {
      const roll = next();
      const when = later();
      const again = next() < 0.3;
      if (next() < 0.2) await routedAt(id, teams[Math.floor(next() * 2)] ?? null, when, next);
      if (next() < 0.2) {
        const assign = apiAt(when, cookie);
        const to = next() < 0.8 ? ws.owner.id : null;
        await assign(`/api/v1/conversations/${id}/assign`, { user_id: to });
        if (again) await assign(`/api/v1/conversations/${id}/assign`, { user_id: to });
      }
      if (roll < 0.3) await projectedAt(ws.id, id, when, "customer", again);
      else if (roll < 0.45) await projectedAt(ws.id, id, when, "bot", again);
      else if (roll < 0.65) {
        const reply = apiAt(when, cookie);
        await reply(`/api/v1/conversations/${id}/messages`, { text: "On it" });
      } else {
        const to = roll < 0.85 ? "closed" : "open";
        const change = apiAt(when, cookie);
        const changed = await change(`/api/v1/conversations/${id}/status`, { status: to });
        if (again) await change(`/api/v1/conversations/${id}/status`, { status: to });
        if (to === "closed") await surveyAfterClose(ws.id, await changed.json(), when, later, next);
      }
    }
  }
  return { ws, cookie };
}

describe("report counters", () => {
  for (const seed of [7, 42, 2026]) {
    it(`kept as things happen, equal a recompute from the tables (history ${seed})`, async () => {
      const { ws, cookie } = await randomHistories(seed);
      const check = await rebuild(cookie, true);
      expect(check.differences).toEqual([]);
      expect(check).toMatchObject({ differing: 0, rebuilt: false });
      expect(check.counters).toBeGreaterThan(10);
      const surveys = await db()
        .select()
        .from(reportRollups)
        .where(eq(reportRollups.workspaceId, ws.id));
      const metrics = new Set(surveys.map((row) => row.metric));
      expect(metrics.has("csat_asked")).toBe(true);
      expect(metrics.has("csat_score") || metrics.has("nps_score")).toBe(true);
      expect(metrics.has("resolution_sla")).toBe(true);
      expect(metrics.has("assignments")).toBe(true);
      expect(metrics.has("conversations_reopened")).toBe(true);
      expect(surveys.some((row) => row.dimension.startsWith("team:"))).toBe(true);
    });
  }

  it("a rebuild finds a counter gone wrong and puts it right; only an admin runs it", async () => {
    const { ws, cookie } = await randomHistories(3);
    const range = new URLSearchParams({ from: "2026-01-01", to: "2026-01-31", timezone: "UTC" });
    const before = await json<{ totals: unknown }>(
      await api(`/api/v1/reports/conversations?${range}`, { cookie }),
    );
    const opened = and(
      eq(reportRollups.workspaceId, ws.id),
      eq(reportRollups.metric, "conversations_opened"),
      eq(reportRollups.dimension, ""),
    );
    const [row] = await db().select().from(reportRollups).where(opened).limit(1);
    if (!row) throw new Error("no counter");
    await db()
      .update(reportRollups)
      .set({ count: row.count + 5 })
      .where(and(opened, eq(reportRollups.hour, row.hour)));

    const supervisor = await ws.addMember("supervisor");
    const refused = await api("/api/v1/reports/rebuild", {
      cookie: await supervisor.login(),
      body: { dry_run: true },
    });
    await expectProblem(refused, 403);

    const found = await rebuild(cookie, true);
    expect(found.differing).toBe(1);
    expect(found.differences[0]).toMatchObject({
      metric: "conversations_opened",
      kept: { count: row.count + 5 },
      recomputed: { count: row.count },
    });
    expect((await rebuild(cookie, false)).rebuilt).toBe(true);
    expect((await rebuild(cookie, true)).differing).toBe(0);
    const after = await json<{ totals: unknown }>(
      await api(`/api/v1/reports/conversations?${range}`, { cookie }),
    );
    expect(after.totals).toEqual(before.totals);
  });
});

describe("counters after an upgrade", () => {
  it("are rebuilt once by the cron for each workspace behind the counting rules", async () => {
    const { ws, cookie } = await randomHistories(11);
    const current = await newWorkspace();
    const scope = createDb(env.DB);
    const now = Date.parse("2026-12-08T04:00:00Z");
    // counted under older rules: the counters are gone, the workspace a version behind
    await db().delete(reportRollups).where(eq(reportRollups.workspaceId, ws.id));
    await db()
      .insert(reportRebuilds)
      .values({ workspaceId: ws.id, version: REPORTS_VERSION - 1, rebuiltAt: now - 86_400_000 })
      .onConflictDoUpdate({
        target: reportRebuilds.workspaceId,
        set: { version: REPORTS_VERSION - 1, rebuiltAt: now - 86_400_000 },
      });
    await db()
      .insert(reportRebuilds)
      .values({ workspaceId: current.id, version: REPORTS_VERSION, rebuiltAt: now - 1000 })
      .onConflictDoUpdate({
        target: reportRebuilds.workspaceId,
        set: { version: REPORTS_VERSION, rebuiltAt: now - 1000 },
      });

    const rebuilt: string[] = [];
    for (;;) {
      // two ticks at once, as two cron runs overlapping
      const ticks = await Promise.all([
        rebuildOutdatedReports(scope, env, now),
        rebuildOutdatedReports(scope, env, now),
      ]);
      const done = ticks.flatMap((tick) => (tick ? [tick.workspaceId] : []));
      if (done.length === 0) break;
      rebuilt.push(...done);
    }
    expect(rebuilt.filter((id) => id === ws.id)).toHaveLength(1);
    expect(rebuilt).not.toContain(current.id);
    expect(new Set(rebuilt).size).toBe(rebuilt.length);
    const check = await rebuild(cookie, true);
    expect(check).toMatchObject({ differing: 0 });
    expect(check.counters).toBeGreaterThan(10);
    const [marked] = await db()
      .select()
      .from(reportRebuilds)
      .where(eq(reportRebuilds.workspaceId, ws.id));
    expect(marked?.version).toBe(REPORTS_VERSION);
  });
});
