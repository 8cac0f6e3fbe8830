import { AsyncLocalStorage } from "node:async_hooks";
import { batchValue } from "../../lib/batch-memo";
import type { Db } from "../../lib/context";
import { newId } from "../../lib/ids";
import type { DomainEvent, EventType, Recorded } from "./catalogue";

export type { DomainEvent, EventType, Recorded } from "./catalogue";

/**
 * What recording an event and reacting to it needs. Listeners handling a queue batch of events
 * read what they share (a workspace's subscriptions) once per batch (`readOncePerBatch`).
 */
export type EventScope = {
  db: Db;
  env: Env;
  /** A long-lived recorder's memory of what queued listeners want (see `InterestMemo`). */
  interest?: InterestMemo;
};

export type Listener = (scope: EventScope, event: Recorded) => Promise<void>;

/** The event types a queued listener wants in a workspace now (its subscriptions, its automations). */
export type Interest = (scope: EventScope, workspaceId: string) => Promise<ReadonlySet<EventType>>;

/**
 * Who reacts to what. `immediate` listeners run before `record` returns (realtime frames,
 * assignment); `queued` ones get each event through the events queue, one message per listener,
 * so a slow or failing one never holds up the request or the message that caused it.
 */
export type Wiring = {
  immediate: Partial<Record<EventType, Listener[]>>;
  queued: Partial<Record<EventType, string[]>>;
  listeners: Record<string, Listener>;
  /**
   * What a queued listener wants, asked by recorders that remember it (`InterestMemo`); one
   * that is not here gets every event it is queued for.
   */
  interest: Record<string, Interest>;
  /** A queued listener's say on one event: one it would do nothing with is never queued. */
  takes?: Record<string, (event: Recorded) => boolean>;
};

/** An event on its way to one queued listener. */
export type EventJob = { listener: string; event: Recorded };

/** A queue takes at most this many messages per sendBatch. */
const QUEUE_BATCH_LIMIT = 100;

let wiring: Wiring | null = null;

/** The chain of automations whose steps are running now, if any (see `recordingFor`). */
const causes = new AsyncLocalStorage<string[]>();

/**
 * Runs an automation's step: the events it records, however deep in the domain, carry `chain`,
 * so the automations they start know what led to them (the loop guard reads it).
 */
export function recordingFor<T>(chain: string[], work: () => Promise<T>): Promise<T> {
  return causes.run(chain, work);
}

/** Installed once by the Worker's entry point (worker/listeners/index.ts says who listens). */
export function wireListeners(table: Wiring) {
  wiring = table;
}

function wired(): Wiring {
  if (!wiring) throw new Error("domain events are not wired to their listeners");
  return wiring;
}

const INTEREST_MEMORY_MS = 10_000;

/**
 * What the queued listeners want in a workspace, remembered by a recorder that lives long (the
 * workspace hub, which records every message), so an event nobody wants is never queued. It is
 * forgotten when subscriptions or automations change, and after a few seconds anyway.
 */
export class InterestMemo {
  private memory = new Map<string, { at: number; wants: Promise<ReadonlySet<EventType>> }>();

  /** The event types `listener` wants, or null when it says nothing (it gets every event). */
  wants(
    scope: EventScope,
    workspaceId: string,
    listener: string,
    now = Date.now(),
  ): Promise<ReadonlySet<EventType>> | null {
    const key = `${workspaceId}:${listener}`;
    const known = this.memory.get(key);
    if (known && now - known.at < INTEREST_MEMORY_MS) return known.wants;
    const ask = wired().interest[listener];
    if (!ask) return null;
    const wants = ask(scope, workspaceId);
    // a failed read is asked again next time rather than remembered
    wants.catch(() => this.memory.delete(key));
    this.memory.set(key, { at: now, wants });
    return wants;
  }

  forget() {
    this.memory.clear();
  }
}

/** The queued listeners that get an event: all, unless the recorder knows who wants what. */
async function queuedListenersOf(scope: EventScope, event: Recorded): Promise<string[]> {
  const { queued, takes = {} } = wired();
  const names = (queued[event.type] ?? []).filter((name) => takes[name]?.(event) ?? true);
  // inside a queue batch (a broadcast's sends, outbound messages) the batch remembers it
  const interest = scope.interest ?? batchValue("event-interest", () => new InterestMemo());
  if (!interest) return names;
  const wanted = await Promise.all(
    names.map(async (name) => {
      const wants = interest.wants(scope, event.workspace_id, name);
      return !wants || (await wants).has(event.type);
    }),
  );
  return names.filter((_, i) => wanted[i]);
}

/** Runs one listener; a failing one is logged and never stops the others or the caller. */
async function react(scope: EventScope, listener: Listener, event: Recorded) {
  try {
    await listener(scope, event);
  } catch (error) {
    console.error(`a listener of ${event.type} ${event.id} failed`, error);
  }
}

/** Records what happened in a workspace; listeners react (see `Wiring`). */
export async function record(
  scope: EventScope,
  workspaceId: string,
  event: DomainEvent,
  now = Date.now(),
): Promise<Recorded> {
  const [recorded] = await recordAll(scope, workspaceId, [event], now);
  return recorded as Recorded;
}

/**
 * An event to record. `id` is given when the same happening can be recorded again (a message
 * projected a second time): listeners are idempotent on it, so it is heard once.
 */
export type Happening = DomainEvent & { id?: string };

/** Several events at once: the queued listeners get them in as few queue calls as possible. */
export async function recordAll(
  scope: EventScope,
  workspaceId: string,
  events: Happening[],
  now = Date.now(),
): Promise<Recorded[]> {
  const { immediate } = wired();
  const chain = causes.getStore();
  const caused = chain?.length ? { chain } : {};
  const recorded = events.map(
    (event) =>
      ({
        ...event,
        id: event.id ?? newId("evt", now),
        workspace_id: workspaceId,
        at: now,
        ...caused,
      }) as Recorded,
  );
  for (const event of recorded)
    for (const listener of immediate[event.type] ?? []) await react(scope, listener, event);
  const jobs: { body: EventJob }[] = [];
  for (const event of recorded)
    for (const listener of await queuedListenersOf(scope, event))
      jobs.push({ body: { listener, event } });
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH_LIMIT)
    await scope.env.EVENTS.sendBatch(jobs.slice(i, i + QUEUE_BATCH_LIMIT));
  return recorded;
}

/**
 * What an event is about, for keeping order: its conversation, else its contact (or member),
 * else the event alone. Events about one subject are handled in the order they were recorded.
 */
export function subjectOf(event: Recorded): string {
  const alone = `event:${event.id}`;
  if ("conversation_id" in event) return `conversation:${event.conversation_id}`;
  if ("conversation" in event) return `conversation:${event.conversation.id}`;
  if ("contact_id" in event) return `contact:${event.contact_id}`;
  if ("contact" in event) return `contact:${event.contact.id}`;
  if ("user_id" in event) return `member:${event.user_id}`;
  return alone;
}

/**
 * Hands a queued event to its listener. Throws when the listener fails, so the queue delivers
 * it again: queued listeners are idempotent on the event's id.
 */
export async function deliverQueued(scope: EventScope, job: EventJob) {
  const listener = wired().listeners[job.listener];
  if (!listener) throw new Error(`no queued listener named ${job.listener}`);
  await listener(scope, job.event);
}
