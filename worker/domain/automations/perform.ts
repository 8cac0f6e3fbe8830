import { eq } from "drizzle-orm";
import { snippets } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { excerpt, fetchTarget, TargetRefused } from "../../lib/targets";
import type { Step } from "../../schemas/automations";
import { aiStep } from "./ai-step";
import { ask } from "./ask";
import { conditionsHold } from "./conditions";
import {
  type Activity,
  assign,
  conversationOf,
  labelConversation,
  sendFromAutomation,
  setContactField,
  setConversationStatus,
  showInTimeline,
  tagContact,
  untagContact,
  workspaceOf,
} from "./effects";
import { factsFor } from "./facts";
import { loopVerdict } from "./limits";
import {
  fill,
  fillJson,
  need,
  quietHoursEnd,
  type StepContext,
  StepFailed,
  type StepResult,
} from "./step-context";
import { nextLocalTime } from "./timing";

export type { StepContext, StepResult } from "./step-context";

async function sendMessage(
  ctx: StepContext,
  step: Extract<Step, { type: "send_message" }>,
): Promise<StepResult> {
  const quietEnd = await quietHoursEnd(ctx);
  if (quietEnd !== null)
    return {
      status: "waiting",
      until: quietEnd,
      output: { reason: "quiet_hours", until: new Date(quietEnd).toISOString() },
    };
  let text: string | undefined;
  if (step.snippet_id) {
    const snippet = await ctx.db.query.snippets.findFirst({
      where: inWorkspace(snippets, ctx.scope.workspaceId, eq(snippets.id, step.snippet_id)),
    });
    text = await fill(ctx, need(snippet, "snippet: it was deleted").body);
  } else if (step.text) text = await fill(ctx, step.text);
  if (text !== undefined && !text.trim())
    throw new StepFailed("the message is empty for this contact");
  const sent = await sendFromAutomation(
    ctx.db,
    ctx.env,
    ctx.scope,
    { text, template: step.template, channelId: step.channel_id },
    ctx.automationName,
    ctx.now,
  );
  ctx.messagesSent += 1;
  // a message on another channel opens or finds a conversation there: later steps act on it
  ctx.scope = { ...ctx.scope, conversationId: sent.conversationId };
  return {
    status: "completed",
    output: { conversation_id: sent.conversationId, seq: sent.seq, ...(text ? { text } : {}) },
  };
}

const MAX_ANSWER_BYTES = 64 * 1024;

async function readAnswer(response: Response) {
  const text = (await response.text()).slice(0, MAX_ANSWER_BYTES);
  if (response.headers.get("content-type")?.includes("json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not the JSON it says it is: kept as a short excerpt
    }
  }
  return excerpt(text);
}

async function httpRequest(
  ctx: StepContext,
  step: Extract<Step, { type: "http_request" }>,
): Promise<StepResult> {
  const headers: Record<string, string> = { accept: "application/json" };
  for (const [name, value] of Object.entries(step.headers))
    headers[name.toLowerCase()] = await fill(ctx, value);
  const hasBody = step.body !== undefined && !["GET", "DELETE"].includes(step.method);
  if (hasBody) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetchTarget(ctx.env, step.url, {
      method: step.method,
      headers,
      ...(hasBody ? { body: JSON.stringify(await fillJson(ctx, step.body)) } : {}),
      signal: AbortSignal.timeout(step.timeout_seconds * 1000),
    });
  } catch (error) {
    if (error instanceof TargetRefused) throw new StepFailed(`${error.title}: ${error.detail}`);
    if (error instanceof Error && error.name === "TimeoutError")
      throw new StepFailed(`no answer within ${step.timeout_seconds} s`);
    throw new StepFailed(
      `the request failed (${error instanceof Error ? error.message : "network error"})`,
    );
  }
  const answer = { status: response.status, body: await readAnswer(response) };
  if (step.save_as) ctx.vars[step.save_as] = answer;
  const output = { status: answer.status, body: answer.body };
  if (!response.ok)
    return { status: "failed", error: `the target answered HTTP ${response.status}`, output };
  return { status: "completed", output };
}

async function startAutomation(
  ctx: StepContext,
  step: Extract<Step, { type: "start_automation" }>,
): Promise<StepResult> {
  const chain = [...ctx.run.chain, ctx.run.automationId];
  const verdict = loopVerdict(chain, step.automation_id);
  if (verdict !== "allowed")
    return {
      status: "skipped",
      error:
        verdict === "self"
          ? "loop guard: the automation already re-triggered itself in this chain"
          : "loop guard: too many automations in this chain",
    };
  const eventId = `${ctx.run.id}/${step.id}/${ctx.run.attempt}`;
  const runs = await ctx.startAutomation(step.automation_id, eventId, chain);
  return { status: "completed", output: { run_ids: runs } };
}

async function branch(
  ctx: StepContext,
  step: Extract<Step, { type: "branch" }>,
): Promise<StepResult> {
  const conversation = ctx.scope.conversationId;
  const facts = await factsFor(
    ctx.db,
    {
      ...ctx.scope,
      channelId: conversation ? await channelOf(ctx, conversation) : null,
      runStartedAt: ctx.run.startedAt,
    },
    ctx.vars,
    ctx.now,
    step.branches.map((b) => b.conditions),
  );
  const chosen = step.branches.findIndex((b) => conditionsHold(b.conditions, facts));
  return { status: "completed", output: { branch: chosen >= 0 ? chosen : "otherwise" } };
}

async function channelOf(ctx: StepContext, conversationId: string) {
  return (await conversationOf(ctx.db, ctx.scope.workspaceId, conversationId)).channel_id;
}

async function wait(ctx: StepContext, step: Extract<Step, { type: "wait" }>): Promise<StepResult> {
  const timezone = (await workspaceOf(ctx.db, ctx.scope.workspaceId)).timezone;
  const until = step.minutes
    ? ctx.now + step.minutes * 60_000
    : nextLocalTime(ctx.now, step.until?.time ?? "00:00", timezone, step.until?.days);
  return { status: "waiting", until, output: { until: new Date(until).toISOString() } };
}

/** What a done step shows in the conversation's timeline, if anything. */
function activityOf(step: Step, result: StepResult): Activity | null {
  switch (step.type) {
    case "send_message":
      return { action: "replied" };
    case "ai":
      return result.output?.sent ? { action: "replied" } : null;
    case "add_tag":
      return { action: "tagged", tag: step.tag.toLowerCase() };
    case "remove_tag":
      return { action: "untagged", tag: step.tag.toLowerCase() };
    case "update_field":
      return { action: "field_updated", field: step.field };
    default:
      return null;
  }
}

/** What a step that waited had logged before (null: it runs for the first time). */
type Resumed = Record<string, unknown> | null;

/**
 * Does one step's work and, once it is done, says so in the conversation's timeline. Throws
 * (or answers `failed`) when it cannot.
 */
export async function performStep(
  ctx: StepContext,
  step: Step,
  resumed: Resumed,
): Promise<StepResult> {
  const result = await doStep(ctx, step, resumed);
  const activity = activityOf(step, result);
  const conversationId = ctx.scope.conversationId;
  if (result.status === "completed" && activity && conversationId)
    await showInTimeline(
      ctx.env,
      conversationId,
      { id: ctx.run.automationId, name: ctx.automationName, runId: ctx.run.id },
      activity,
    );
  return result;
}

async function doStep(ctx: StepContext, step: Step, resumed: Resumed): Promise<StepResult> {
  const { db, env, scope, now } = ctx;
  const contact = () => need(scope.contactId, "contact");
  const conversation = () => need(scope.conversationId, "conversation");
  try {
    switch (step.type) {
      case "send_message":
        return await sendMessage(ctx, step);
      case "add_note": {
        const text = await fill(ctx, step.text);
        const sent = await sendFromAutomation(
          db,
          env,
          scope,
          { text, note: true },
          ctx.automationName,
          now,
        );
        return { status: "completed", output: { seq: sent.seq, text } };
      }
      case "add_tag":
        await tagContact(db, env, scope, contact(), step.tag, now);
        return { status: "completed", output: { tag: step.tag.toLowerCase() } };
      case "remove_tag":
        await untagContact(db, env, scope, contact(), step.tag, now);
        return { status: "completed", output: { tag: step.tag.toLowerCase() } };
      case "add_label":
        await labelConversation(db, env, scope, conversation(), step.label);
        return { status: "completed", output: { label: step.label.toLowerCase() } };
      case "update_field":
        await setContactField(db, env, scope, contact(), step.field, step.value, now);
        return { status: "completed", output: { [step.field]: step.value } };
      case "assign": {
        const after = await assign(db, env, scope, conversation(), step);
        return {
          status: "completed",
          output: { assignee_id: after.assignee_id, team_id: after.team_id },
        };
      }
      case "open_conversation":
      case "close_conversation":
      case "snooze_conversation": {
        const status =
          step.type === "open_conversation"
            ? "open"
            : step.type === "close_conversation"
              ? "closed"
              : "snoozed";
        const snoozeUntil =
          step.type === "snooze_conversation" ? now + step.minutes * 60_000 : null;
        const reason = step.type === "close_conversation" ? step.reason : undefined;
        await setConversationStatus(
          db,
          env,
          scope,
          conversation(),
          { status, snoozeUntil, reason },
          now,
        );
        return { status: "completed", output: { status } };
      }
      case "wait":
        return await wait(ctx, step);
      case "http_request":
        return await httpRequest(ctx, step);
      case "start_automation":
        return await startAutomation(ctx, step);
      case "stop":
        return { status: "completed", output: { stopped: true } };
      case "branch":
        return await branch(ctx, step);
      case "ask":
        return await ask(ctx, step, resumed);
      case "ai":
        return await aiStep(ctx, step);
    }
  } catch (error) {
    if (error instanceof StepFailed) return { status: "failed", error: error.message };
    throw error;
  }
}
