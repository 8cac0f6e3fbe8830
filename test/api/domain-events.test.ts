import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../worker/db/client";
import { webhookDeliveries } from "../../worker/db/schema";
import {
  type EventJob,
  type EventType,
  type Listener,
  type Recorded,
  record,
  recordAll,
  wireListeners,
} from "../../worker/domain/events/record";
import { LISTENERS } from "../../worker/listeners";
import { EVENTS_QUEUE, handleQueue } from "../../worker/queues";
import { deliveryOf, eventually, fakeRequests, subscribeAtFake } from "../channel-helpers";
import {
  api,
  db,
  json,
  messageFrames,
  newWebchat,
  newWorkspace,
  openSocket,
  visitorSays,
  visitorSession,
} from "../helpers";

/** The listeners as the Worker wires them, plus `extra` for one test. */
function wireWith(extra: {
  immediate?: Wiring["immediate"];
  queued?: Wiring["queued"];
  listeners?: Wiring["listeners"];
  interest?: Wiring["interest"];
}) {
  const merge = <T>(base: Partial<Record<string, T[]>>, more: Partial<Record<string, T[]>> = {}) =>
    Object.fromEntries(
      [...new Set([...Object.keys(base), ...Object.keys(more)])].map((type) => [
        type,
        [...(base[type] ?? []), ...(more[type] ?? [])],
      ]),
    );
  wireListeners({
    immediate: merge(LISTENERS.immediate, extra.immediate),
    queued: merge(LISTENERS.queued, extra.queued),
    listeners: { ...LISTENERS.listeners, ...extra.listeners },
    interest: { ...LISTENERS.interest, ...extra.interest },
  });
}
type Wiring = typeof LISTENERS;

afterEach(() => {
  wireListeners(LISTENERS);
  vi.restoreAllMocks();
});

/** Failures the test causes on purpose are logged; they are kept out of the test output. */
const quietErrors = () => vi.spyOn(console, "error").mockImplementation(() => undefined);

/** Runs the events queue's consumer over these jobs, as the queue would deliver them. */
async function consume(jobs: EventJob[], attempts = 1) {
  const batch = createMessageBatch<EventJob>(
    EVENTS_QUEUE,
    jobs.map((body, i) => ({
      id: `msg-${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts,
      body,
    })),
  );
  await handleQueue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

describe("domain events", () => {
  it("a queued event delivered again makes no second webhook delivery", async () => {
    const ws = await newWorkspace();
    const { id: subscriptionId, path } = await subscribeAtFake(ws.ownerCookie);
    const event = {
      type: "contact.created",
      contact: { id: "ct_redelivered", name: "Twice", source: "channel" },
      id: `evt_redelivered${crypto.randomUUID().slice(0, 8)}`,
      workspace_id: ws.id,
      at: Date.now(),
    } as Recorded;
    const job: EventJob = { listener: "webhooks", event };
    expect((await consume([job])).explicitAcks).toHaveLength(1);
    expect((await consume([job], 2)).explicitAcks).toHaveLength(1);
    const rows = await db().query.webhookDeliveries.findMany({
      where: eq(webhookDeliveries.eventId, event.id),
    });
    expect(rows.map((r) => r.subscriptionId)).toEqual([subscriptionId]);
    const delivered = await deliveryOf(
      ws.ownerCookie,
      subscriptionId,
      (d) => d.event_id === event.id && d.state === "succeeded",
      "the one delivery",
    );
    expect(delivered.attempts).toBe(1);
    const posts = (await fakeRequests(path)).filter(
      (r) => r.headers["conversa-event-id"] === event.id,
    );
    expect(posts).toHaveLength(1);
  });

  it("the events consumer hands each event to each of its listeners, and retries only the one that failed", async () => {
    const ws = await newWorkspace();
    const logged = quietErrors();
    const heard: { listener: string; id: string }[] = [];
    let failures = 1;
    const steady: Listener = async (_, event) => {
      heard.push({ listener: "steady", id: event.id });
    };
    const flaky: Listener = async (_, event) => {
      heard.push({ listener: "flaky", id: event.id });
      if (failures-- > 0) throw new Error("not now");
    };
    wireWith({
      queued: { "contact.tag_added": ["steady", "flaky"] },
      listeners: { steady, flaky },
    });
    const scope = { db: createDb(env.DB), env };
    const tagged = await record(scope, ws.id, {
      type: "contact.tag_added",
      contact_id: "ct_x",
      tag: "vip",
    });
    const untouched = await record(scope, ws.id, {
      type: "contact.tag_removed",
      contact_id: "ct_x",
      tag: "vip",
    });
    await eventually(
      async () => heard.filter((h) => h.listener === "flaky").length === 2,
      "the failed listener's second try",
    );
    expect(heard.filter((h) => h.listener === "steady")).toEqual([
      { listener: "steady", id: tagged.id },
    ]);
    expect(heard.filter((h) => h.listener === "flaky")).toEqual([
      { listener: "flaky", id: tagged.id },
      { listener: "flaky", id: tagged.id },
    ]);
    expect(heard.some((h) => h.id === untouched.id)).toBe(false);
    expect(logged).toHaveBeenCalledWith(
      `flaky could not handle contact.tag_added ${tagged.id}`,
      expect.any(Error),
    );
  });

  it("the events consumer handles a conversation's events in order, and other conversations' side by side", async () => {
    const ws = await newWorkspace();
    const busy = new Map<string, number>();
    const overlaps: string[] = [];
    const handled: string[] = [];
    const ordered: Listener = async (_, event) => {
      const conversation = "conversation_id" in event ? event.conversation_id : "";
      busy.set(conversation, (busy.get(conversation) ?? 0) + 1);
      if ([...busy.values()].filter((n) => n > 0).length > 1) overlaps.push(event.id);
      // a listener that waits on I/O, as the automations one does
      await new Promise((resolve) => setTimeout(resolve, 5));
      handled.push(event.id);
      busy.set(conversation, (busy.get(conversation) ?? 0) - 1);
      expect(busy.get(conversation)).toBe(0);
    };
    wireWith({ listeners: { ordered } });
    const said = (conversation: string, n: number): EventJob => ({
      listener: "ordered",
      event: {
        type: "message.received",
        id: `evt_${conversation}_${n}`,
        workspace_id: ws.id,
        at: Date.now(),
        conversation_id: conversation,
        message: {
          id: `msg_${n}`,
          seq: n,
          kind: "text",
          text: `#${n}`,
          created_at: "",
          sender_type: "visitor",
          has_attachment: false,
        },
      },
    });
    const jobs = [1, 2, 3, 4].flatMap((n) => [said("cv_a", n), said("cv_b", n)]);
    const result = await consume(jobs);
    expect(result.explicitAcks).toHaveLength(jobs.length);
    for (const conversation of ["cv_a", "cv_b"])
      expect(handled.filter((id) => id.startsWith(`evt_${conversation}_`))).toEqual(
        [1, 2, 3, 4].map((n) => `evt_${conversation}_${n}`),
      );
    expect(overlaps.length).toBeGreaterThan(0);
  });

  it("a listener that throws stops neither the message, its frame, nor the other listeners", async () => {
    const ws = await newWorkspace();
    const { id: subscriptionId } = await subscribeAtFake(ws.ownerCookie);
    await api(`/api/v1/webhook-subscriptions/${subscriptionId}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { events: ["conversation.created", "message.created"] },
    });
    const logged = quietErrors();
    const broken: Listener = async () => {
      throw new Error("a broken listener");
    };
    wireWith({
      immediate: { "conversation.opened": [broken], "conversation.assigned": [broken] },
      queued: { "message.received": ["broken"] },
      listeners: { broken },
    });
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const { conversation_id: id } = await visitorSays(visitor.token, "first");
    const agent = await openSocket(`/api/v1/conversations/${id}/ws?after_seq=0`, {
      cookie: ws.ownerCookie,
    });
    await visitorSays(visitor.token, "second");
    await agent.until((f) => messageFrames(f).some((m) => m.text === "second"));
    const assigned = await api(`/api/v1/conversations/${id}/assign`, {
      method: "POST",
      cookie: ws.ownerCookie,
      body: { user_id: ws.owner.id },
    });
    expect(assigned.status).toBe(200);
    expect((await json<{ assignee_id: string }>(assigned)).assignee_id).toBe(ws.owner.id);
    await agent.until((f) =>
      f.some(
        (frame) =>
          frame.type === "conversation" &&
          (frame.conversation as { assignee_id: string }).assignee_id === ws.owner.id,
      ),
    );
    agent.close();
    const { data } = await json<{ data: { kind: string; text: string }[] }>(
      await api(`/api/v1/conversations/${id}/messages`, { cookie: ws.ownerCookie }),
    );
    expect(data.filter((m) => m.kind === "text").map((m) => m.text)).toEqual(["first", "second"]);
    for (const type of ["conversation.created", "message.created"])
      await deliveryOf(ws.ownerCookie, subscriptionId, (d) => d.event_type === type, type);
    expect(logged).toHaveBeenCalledWith(
      expect.stringMatching(/^a listener of conversation\.assigned evt_/),
      expect.any(Error),
    );
  });

  it("the hub queues a message only for listeners that want it, and asks again when subscriptions change", async () => {
    const ws = await newWorkspace();
    const heard: string[] = [];
    const wanted = new Set<EventType>();
    const counter: Listener = async (_, event) => {
      if (event.type === "message.received") heard.push(event.message.text ?? "");
    };
    wireWith({
      queued: { "message.received": ["counter"] },
      listeners: { counter },
      interest: { counter: async () => wanted },
    });
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    await visitorSays(visitor.token, "nobody listens yet");
    wanted.add("message.received");
    const { id: subscriptionId } = await subscribeAtFake(ws.ownerCookie);
    await api(`/api/v1/webhook-subscriptions/${subscriptionId}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { events: ["message.created"] },
    });
    await visitorSays(visitor.token, "now they do");
    await eventually(async () => heard.includes("now they do"), "the listener hears the message");
    await deliveryOf(
      ws.ownerCookie,
      subscriptionId,
      (d) => d.event_type === "message.created",
      "the new subscription's message.created",
    );
    expect(heard).toEqual(["now they do"]);
  });

  it("a message's event takes its id from the message, so announcing it again is heard once", async () => {
    const ws = await newWorkspace();
    const { id: subscriptionId } = await subscribeAtFake(ws.ownerCookie);
    await api(`/api/v1/webhook-subscriptions/${subscriptionId}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { events: ["message.created"] },
    });
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const { conversation_id: id, message } = await visitorSays(visitor.token, "only once");
    const first = await deliveryOf(
      ws.ownerCookie,
      subscriptionId,
      (d) => d.event_type === "message.created",
      "the message's delivery",
    );
    expect(first.event_id).toBe(`evt_${message.id}`);
    const again = await recordAll({ db: createDb(env.DB), env }, ws.id, [
      {
        id: first.event_id,
        type: "message.received",
        conversation_id: id,
        message: {
          id: message.id,
          seq: message.seq,
          kind: "text",
          sender_type: "visitor",
          text: "only once",
          has_attachment: false,
          created_at: new Date().toISOString(),
        },
      },
    ]);
    await consume([{ listener: "webhooks", event: again[0] as Recorded }]);
    const rows = await db().query.webhookDeliveries.findMany({
      where: eq(webhookDeliveries.eventId, first.event_id),
    });
    expect(rows).toHaveLength(1);
  });
});
