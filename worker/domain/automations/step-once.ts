import { and, eq } from "drizzle-orm";
import { automationRunSteps, type automationRuns } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { Problem } from "../../lib/errors";
import type { Step } from "../../schemas/automations";
import { recordingFor } from "../events/record";
import { performStep, type StepContext, type StepResult } from "./perform";
import type { StepTree } from "./steps";

type RunRow = typeof automationRuns.$inferSelect;

const stepKey = (run: RunRow, stepId: string) =>
  inWorkspace(
    automationRunSteps,
    run.workspaceId,
    eq(automationRunSteps.runId, run.id),
    eq(automationRunSteps.stepId, stepId),
    eq(automationRunSteps.iteration, run.attempt),
  );

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
  if (step.type === "ask")
    return {
      kind: "next",
      next: tree.enter(output?.reason ? step.on_timeout : step.on_answer, id),
    };
  return { kind: "next", next: tree.after(id) };
}

export type Outcome =
  | Route
  | { kind: "wait"; until: number; asking: { conversationId: string; seq: number } | null }
  | { kind: "fail"; error: string }
  | { kind: "busy"; until: number }
  | { kind: "abandon" };

/** How long a worker holds a step it runs before it is taken for dead. */
export const STEP_LEASE_MS = 2 * 60_000;
/** An HTTP request holds its step for its own timeout, and a little for the rest of the step. */
const HTTP_LEASE_SLACK_MS = 15_000;
export const INTERRUPTED = "interrupted; retry from the run log";

const leaseFor = (step: Step) =>
  step.type === "http_request" ? step.timeout_seconds * 1000 + HTTP_LEASE_SLACK_MS : STEP_LEASE_MS;

/**
 * A step another delivery holds: still leased, it is tried again later through the queue; past
 * its lease, its worker died mid-step. It may have had effects, so it is not done again: it
 * fails, and a person retries it from the run log.
 */
async function heldStep(
  ctx: StepContext,
  id: string,
  held: typeof automationRunSteps.$inferSelect,
): Promise<Outcome> {
  if (held.leaseUntil !== null && held.leaseUntil > ctx.now)
    return { kind: "busy", until: held.leaseUntil };
  const [failed] = await ctx.db
    .update(automationRunSteps)
    .set({ status: "failed", error: INTERRUPTED, leaseUntil: null, finishedAt: ctx.now })
    .where(and(stepKey(ctx.run, id), eq(automationRunSteps.status, "running")))
    .returning({ stepId: automationRunSteps.stepId });
  return failed ? { kind: "fail", error: INTERRUPTED } : { kind: "abandon" };
}

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
export async function runStepOnce(ctx: StepContext, step: Step): Promise<Outcome> {
  const { db, run, now } = ctx;
  const id = step.id ?? "";
  const leaseUntil = now + leaseFor(step);
  // the common case, a step not done yet, is claimed at once; a taken claim says what was done
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
      leaseUntil,
    })
    .onConflictDoNothing()
    .returning();
  const logged = claimed
    ? null
    : await db.query.automationRunSteps.findFirst({ where: stepKey(run, id) });
  if (!claimed && !logged) return { kind: "abandon" };
  if (logged?.status === "completed" || logged?.status === "skipped")
    return routeAfter(ctx.tree, step, logged.output);
  if (logged?.status === "running") return heldStep(ctx, id, logged);
  if (logged?.status === "failed")
    return afterFailure(ctx, step, logged.error ?? "failed", logged.output);
  if (logged?.status === "waiting" && step.type === "wait") {
    await db
      .update(automationRunSteps)
      .set({ status: "completed", finishedAt: now })
      .where(stepKey(run, id));
    return routeAfter(ctx.tree, step, logged.output);
  }
  if (logged?.status === "waiting") {
    // held by quiet hours, or a question whose answer (or timeout) came: it goes on now
    const [resumed] = await db
      .update(automationRunSteps)
      .set({ status: "running", leaseUntil })
      .where(and(stepKey(run, id), eq(automationRunSteps.status, "waiting")))
      .returning({ stepId: automationRunSteps.stepId });
    if (!resumed) return { kind: "abandon" };
  }
  let result: StepResult;
  try {
    // what the step changes is recorded as caused by this run's chain of automations
    const chain = [...run.chain, run.automationId];
    result = await recordingFor(chain, () =>
      performStep(ctx, step, logged?.status === "waiting" ? logged.output : null),
    );
  } catch (error) {
    result = { status: "failed", error: errorText(error) };
  }
  const output = result.output ?? null;
  if (result.status === "waiting") {
    await db
      .update(automationRunSteps)
      .set({ status: "waiting", output, leaseUntil: null })
      .where(stepKey(run, id));
    return { kind: "wait", until: result.until, asking: result.asking ?? null };
  }
  await db
    .update(automationRunSteps)
    .set({
      status: result.status,
      output,
      error: "error" in result ? (result.error ?? null) : null,
      leaseUntil: null,
      finishedAt: now,
    })
    .where(stepKey(run, id));
  if (result.status === "failed") return afterFailure(ctx, step, result.error, output);
  return routeAfter(ctx.tree, step, output);
}

/**
 * A failed step ends its run, unless it says to go on: then later steps read the failure from
 * its saved output (`failed`, `error`, and what the step had, like an HTTP answer's status).
 */
function afterFailure(
  ctx: StepContext,
  step: Step,
  error: string,
  output: Record<string, unknown> | null,
): Outcome {
  if (!("on_error" in step) || step.on_error !== "continue") return { kind: "fail", error };
  if (step.save_as) ctx.vars[step.save_as] = { ...output, failed: true, error };
  return routeAfter(ctx.tree, step, output);
}
