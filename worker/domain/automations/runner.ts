import { and, eq, gt, ne } from "drizzle-orm";
import { automationRunSteps, automationRuns, automations } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { Problem } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Trigger, TriggerType } from "../../schemas/automation-rules";
import type { Definition, Step } from "../../schemas/automations";
import { recordingFor } from "../events/record";
import { conditionsHold } from "./conditions";
import { conversationOf } from "./effects";
import { factsFor } from "./facts";
import { matchesKeyword } from "./keywords";
import { frequencyAllows, limitWindowStart, loopVerdict } from "./limits";
import { performStep, type StepContext, type StepResult } from "./perform";
import { StepTree } from "./steps";
import { activeAutomationsFor, definitionOf, versionById } from "./store";

/**
 * What happened, in the engine's own shape: the event stream hands these to `startRuns`.
 * `id` is unique per event (a redelivered event starts no second run); `chain` lists the
 * automations whose runs led to it, oldest first (the loop guard reads it).
 */
export type AutomationEvent = {
  type: TriggerType;
  id: string;
  workspaceId: string;
  at: number;
  conversationId?: string | undefined;
  contactId?: string | undefined;
  messageText?: string | undefined;
  channelId?: string | undefined;
  tag?: string | undefined;
  field?: string | undefined;
  chain?: string[] | undefined;
  chainDepth?: number | undefined;
  /** Starts this automation only, whatever its trigger (manual runs, `start_automation`). */
  automationId?: string | undefined;
  /** Started by a person, who chose the contact: the automation's conditions are not asked. */
  byPerson?: boolean | undefined;
};

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

function triggerMatches(trigger: Trigger, event: AutomationEvent) {
  if (trigger.type !== event.type) return false;
  if ("channel_ids" in trigger && trigger.channel_ids)
    if (!event.channelId || !trigger.channel_ids.includes(event.channelId)) return false;
  switch (trigger.type) {
    case "message.received":
      return (
        !trigger.keywords ||
        matchesKeyword(event.messageText ?? "", trigger.keywords, trigger.match)
      );
    case "contact.tag_added":
    case "contact.tag_removed":
      return event.tag?.toLowerCase() === trigger.tag.toLowerCase();
    case "contact.field_changed":
      return event.field === trigger.field;
    default:
      return true;
  }
}

/** The contact, conversation and channel an event is about, filled in from its conversation. */
async function scopeOf(db: Db, event: AutomationEvent) {
  const conversation = event.conversationId
    ? await conversationOf(db, event.workspaceId, event.conversationId).catch(() => null)
    : null;
  return {
    workspaceId: event.workspaceId,
    contactId: event.contactId ?? conversation?.contact.id ?? null,
    conversationId: conversation?.id ?? null,
    channelId: event.channelId ?? conversation?.channel_id ?? null,
  };
}

async function withinLimit(
  db: Db,
  workspaceId: string,
  automationId: string,
  contactId: string | null,
  frequency: Definition["frequency"],
  now: number,
) {
  const since = limitWindowStart(frequency, now);
  if (since === null || !contactId) return true;
  const earlier = await db
    .select({ startedAt: automationRuns.startedAt })
    .from(automationRuns)
    .where(
      inWorkspace(
        automationRuns,
        workspaceId,
        eq(automationRuns.automationId, automationId),
        eq(automationRuns.contactId, contactId),
        ne(automationRuns.status, "limited"),
        gt(automationRuns.startedAt, since),
      ),
    );
  return frequencyAllows(
    frequency,
    earlier.map((r) => r.startedAt),
    now,
  );
}

type Candidate = Awaited<ReturnType<typeof activeAutomationsFor>>[number];

async function startOne(
  db: Db,
  env: Env,
  event: AutomationEvent,
  scope: Awaited<ReturnType<typeof scopeOf>>,
  { automation, version }: Candidate,
  now: number,
) {
  // an event from before the automation was turned on, reaching it late through the queue
  if (!event.automationId && automation.activatedAt !== null && event.at < automation.activatedAt)
    return null;
  const definition = definitionOf(version);
  const channelId = event.channelId ?? scope.channelId ?? undefined;
  if (!event.automationId && !triggerMatches(definition.trigger, { ...event, channelId }))
    return null;
  if (loopVerdict(event.chain ?? [], automation.id, event.chainDepth) !== "allowed") return null;
  const facts = event.byPerson ? null : await factsFor(db, scope, {}, now, [definition.conditions]);
  if (facts && !conditionsHold(definition.conditions, facts)) return null;
  const allowed = await withinLimit(
    db,
    scope.workspaceId,
    automation.id,
    scope.contactId,
    definition.frequency,
    now,
  );
  const delayed = definition.timing.type === "delay" ? definition.timing.minutes * 60_000 : 0;
  const status = !allowed ? "limited" : delayed ? "waiting" : "running";
  const [run] = await db
    .insert(automationRuns)
    .values({
      id: newId("run", now),
      workspaceId: scope.workspaceId,
      automationId: automation.id,
      versionId: version.id,
      triggerEventId: event.id,
      trigger: {
        type: event.type,
        ...(event.messageText !== undefined ? { message_text: event.messageText } : {}),
        ...(event.tag ? { tag: event.tag } : {}),
        ...(event.field ? { field: event.field } : {}),
      },
      contactId: scope.contactId,
      conversationId: scope.conversationId,
      status,
      cursor: new StepTree(definition.steps).first(),
      resumeAt: delayed ? now + delayed : null,
      chain: event.chain ?? [],
      error: allowed ? null : "the contact reached the automation's frequency limit",
      startedAt: now,
      finishedAt: allowed ? null : now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  // a redelivered event: its run exists already
  if (!run || status === "limited") return run ?? null;
  if (delayed)
    await wakeLater(env, { workspaceId: run.workspaceId, runId: run.id }, now + delayed, now);
  else await advance(db, env, run, now);
  return run;
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
  if (candidates.length === 0) return [];
  const scope = await scopeOf(db, event);
  const started: RunRow[] = [];
  for (const candidate of candidates) {
    try {
      const run = await startOne(db, env, event, scope, candidate, now);
      if (run) started.push(run);
    } catch (error) {
      console.error(`automation ${candidate.automation.id} could not start on ${event.id}`, error);
    }
  }
  return started;
}

const stepKey = (run: RunRow, stepId: string) =>
  inWorkspace(
    automationRunSteps,
    run.workspaceId,
    eq(automationRunSteps.runId, run.id),
    eq(automationRunSteps.stepId, stepId),
    eq(automationRunSteps.iteration, run.attempt),
  );

const runKey = (run: RunRow) =>
  inWorkspace(automationRuns, run.workspaceId, eq(automationRuns.id, run.id));

type Route = { kind: "next"; next: string | null } | { kind: "stop" };

/** Where a finished step leads: a branch into the list it chose, `stop` nowhere, others onward. */
function routeAfter(tree: StepTree, step: Step, output: Record<string, unknown> | null): Route {
  const id = step.id ?? "";
  if (output?.stopped === true) return { kind: "stop" };
  if (step.type === "branch") {
    const chosen = output?.branch;
    const list = typeof chosen === "number" ? (step.branches[chosen]?.steps ?? []) : step.otherwise;
    return { kind: "next", next: tree.enter(list, id) };
  }
  return { kind: "next", next: tree.after(id) };
}

type Outcome =
  | Route
  | { kind: "wait"; until: number }
  | { kind: "fail"; error: string }
  | { kind: "abandon" };

const errorText = (error: unknown) =>
  error instanceof Problem
    ? `${error.title}: ${error.detail ?? ""}`.trim()
    : error instanceof Error
      ? error.message
      : String(error);

/**
 * Runs one step at most once per attempt: its log row is claimed first, and a step already
 * logged is not done again (a redelivered message, a second consumer).
 */
async function runStepOnce(ctx: StepContext, step: Step): Promise<Outcome> {
  const { db, run, now } = ctx;
  const id = step.id ?? "";
  const logged = await db.query.automationRunSteps.findFirst({ where: stepKey(run, id) });
  if (logged?.status === "completed" || logged?.status === "skipped")
    return routeAfter(ctx.tree, step, logged.output);
  if (logged?.status === "running") return { kind: "abandon" };
  if (logged?.status === "failed") return { kind: "fail", error: logged.error ?? "failed" };
  if (logged?.status === "waiting" && step.type === "wait") {
    await db
      .update(automationRunSteps)
      .set({ status: "completed", finishedAt: now })
      .where(stepKey(run, id));
    return routeAfter(ctx.tree, step, logged.output);
  }
  if (logged?.status === "waiting") {
    // held by quiet hours: it runs now
    await db.update(automationRunSteps).set({ status: "running" }).where(stepKey(run, id));
  } else {
    const [claimed] = await db
      .insert(automationRunSteps)
      .values({
        workspaceId: run.workspaceId,
        runId: run.id,
        stepId: id,
        iteration: run.attempt,
        type: step.type,
        status: "running",
        input: step as unknown as Record<string, unknown>,
        startedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!claimed) return { kind: "abandon" };
  }
  let result: StepResult;
  try {
    // what the step changes is recorded as caused by this run's chain of automations
    const chain = [...run.chain, run.automationId];
    result = await recordingFor(chain, () => performStep(ctx, step));
  } catch (error) {
    result = { status: "failed", error: errorText(error) };
  }
  const output = result.output ?? null;
  if (result.status === "waiting") {
    await db.update(automationRunSteps).set({ status: "waiting", output }).where(stepKey(run, id));
    return { kind: "wait", until: result.until };
  }
  await db
    .update(automationRunSteps)
    .set({
      status: result.status,
      output,
      error: "error" in result ? (result.error ?? null) : null,
      finishedAt: now,
    })
    .where(stepKey(run, id));
  if (result.status === "failed") return { kind: "fail", error: result.error };
  return routeAfter(ctx.tree, step, output);
}

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

/** Runs the steps from the run's cursor until it ends, waits or fails. */
export async function advance(db: Db, env: Env, run: RunRow, now: number) {
  const automation = await db.query.automations.findFirst({
    columns: { name: true },
    where: inWorkspace(automations, run.workspaceId, eq(automations.id, run.automationId)),
  });
  const version = await versionById(db, run.workspaceId, run.versionId);
  const definition = definitionOf(version);
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
    automationName: automation?.name ?? "Automation",
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
    if (outcome.kind === "wait") {
      if (await saveProgress(ctx, { status: "waiting", cursor, resumeAt: outcome.until }))
        await wakeLater(env, { workspaceId: run.workspaceId, runId: run.id }, outcome.until, now);
      return;
    }
    cursor = outcome.kind === "stop" ? null : outcome.next;
    if (!(await saveProgress(ctx, { cursor }))) return;
  }
  await saveProgress(ctx, { status: "completed", cursor: null, finishedAt: now });
}

/** A queued wake-up: the run goes on when its time has come, else waits for the next hop. */
export async function continueRun(db: Db, env: Env, job: AutomationJob, now: number) {
  const key = inWorkspace(automationRuns, job.workspaceId, eq(automationRuns.id, job.runId));
  const run = await db.query.automationRuns.findFirst({ where: key });
  if (!run || run.status !== "waiting") return;
  if (run.resumeAt !== null && run.resumeAt > now) {
    await wakeLater(env, job, run.resumeAt, now);
    return;
  }
  const [claimed] = await db
    .update(automationRuns)
    .set({ status: "running", resumeAt: null, updatedAt: now })
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
