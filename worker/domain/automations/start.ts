import { count, eq, gt, lte, ne, sql } from "drizzle-orm";
import { automationRuns } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { valuesAsSelect } from "../../db/values-as-select";
import type { Db } from "../../lib/context";
import { newId } from "../../lib/ids";
import type { Trigger, TriggerType } from "../../schemas/automation-rules";
import type { Definition } from "../../schemas/automations";
import { conditionsHold } from "./conditions";
import { conversationOf } from "./effects";
import { factsFor } from "./facts";
import { matchesKeyword } from "./keywords";
import { limitWindow, loopVerdict } from "./limits";
import { StepTree } from "./steps";
import { type activeAutomationsFor, definitionOf } from "./store";

type RunRow = typeof automationRuns.$inferSelect;

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
  /** What an incoming webhook sent: steps read it as `{{trigger.data.…}}`. */
  data?: Record<string, unknown> | undefined;
};

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
    case "csat.answered":
      return trigger.max_score === undefined || Number(event.data?.score) <= trigger.max_score;
    default:
      return true;
  }
}

/** The contact, conversation and channel an event is about, filled in from its conversation. */
export async function scopeOf(db: Db, event: AutomationEvent) {
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

type NewRun = typeof automationRuns.$inferInsert;

/**
 * Inserts the run unless the contact reached the automation's frequency limit, as one statement:
 * concurrent events for one contact cannot both pass the count. Past the limit, it is inserted
 * as `limited`. Undefined when the event's run exists already (a redelivered event).
 */
async function insertWithinLimit(
  db: Db,
  run: Required<NewRun>,
  frequency: Definition["frequency"],
  now: number,
): Promise<RunRow | undefined> {
  const window = limitWindow(frequency, now);
  if (!window || !run.contactId)
    return (await db.insert(automationRuns).values(run).onConflictDoNothing().returning())[0];
  const earlier = db
    .select({ count: count() })
    .from(automationRuns)
    .where(
      inWorkspace(
        automationRuns,
        run.workspaceId,
        eq(automationRuns.automationId, run.automationId),
        eq(automationRuns.contactId, run.contactId),
        ne(automationRuns.status, "limited"),
        gt(automationRuns.startedAt, window.since),
        lte(automationRuns.startedAt, now),
      ),
    );
  const [allowed] = await db
    .insert(automationRuns)
    .select(sql`select ${valuesAsSelect(automationRuns, run)} where (${earlier}) < ${window.count}`)
    .onConflictDoNothing()
    .returning();
  if (allowed) return allowed;
  const limited = {
    ...run,
    status: "limited" as const,
    resumeAt: null,
    error: "the contact reached the automation's frequency limit",
    finishedAt: now,
  };
  return (await db.insert(automationRuns).values(limited).onConflictDoNothing().returning())[0];
}

type RunScopeOf = Awaited<ReturnType<typeof scopeOf>>;

export type Candidate = Awaited<ReturnType<typeof activeAutomationsFor>>[number];

/**
 * Opens the event's run of one candidate automation if its trigger, conditions and the loop guard
 * allow: running, waiting out its delay, or `limited` past the frequency limit. Null when it does
 * not start (or a redelivered event's run exists already); the runner takes it on from there.
 */
export async function openRun(
  db: Db,
  event: AutomationEvent,
  scope: RunScopeOf,
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
  // with no conditions there is nothing to read them for
  const unconditional = definition.conditions.groups.length === 0;
  const facts =
    event.byPerson || unconditional
      ? null
      : await factsFor(db, scope, {}, now, [definition.conditions]);
  if (facts && !conditionsHold(definition.conditions, facts)) return null;
  const delayed = definition.timing.type === "delay" ? definition.timing.minutes * 60_000 : 0;
  const run = await insertWithinLimit(
    db,
    {
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
        ...(event.data ? { data: event.data } : {}),
      },
      contactId: scope.contactId,
      conversationId: scope.conversationId,
      status: delayed ? "waiting" : "running",
      cursor: new StepTree(definition.steps).first(),
      resumeAt: delayed ? now + delayed : null,
      attempt: 0,
      vars: {},
      chain: event.chain ?? [],
      messagesSent: 0,
      askingIn: null,
      askedSeq: null,
      error: null,
      startedAt: now,
      finishedAt: null,
      updatedAt: now,
    },
    definition.frequency,
    now,
  );
  return run ? { run, name: automation.name, definition } : null;
}
