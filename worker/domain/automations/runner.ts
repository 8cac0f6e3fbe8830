import { and, eq, lt, or } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { automationRuns, automations } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import type { Definition } from "../../schemas/automations";
import type { StepContext } from "./perform";
import { type AutomationEvent, type Candidate, openRun, scopeOf } from "./start";
import { runStepOnce, STEP_LEASE_MS } from "./step-once";
import { StepTree } from "./steps";
import { activeAutomationsFor, definitionOf, versionById } from "./store";

export type { AutomationEvent, Candidate } from "./start";
export { INTERRUPTED, STEP_LEASE_MS } from "./step-once";

export type AutomationJob = { workspaceId: string; runId: string };
type RunRow = typeof automationRuns.$inferSelect;

/** Queues keep a message back at most 12 hours: longer waits hop. */
const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

/** Wakes the run when its wait is over (or on the way there): never an in-memory timer. */
export async function wakeLater(env: Env, job: AutomationJob, resumeAt: number, now: number) {
  const seconds = Math.ceil((resumeAt - now) / 1000);
  await env.AUTOMATIONS.send(job, {
    delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, seconds)),
  });
}

const runKey = (run: RunRow) =>
  inWorkspace(automationRuns, run.workspaceId, eq(automationRuns.id, run.id));

/** Saves where the run is; false when it was stopped meanwhile (paused with "stop"). */
async function saveProgress(ctx: StepContext, change: Partial<RunRow>) {
  const [row] = await ctx.db
    .update(automationRuns)
    .set({
      vars: ctx.vars,
      messagesSent: ctx.messagesSent,
      updatedAt: ctx.now,
      ...change,
    })
    .where(and(runKey(ctx.run), eq(automationRuns.status, "running")))
    .returning({ id: automationRuns.id });
  return row !== undefined;
}

/** The automation's name and the run's version, read unless the caller knows them. */
async function automationOfRun(db: Db, run: RunRow) {
  const automation = await db.query.automations.findFirst({
    columns: { name: true },
    where: inWorkspace(automations, run.workspaceId, eq(automations.id, run.automationId)),
  });
  const version = await versionById(db, run.workspaceId, run.versionId);
  return { name: automation?.name ?? "Automation", definition: definitionOf(version) };
}

/** Runs the steps from the run's cursor until it ends, waits or fails. */
export async function advance(
  db: Db,
  env: Env,
  run: RunRow,
  now: number,
  known?: { name: string; definition: Definition },
) {
  const { name, definition } = known ?? (await automationOfRun(db, run));
  const ctx: StepContext = {
    db,
    env,
    run,
    now,
    tree: new StepTree(definition.steps),
    scope: {
      workspaceId: run.workspaceId,
      contactId: run.contactId,
      conversationId: run.conversationId,
    },
    automationName: name,
    vars: { ...run.vars },
    messagesSent: run.messagesSent,
    startAutomation: async (automationId, eventId, chain) => {
      const started = await startRuns(
        db,
        env,
        {
          type: "manual",
          id: eventId,
          workspaceId: run.workspaceId,
          at: now,
          contactId: ctx.scope.contactId ?? undefined,
          conversationId: ctx.scope.conversationId ?? undefined,
          chain,
          automationId,
        },
        now,
      );
      return started.map((r) => r.id);
    },
  };
  let cursor = run.cursor;
  while (cursor) {
    const step = ctx.tree.get(cursor);
    if (!step) {
      await saveProgress(ctx, {
        status: "failed",
        error: `step ${cursor} is not in the version`,
        finishedAt: now,
      });
      return;
    }
    const outcome = await runStepOnce(ctx, step);
    if (outcome.kind === "abandon") return;
    if (outcome.kind === "fail") {
      await saveProgress(ctx, { status: "failed", cursor, error: outcome.error, finishedAt: now });
      return;
    }
    if (outcome.kind === "busy") {
      await wakeLater(env, { workspaceId: run.workspaceId, runId: run.id }, outcome.until, now);
      return;
    }
    if (outcome.kind === "wait") {
      const waiting = await saveProgress(ctx, {
        status: "waiting",
        cursor,
        resumeAt: outcome.until,
        askingIn: outcome.asking?.conversationId ?? null,
        askedSeq: outcome.asking?.seq ?? null,
      });
      if (waiting)
        await wakeLater(env, { workspaceId: run.workspaceId, runId: run.id }, outcome.until, now);
      return;
    }
    cursor = outcome.kind === "stop" ? null : outcome.next;
    if (!(await saveProgress(ctx, { cursor }))) return;
  }
  await saveProgress(ctx, { status: "completed", cursor: null, finishedAt: now });
}

/**
 * The engine's entry: starts a run of each active automation whose trigger and conditions match
 * the event, within its frequency limit and the loop guard. One automation failing never keeps
 * the others from running. Returns the runs started (limited ones included).
 */
export async function startRuns(db: Db, env: Env, event: AutomationEvent, now = event.at) {
  const candidates = await activeAutomationsFor(
    db,
    event.workspaceId,
    event.type,
    event.automationId,
  );
  return startRunsOf(db, env, event, candidates, now);
}

/** `startRuns` for a caller that has read the active automations already (a queue batch). */
export async function startRunsOf(
  db: Db,
  env: Env,
  event: AutomationEvent,
  candidates: Candidate[],
  now = event.at,
) {
  if (candidates.length === 0) return [];
  const scope = await scopeOf(db, event);
  const started: RunRow[] = [];
  for (const candidate of candidates) {
    try {
      const opened = await openRun(db, event, scope, candidate, now);
      if (!opened) continue;
      started.push(opened.run);
      await begin(db, env, opened, now);
    } catch (error) {
      console.error(`automation ${candidate.automation.id} could not start on ${event.id}`, error);
    }
  }
  return started;
}

/** A run just opened goes on now, or wakes when its delay is over; a limited one ends there. */
async function begin(
  db: Db,
  env: Env,
  { run, name, definition }: NonNullable<Awaited<ReturnType<typeof openRun>>>,
  now: number,
) {
  const job = { workspaceId: run.workspaceId, runId: run.id };
  if (run.status === "waiting" && run.resumeAt !== null)
    await wakeLater(env, job, run.resumeAt, now);
  else if (run.status === "running") await advance(db, env, run, now, { name, definition });
}

/**
 * A queued wake-up: the run goes on when its time has come, else waits for the next hop. A run
 * left running (its worker died, or a step was busy) goes on from its cursor: its step log says
 * what was done.
 */
export async function continueRun(db: Db, env: Env, job: AutomationJob, now: number) {
  const key = inWorkspace(automationRuns, job.workspaceId, eq(automationRuns.id, job.runId));
  const run = await db.query.automationRuns.findFirst({ where: key });
  if (run?.status === "running") return advance(db, env, run, now);
  if (run?.status !== "waiting") return;
  if (run.resumeAt !== null && run.resumeAt > now) {
    await wakeLater(env, job, run.resumeAt, now);
    return;
  }
  const [claimed] = await db
    .update(automationRuns)
    .set({ status: "running", resumeAt: null, askingIn: null, updatedAt: now })
    .where(and(key, eq(automationRuns.status, "waiting")))
    .returning();
  if (claimed) await advance(db, env, claimed, now);
}

/** A failed run goes on from the step that failed, logged as a new attempt. */
export async function retryFailedRun(
  db: Db,
  env: Env,
  workspaceId: string,
  runId: string,
  now: number,
) {
  const key = inWorkspace(automationRuns, workspaceId, eq(automationRuns.id, runId));
  const current = await db.query.automationRuns.findFirst({ where: key });
  if (!current) return null;
  const [claimed] = await db
    .update(automationRuns)
    .set({
      status: "running",
      attempt: current.attempt + 1,
      error: null,
      finishedAt: null,
      updatedAt: now,
    })
    .where(
      and(key, eq(automationRuns.status, "failed"), eq(automationRuns.attempt, current.attempt)),
    )
    .returning();
  if (claimed) await advance(db, env, claimed, now);
  return claimed ?? false;
}

/**
 * Wakes runs stuck past their time: running with no progress for longer than a step's lease
 * (their worker died), or waiting past their resume time (their wake-up was lost). The
 * wake-up decides what happens; a step that was running is not done again. Returns how many.
 */
export async function sweepStuckRuns(db: Db, env: Env, now: number, limit = 100) {
  const stale = now - STEP_LEASE_MS;
  // across every workspace: the periodic sweep is the platform's, not a tenant's
  const stuck = await acrossWorkspaces(db)
    .select({ workspaceId: automationRuns.workspaceId, runId: automationRuns.id })
    .from(automationRuns)
    .where(
      or(
        and(eq(automationRuns.status, "running"), lt(automationRuns.updatedAt, stale)),
        and(eq(automationRuns.status, "waiting"), lt(automationRuns.resumeAt, stale)),
      ),
    )
    .limit(limit);
  if (stuck.length) await env.AUTOMATIONS.sendBatch(stuck.map((job) => ({ body: job })));
  return stuck.length;
}
