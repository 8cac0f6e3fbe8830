import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { automationRuns } from "../../worker/db/schema";
import type { EventJob, Recorded } from "../../worker/domain/events/record";
import { EVENTS_QUEUE, handleQueue } from "../../worker/queues";
import { eventually } from "../channel-helpers";
import {
  api,
  db,
  json,
  newVisitorConversation,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";
import { newAutomation, runOf, runsOf } from "./helpers";

const runRows = (automationId: string) =>
  db().query.automationRuns.findMany({
    where: eq(automationRuns.automationId, automationId),
    orderBy: automationRuns.startedAt,
  });

/** Waits until the automation has `count` runs, all finished, and returns them in detail. */
async function finishedRuns(cookie: string, automationId: string, count: number) {
  const runs = await eventually(async () => {
    const { data } = await runsOf(cookie, automationId);
    return data.length >= count && data.every((r) => r.status !== "running") && data;
  }, `${count} finished runs of ${automationId}`);
  return Promise.all(runs.map((r) => runOf(cookie, r.id)));
}

const messagesOf = async (cookie: string, conversationId: string) =>
  (
    await json<{
      data: {
        kind: string;
        text: string | null;
        sender: { type: string };
        event: { type: string; data: Record<string, unknown> } | null;
      }[];
    }>(await api(`/api/v1/conversations/${conversationId}/messages`, { cookie }))
  ).data;

const tagsOf = async (cookie: string, contactId: string) =>
  (await json<{ tags: string[] }>(await api(`/api/v1/contacts/${contactId}`, { cookie }))).tags;

/** Hands jobs to the events queue's consumer as the queue would (again, when redelivered). */
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

describe("domain events start automations", () => {
  it("a visitor's keyword from the widget starts one run whose reply and tag take effect", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const channel = await newWebchat(cookie);
    const automation = await newAutomation(cookie, {
      name: "Prices",
      trigger: { type: "message.received", keywords: ["precio"] },
      steps: [
        { id: "reply", type: "send_message", text: "Prices start at 10 €." },
        { id: "tag", type: "add_tag", tag: "lead" },
      ],
    });
    const visitor = await visitorSession(channel.id);
    const { conversation_id: conversationId } = await visitorSays(visitor.token, "hola");
    await visitorSays(visitor.token, "¿Cuál es el PRECIO?");
    const [run] = await finishedRuns(cookie, automation.id, 1);
    expect(run).toMatchObject({
      status: "completed",
      conversation_id: conversationId,
      contact_id: visitor.visitor_id,
      messages_sent: 1,
    });
    expect(run?.steps.map((s) => [s.step_id, s.status])).toEqual([
      ["reply", "completed"],
      ["tag", "completed"],
    ]);
    expect(await tagsOf(cookie, visitor.visitor_id)).toEqual(["lead"]);
    const messages = await messagesOf(cookie, conversationId);
    expect(messages.filter((m) => m.kind === "text").map((m) => [m.sender.type, m.text])).toEqual([
      ["visitor", "hola"],
      ["visitor", "¿Cuál es el PRECIO?"],
      ["bot", "Prices start at 10 €."],
    ]);
    // agents see what the automation did in the timeline; the visitor sees its reply only
    const lines = (await messagesOf(cookie, conversationId))
      .filter((m) => m.kind === "event")
      .map((m) => m.event);
    expect(lines).toEqual([
      {
        type: "automation",
        data: expect.objectContaining({ automation: "Prices", action: "replied" }),
      },
      {
        type: "automation",
        data: expect.objectContaining({ automation: "Prices", action: "tagged", tag: "lead" }),
      },
    ]);
    const seen = await json<{ data: { kind: string }[] }>(
      await api(`/widget/v1/conversations/${conversationId}/messages`, {
        headers: { authorization: `Bearer ${visitor.token}` },
        origin: null,
      }),
    );
    expect(seen.data.map((m) => m.kind)).toEqual(["text", "text", "text"]);
    // the reply is not a customer's message: asking once more is the only other run
    await visitorSays(visitor.token, "precio otra vez");
    const runs = await finishedRuns(cookie, automation.id, 2);
    expect(runs).toHaveLength(2);
    expect((await runsOf(cookie, automation.id)).data).toHaveLength(2);
  });

  it("each trigger starts one run per event", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const channel = await newWebchat(cookie);
    const field = await api("/api/v1/contact-fields", {
      cookie,
      body: { key: "plan", label: "Plan", type: "text" },
    });
    expect(field.status).toBe(201);
    const triggers: Record<string, Record<string, unknown>> = {
      opened: { type: "conversation.opened" },
      assigned: { type: "conversation.assigned" },
      closed: { type: "conversation.closed" },
      received: { type: "message.received" },
      created: { type: "contact.created" },
      tagged: { type: "contact.tag_added", tag: "vip" },
      untagged: { type: "contact.tag_removed", tag: "vip" },
      field: { type: "contact.field_changed", field: "plan" },
    };
    const automations = Object.fromEntries(
      await Promise.all(
        Object.entries(triggers).map(async ([name, trigger]) => {
          const automation = await newAutomation(cookie, {
            name,
            trigger,
            steps: [{ id: "done", type: "stop" }],
          });
          return [name, automation.id] as const;
        }),
      ),
    );
    const visitor = await visitorSession(channel.id);
    const contactId = visitor.visitor_id;
    const { conversation_id: conversationId } = await visitorSays(visitor.token, "first");
    await visitorSays(visitor.token, "second");
    const created = await api("/api/v1/contacts", { cookie, body: { name: "New" } });
    expect(created.status).toBe(201);
    await api(`/api/v1/contacts/${contactId}/tags`, { cookie, body: { tags: ["vip"] } });
    await api(`/api/v1/contacts/${contactId}/tags/vip`, { cookie, method: "DELETE" });
    await api(`/api/v1/contacts/${contactId}`, {
      cookie,
      method: "PATCH",
      body: { custom_fields: { plan: "pro" } },
    });
    await api(`/api/v1/conversations/${conversationId}/assign`, {
      cookie,
      body: { user_id: ws.owner.id },
    });
    await api(`/api/v1/conversations/${conversationId}/status`, {
      cookie,
      body: { status: "closed" },
    });
    // a visitor writing after the close opens a new conversation
    const { conversation_id: reopened } = await visitorSays(visitor.token, "third");
    const expected: Record<string, number> = {
      opened: 2,
      assigned: 1,
      closed: 1,
      received: 3,
      created: 1,
      tagged: 1,
      untagged: 1,
      field: 1,
    };
    for (const [name, count] of Object.entries(expected)) {
      const runs = await finishedRuns(cookie, automations[name] ?? "", count);
      expect({ name, count: runs.length }).toEqual({ name, count });
    }
    const opened = await finishedRuns(cookie, automations.opened ?? "", 2);
    expect(opened.map((r) => r.conversation_id).sort()).toEqual([conversationId, reopened].sort());
    const [createdRun] = await finishedRuns(cookie, automations.created ?? "", 1);
    expect(createdRun?.contact_id).toBe((await json<{ id: string }>(created)).id);
    const [fieldRun] = await finishedRuns(cookie, automations.field ?? "", 1);
    expect(fieldRun?.contact_id).toBe(contactId);
  });

  it("an event delivered again starts nothing new", async () => {
    const { ws, conversationId } = await newVisitorConversation("hello");
    const cookie = ws.ownerCookie;
    const automation = await newAutomation(cookie, {
      trigger: { type: "message.received", keywords: ["precio"] },
      steps: [{ id: "tag", type: "add_tag", tag: "lead" }],
    });
    const event = {
      type: "message.received",
      conversation_id: conversationId,
      message: {
        id: "msg_redelivered",
        seq: 99,
        kind: "text",
        sender_type: "visitor",
        text: "precio",
        has_attachment: false,
        created_at: new Date().toISOString(),
      },
      id: `evt_redelivered_${crypto.randomUUID().slice(0, 8)}`,
      workspace_id: ws.id,
      at: Date.now(),
    } as Recorded;
    const job: EventJob = { listener: "automations", event };
    expect((await consume([job])).explicitAcks).toHaveLength(1);
    expect((await consume([job], 2)).explicitAcks).toHaveLength(1);
    const rows = await runRows(automation.id);
    expect(rows.map((r) => [r.triggerEventId, r.status])).toEqual([[event.id, "completed"]]);
    // an agent's message is not a customer's: it starts nothing
    const agentEvent = {
      ...event,
      id: `evt_agent_${crypto.randomUUID().slice(0, 8)}`,
      message: { ...event.message, sender_type: "agent" },
    } as Recorded;
    await consume([{ listener: "automations", event: agentEvent }]);
    // nor does one from before the automation was turned on, reaching it late
    const earlier = {
      ...event,
      id: `evt_earlier_${crypto.randomUUID().slice(0, 8)}`,
      at: Date.parse(automation.updated_at) - 1000,
    } as Recorded;
    await consume([{ listener: "automations", event: earlier }]);
    expect(await runRows(automation.id)).toHaveLength(1);
  });

  it("an automation whose tag triggers itself again stops at the loop guard", async () => {
    const { ws, visitor } = await newVisitorConversation("hello");
    const cookie = ws.ownerCookie;
    const contactId = visitor.visitor_id;
    const looping = await newAutomation(cookie, {
      name: "Retag",
      trigger: { type: "contact.tag_added", tag: "vip" },
      steps: [
        { id: "untag", type: "remove_tag", tag: "vip" },
        { id: "tag", type: "add_tag", tag: "vip" },
      ],
    });
    // hears every "vip" tag: it shows when all of them have reached the engine
    const watcher = await newAutomation(cookie, {
      name: "Watch",
      trigger: { type: "contact.tag_added", tag: "vip" },
      steps: [{ id: "done", type: "stop" }],
    });
    await api(`/api/v1/contacts/${contactId}/tags`, { cookie, body: { tags: ["vip"] } });
    await finishedRuns(cookie, watcher.id, 3);
    await finishedRuns(cookie, looping.id, 2);
    const rows = await runRows(looping.id);
    expect(rows.map((r) => r.chain)).toEqual([[], [looping.id]]);
    expect(rows.map((r) => r.status)).toEqual(["completed", "completed"]);
    const watched = await runRows(watcher.id);
    expect(watched.map((r) => r.chain)).toEqual([[], [looping.id], [looping.id, looping.id]]);
    expect(await tagsOf(cookie, contactId)).toEqual(["vip"]);
  });
});
