import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { readAnswer } from "../../worker/domain/automations/answers";
import {
  type AutomationEvent,
  INTERRUPTED,
  STEP_LEASE_MS,
  startRuns,
  sweepStuckRuns,
} from "../../worker/domain/automations/runner";
import type { EventJob, Recorded } from "../../worker/domain/events/record";
import {
  AUTOMATIONS_QUEUE,
  consumeAutomations,
  EVENTS_QUEUE,
  handleQueue,
} from "../../worker/queues";
import { api, json, newVisitorConversation } from "../helpers";
import { newAutomation, runOf, runsOf } from "./helpers";

const db = () => createDb(env.DB);
let events = 0;
const uid = () => `${Date.now().toString(36)}_${(events++).toString(36)}`;

const opened = (workspaceId: string, conversationId: string, at = Date.now()): AutomationEvent => ({
  id: `evt_ask_${uid()}`,
  type: "conversation.opened",
  workspaceId,
  conversationId,
  at,
});

/** A customer's message reaching the automations listener through the events queue. */
async function customerSays(
  workspaceId: string,
  conversationId: string,
  text: string,
  seq: number,
) {
  const id = `msg_ask_${uid()}`;
  const event = {
    type: "message.received",
    conversation_id: conversationId,
    message: {
      id,
      seq,
      kind: "text",
      sender_type: "visitor",
      text,
      has_attachment: false,
      created_at: new Date().toISOString(),
    },
    id: `evt_${id}`,
    workspace_id: workspaceId,
    at: Date.now(),
  } as Recorded;
  await deliver(event);
  return event;
}

async function deliver(event: Recorded) {
  const batch = createMessageBatch<EventJob>(EVENTS_QUEUE, [
    {
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: 1,
      body: { listener: "automations", event },
    },
  ]);
  await handleQueue(batch, env);
}

async function deliverWakeUp(workspaceId: string, runId: string, at: number) {
  const batch = createMessageBatch(AUTOMATIONS_QUEUE, [
    {
      id: `wake-${runId}-${at}`,
      timestamp: new Date(at),
      attempts: 1,
      body: { workspaceId, runId },
    },
  ]);
  await consumeAutomations(batch as MessageBatch<{ workspaceId: string; runId: string }>, env, {
    now: () => at,
  });
}

/** The seq of the run's last question: a customer's answer comes after it. */
async function lastQuestionSeq(cookie: string, runId: string) {
  const run = await runOf(cookie, runId);
  return Number(run.steps.find((s) => s.type === "ask")?.output?.seq);
}

const tagsOf = async (cookie: string, contactId: string) =>
  (await json<{ tags: string[] }>(await api(`/api/v1/contacts/${contactId}`, { cookie }))).tags;

async function asking(step: Record<string, unknown>, after: Record<string, unknown>[] = []) {
  const { ws, visitor, conversationId } = await newVisitorConversation("hello");
  const cookie = ws.ownerCookie;
  await api("/api/v1/contact-fields", {
    cookie,
    body: { key: "budget", label: "Budget", type: "number" },
  });
  await newAutomation(cookie, {
    trigger: { type: "conversation.opened" },
    steps: [
      {
        id: "q",
        type: "ask",
        question: "Which colour?",
        on_answer: [{ id: "yes", type: "add_tag", tag: "answered" }],
        on_timeout: [{ id: "no", type: "add_tag", tag: "timed-out" }],
        ...step,
      },
      ...after,
    ],
  });
  const start = Date.now();
  const [run] = await startRuns(db(), env, opened(ws.id, conversationId, start));
  const runId = run?.id ?? "";
  return { ws, cookie, conversationId, contactId: visitor.visitor_id, runId, start };
}

describe("ask steps", () => {
  it("read each answer type, valid and invalid", () => {
    const us = { country: "US" };
    expect(readAnswer("number", "12,5", us)).toEqual({ valid: true, value: 12.5 });
    expect(readAnswer("number", "12.5", us)).toEqual({ valid: true, value: 12.5 });
    expect(readAnswer("number", "1.234,5", us)).toEqual({ valid: true, value: 1234.5 });
    expect(readAnswer("number", "twelve", us)).toEqual({ valid: false });
    expect(readAnswer("email", " Ana@Example.com ", us)).toEqual({
      valid: true,
      value: "ana@example.com",
    });
    expect(readAnswer("email", "ana@", us)).toEqual({ valid: false });
    expect(readAnswer("phone", "612 34 56 78", { country: "ES" })).toEqual({
      valid: true,
      value: "+34612345678",
    });
    expect(readAnswer("phone", "12", us)).toEqual({ valid: false });
    const choices = { choices: ["Rojo", "Azul Marino"], country: "US" };
    expect(readAnswer("choice", "2", choices)).toEqual({ valid: true, value: "Azul Marino" });
    expect(readAnswer("choice", "  azúl   MARINO", choices)).toEqual({
      valid: true,
      value: "Azul Marino",
    });
    expect(readAnswer("choice", "3", choices)).toEqual({ valid: false });
    expect(readAnswer("text", "  ", us)).toEqual({ valid: false });
    expect(readAnswer("text", " hi ", us)).toEqual({ valid: true, value: "hi" });
  });

  it("ask a numbered choice, take the answer once, start no keyword automation with it, and branch on it", async () => {
    const { ws, cookie, conversationId, contactId, runId } = await asking(
      { answer_type: "choice", choices: ["Red", "Blue"] },
      [
        {
          id: "which",
          type: "branch",
          branches: [
            {
              conditions: {
                groups: [
                  {
                    rules: [
                      { type: "variable", name: "last_answer", operator: "eq", value: "Blue" },
                    ],
                  },
                ],
              },
              steps: [{ id: "blue", type: "add_tag", tag: "blue" }],
            },
          ],
          otherwise: [{ id: "other", type: "add_tag", tag: "other" }],
        },
      ],
    );
    const keyword = await newAutomation(cookie, {
      trigger: { type: "message.received", keywords: ["blue"] },
      steps: [{ id: "k", type: "add_tag", tag: "keyword" }],
    });
    const waiting = await runOf(cookie, runId);
    expect(waiting).toMatchObject({ status: "waiting", messages_sent: 1 });
    expect(waiting.steps[0]?.output?.tries).toEqual([
      expect.objectContaining({ question: "Which colour?\n1. Red\n2. Blue" }),
    ]);
    const seq = await lastQuestionSeq(cookie, runId);
    const answer = await customerSays(ws.id, conversationId, "BLUE", seq + 1);
    await deliver(answer);
    const done = await runOf(cookie, runId);
    expect(done.status).toBe("completed");
    expect(done.steps[0]?.output).toMatchObject({ answer: "Blue" });
    expect(await tagsOf(cookie, contactId)).toEqual(["answered", "blue"]);
    expect((await runsOf(cookie, keyword.id)).data).toEqual([]);
    // a later message is no answer any more: the keyword automation hears it
    await customerSays(ws.id, conversationId, "blue again", seq + 2);
    expect((await runsOf(cookie, keyword.id)).data).toHaveLength(1);
  });

  it("re-ask an invalid answer with a hint, then save a valid one to the contact's field", async () => {
    const { ws, cookie, conversationId, contactId, runId } = await asking({
      answer_type: "number",
      save_to_field: "budget",
      retries: 2,
    });
    let seq = await lastQuestionSeq(cookie, runId);
    await customerSays(ws.id, conversationId, "a lot", seq + 1);
    const retried = await runOf(cookie, runId);
    expect(retried.status).toBe("waiting");
    expect(retried.steps[0]?.output?.tries).toEqual([
      expect.objectContaining({ question: "Which colour?" }),
      expect.objectContaining({ answer: "a lot", valid: false }),
      expect.objectContaining({ question: "Please answer with a number.\nWhich colour?" }),
    ]);
    // the hint speaks the customer's language once it is known
    await api(`/api/v1/contacts/${contactId}`, {
      cookie,
      method: "PATCH",
      body: { language: "pt-BR" },
    });
    seq = await lastQuestionSeq(cookie, runId);
    await customerSays(ws.id, conversationId, "muito", seq + 1);
    expect((await runOf(cookie, runId)).steps[0]?.output?.tries).toContainEqual(
      expect.objectContaining({ question: "Por favor, responda com um número.\nWhich colour?" }),
    );
    seq = await lastQuestionSeq(cookie, runId);
    await customerSays(ws.id, conversationId, "12,5", seq + 1);
    expect(await runOf(cookie, runId)).toMatchObject({ status: "completed", messages_sent: 3 });
    const contact = await json<{ custom_fields: Record<string, unknown> }>(
      await api(`/api/v1/contacts/${contactId}`, { cookie }),
    );
    expect(contact.custom_fields.budget).toBe(12.5);
  });

  it("go into on_timeout after the retries run out, or when no answer comes in time", async () => {
    const invalid = await asking({ answer_type: "email", retries: 0 });
    const seq = await lastQuestionSeq(invalid.cookie, invalid.runId);
    await customerSays(invalid.ws.id, invalid.conversationId, "not an email", seq + 1);
    const given = await runOf(invalid.cookie, invalid.runId);
    expect(given.status).toBe("completed");
    expect(given.steps[0]?.output).toMatchObject({ reason: "invalid" });
    expect(await tagsOf(invalid.cookie, invalid.contactId)).toEqual(["timed-out"]);

    const silent = await asking({ answer_type: "text", timeout_minutes: 30 });
    await deliverWakeUp(silent.ws.id, silent.runId, silent.start + 10 * 60_000);
    expect((await runOf(silent.cookie, silent.runId)).status).toBe("waiting");
    await deliverWakeUp(silent.ws.id, silent.runId, silent.start + 31 * 60_000);
    const late = await runOf(silent.cookie, silent.runId);
    expect(late.status).toBe("completed");
    expect(late.steps[0]?.output).toMatchObject({ reason: "timeout" });
    // an answer after the timeout is no answer: it is an ordinary message
    await customerSays(silent.ws.id, silent.conversationId, "sorry, here", 1000);
    expect(await tagsOf(silent.cookie, silent.contactId)).toEqual(["timed-out"]);
  });
});

describe("frequency limits and stuck steps", () => {
  it("let exactly N of many concurrent events for one contact through", async () => {
    const { ws, visitor, conversationId } = await newVisitorConversation("hello");
    const automation = await newAutomation(ws.ownerCookie, {
      trigger: { type: "conversation.opened" },
      frequency: { type: "limit", count: 3, period_hours: 24 },
      steps: [],
    });
    const now = Date.now();
    const started = await Promise.all(
      Array.from({ length: 12 }, () =>
        startRuns(db(), env, {
          ...opened(ws.id, conversationId, now),
          contactId: visitor.visitor_id,
        }),
      ),
    );
    const statuses = started.flat().map((r) => r.status);
    expect(statuses.filter((s) => s !== "limited")).toHaveLength(3);
    expect(statuses.filter((s) => s === "limited")).toHaveLength(9);
    expect((await runsOf(ws.ownerCookie, automation.id, "?status=limited")).data).toHaveLength(9);
  });

  it("fail a step whose worker died once its lease is over, and wait for a live one", async () => {
    const { ws, conversationId } = await newVisitorConversation("hello");
    const cookie = ws.ownerCookie;
    await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [
        { id: "pause", type: "wait", minutes: 1 },
        { id: "mark", type: "add_tag", tag: "done" },
      ],
    });
    const start = Date.now();
    const [run] = await startRuns(db(), env, opened(ws.id, conversationId, start));
    const runId = run?.id ?? "";
    // a worker claimed "mark" and died: the run is left running, its step running
    await env.DB.batch([
      env.DB.prepare(
        "UPDATE automation_runs SET status = 'running', cursor = 'mark', updated_at = ? WHERE id = ?",
      ).bind(start, runId),
      env.DB.prepare(
        `INSERT INTO automation_run_steps (workspace_id, run_id, step_id, iteration, type, status, started_at, lease_until)
         VALUES (?, ?, 'mark', 0, 'add_tag', 'running', ?, ?)`,
      ).bind(ws.id, runId, start, start + STEP_LEASE_MS),
    ]);
    // within the lease: it is tried again later
    await deliverWakeUp(ws.id, runId, start + 1000);
    expect((await runOf(cookie, runId)).status).toBe("running");
    // the sweep finds it once it has made no progress for a lease
    const later = start + STEP_LEASE_MS + 1000;
    expect(await sweepStuckRuns(db(), env, start + 1000)).toBe(0);
    expect(await sweepStuckRuns(db(), env, later)).toBeGreaterThanOrEqual(1);
    await deliverWakeUp(ws.id, runId, later);
    const failed = await runOf(cookie, runId);
    expect(failed).toMatchObject({ status: "failed", error: INTERRUPTED });
    expect(failed.steps.find((s) => s.step_id === "mark")).toMatchObject({
      status: "failed",
      error: INTERRUPTED,
    });
    const retried = await api(`/api/v1/automation-runs/${runId}/retry`, { cookie, method: "POST" });
    expect((await json<{ status: string }>(retried)).status).toBe("completed");
  });
});
