import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { type AutomationEvent, startRuns } from "../../worker/domain/automations/runner";
import { AUTOMATIONS_QUEUE, consumeAutomations } from "../../worker/queues";
import { eventually, fakeUrl, scriptFake } from "../channel-helpers";
import { api, json, newVisitorConversation } from "../helpers";
import { newAutomation, type RunDto, refusedPaths, runOf, runsOf } from "./helpers";

const HOUR = 3_600_000;
const db = () => createDb(env.DB);

let events = 0;
/** An event in the engine's own shape, unique to this test run. */
const event = (
  workspaceId: string,
  type: AutomationEvent["type"],
  extra: Partial<AutomationEvent> = {},
): AutomationEvent => ({
  id: `evt_test_${Date.now().toString(36)}_${(events++).toString(36)}`,
  type,
  workspaceId,
  at: Date.now(),
  ...extra,
});

/** A workspace with a visitor's web-chat conversation; the contact is the visitor. */
async function conversationSetup() {
  const { ws, visitor, conversationId } = await newVisitorConversation("hello");
  return { ws, cookie: ws.ownerCookie, conversationId, contactId: visitor.visitor_id };
}

const messagesOf = async (cookie: string, conversationId: string) =>
  (
    await json<{
      data: { kind: string; text: string | null; sender: { type: string; name: string | null } }[];
    }>(await api(`/api/v1/conversations/${conversationId}/messages`, { cookie }))
  ).data;

const tagsOf = async (cookie: string, contactId: string) =>
  (await json<{ tags: string[] }>(await api(`/api/v1/contacts/${contactId}`, { cookie }))).tags;

/** Delivers a wake-up to the automations queue consumer, as the queue would, on a given clock. */
async function deliverWakeUp(workspaceId: string, runId: string, at: number) {
  const batch = createMessageBatch(AUTOMATIONS_QUEUE, [
    {
      id: `msg-${runId}-${at}`,
      timestamp: new Date(at),
      attempts: 1,
      body: { workspaceId, runId },
    },
  ]);
  await consumeAutomations(batch as MessageBatch<{ workspaceId: string; runId: string }>, env, {
    now: () => at,
  });
}

const stepRows = async (runId: string) =>
  (
    await env.DB.prepare(
      "SELECT step_id, iteration, status FROM automation_run_steps WHERE run_id = ? ORDER BY rowid",
    )
      .bind(runId)
      .all<{ step_id: string; iteration: number; status: string }>()
  ).results;

describe("automation runs", () => {
  it("answer a keyword with a snippet, tag the contact and assign the conversation, once per event", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    const agent = await ws.addMember("agent");
    const snippet = await json<{ id: string }>(
      await api("/api/v1/snippets", {
        cookie,
        body: {
          shortcut: "price",
          title: "Price",
          body: "Prices start at 10 €, {{contact.first_name|friend}}.",
        },
      }),
    );
    const automation = await newAutomation(cookie, {
      name: "Prices",
      trigger: { type: "message.received", keywords: ["precio"] },
      steps: [
        { id: "reply", type: "send_message", snippet_id: snippet.id },
        { id: "tag", type: "add_tag", tag: "lead" },
        { id: "assign", type: "assign", user_id: agent.id },
      ],
    });
    const ignored = await startRuns(
      db(),
      env,
      event(ws.id, "message.received", { conversationId, messageText: "Tengo precios raros" }),
    );
    expect(ignored).toEqual([]);

    const asked = event(ws.id, "message.received", {
      conversationId,
      messageText: "¿Cuál es el PRECIO?",
    });
    const [run] = await startRuns(db(), env, asked);
    // the queue redelivers the same event
    expect(await startRuns(db(), env, asked)).toEqual([]);

    const detail = await runOf(cookie, run?.id ?? "");
    expect(detail).toMatchObject({ status: "completed", version: 1, messages_sent: 1 });
    expect(detail.steps.map((s) => [s.step_id, s.status])).toEqual([
      ["reply", "completed"],
      ["tag", "completed"],
      ["assign", "completed"],
    ]);
    const replies = (await messagesOf(cookie, conversationId)).filter(
      (m) => m.sender.type === "bot",
    );
    expect(replies).toEqual([
      expect.objectContaining({
        text: "Prices start at 10 €, Visitor.",
        sender: expect.objectContaining({ name: "Prices" }),
      }),
    ]);
    expect(await tagsOf(cookie, contactId)).toContain("lead");
    const conversation = await json<{ assignee_id: string }>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie }),
    );
    expect(conversation.assignee_id).toBe(agent.id);
    const stats = await json(await api(`/api/v1/automations/${automation.id}/stats`, { cookie }));
    expect(stats).toEqual({
      triggered: 1,
      running: 0,
      completed: 1,
      failed: 0,
      stopped: 0,
      limited: 0,
      messages_sent: 1,
    });
  });

  it("take the branch whose conditions hold, else the otherwise list", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [
        {
          id: "which",
          type: "branch",
          branches: [
            {
              conditions: { groups: [{ rules: [{ type: "tag", operator: "has", tag: "vip" }] }] },
              steps: [{ id: "vip", type: "add_tag", tag: "vip-path" }],
            },
          ],
          otherwise: [{ id: "normal", type: "add_tag", tag: "normal-path" }],
        },
        { id: "after", type: "add_tag", tag: "after-branch" },
      ],
    });
    await startRuns(db(), env, event(ws.id, "conversation.opened", { conversationId }));
    expect(await tagsOf(cookie, contactId)).toEqual(["after-branch", "normal-path"]);
    await api(`/api/v1/contacts/${contactId}/tags`, { cookie, body: { tags: ["vip"] } });
    await startRuns(db(), env, event(ws.id, "conversation.opened", { conversationId }));
    expect(await tagsOf(cookie, contactId)).toEqual([
      "after-branch",
      "normal-path",
      "vip",
      "vip-path",
    ]);
  });

  it("wait through the queue and go on when the time has come, however often the wake-up is delivered", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [
        { id: "before", type: "add_tag", tag: "before" },
        { id: "pause", type: "wait", minutes: 60 },
        { id: "later", type: "add_tag", tag: "later" },
      ],
    });
    const start = Date.now();
    const [run] = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId, at: start }),
    );
    const runId = run?.id ?? "";
    const waiting = await runOf(cookie, runId);
    expect(waiting).toMatchObject({
      status: "waiting",
      next_step_id: "pause",
      resume_at: new Date(start + HOUR).toISOString(),
    });
    // an early wake-up puts it back to sleep
    await deliverWakeUp(ws.id, runId, start + HOUR / 2);
    expect((await runOf(cookie, runId)).status).toBe("waiting");
    expect(await tagsOf(cookie, contactId)).toEqual(["before"]);

    await deliverWakeUp(ws.id, runId, start + HOUR + 1000);
    await deliverWakeUp(ws.id, runId, start + HOUR + 2000);
    expect((await runOf(cookie, runId)).status).toBe("completed");
    expect(await tagsOf(cookie, contactId)).toEqual(["before", "later"]);
    expect(await stepRows(runId)).toEqual([
      { step_id: "before", iteration: 0, status: "completed" },
      { step_id: "pause", iteration: 0, status: "completed" },
      { step_id: "later", iteration: 0, status: "completed" },
    ]);
  });

  it("start after the automation's delay", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      timing: { type: "delay", minutes: 30 },
      steps: [{ id: "mark", type: "add_tag", tag: "delayed" }],
    });
    const start = Date.now();
    const [run] = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId, at: start }),
    );
    expect(await runOf(cookie, run?.id ?? "")).toMatchObject({
      status: "waiting",
      next_step_id: "mark",
      resume_at: new Date(start + 30 * 60_000).toISOString(),
      steps: [],
    });
    await deliverWakeUp(ws.id, run?.id ?? "", start + 30 * 60_000);
    expect((await runOf(cookie, run?.id ?? "")).status).toBe("completed");
    expect(await tagsOf(cookie, contactId)).toEqual(["delayed"]);
  });

  it("are woken by the real automations queue: an early wake-up sleeps again for the time left", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [
        { id: "pause", type: "wait", minutes: 1 },
        { id: "later", type: "add_tag", tag: "woken" },
      ],
    });
    // the engine's clock says it started 58 s ago: two seconds of the wait are left
    const start = Date.now() - 58_000;
    const [run] = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId }),
      start,
    );
    const runId = run?.id ?? "";
    // a wake-up a second early goes back on the queue for the second left
    await deliverWakeUp(ws.id, runId, start + 59_000);
    expect((await runOf(cookie, runId)).status).toBe("waiting");
    await eventually(
      async () => (await tagsOf(cookie, contactId)).includes("woken"),
      "the wake-up",
    );
    expect((await runOf(cookie, runId)).status).toBe("completed");
  });

  it("hold runs past the frequency limit and count them", async () => {
    const { ws, cookie, conversationId } = await conversationSetup();
    const automation = await newAutomation(cookie, {
      trigger: { type: "message.received", keywords: ["soporte"] },
      frequency: { type: "once_per_day" },
      steps: [{ type: "add_tag", tag: "ticket" }],
    });
    const start = Date.now();
    const statuses: string[] = [];
    for (const at of [start, start + HOUR, start + 25 * HOUR]) {
      const [run] = await startRuns(
        db(),
        env,
        event(ws.id, "message.received", { conversationId, messageText: "SOPORTE", at }),
      );
      statuses.push(run?.status ?? "none");
    }
    const runs = await runsOf(cookie, automation.id);
    expect(runs.data.map((r) => r.status)).toEqual(["completed", "limited", "completed"]);
    expect(statuses).toEqual(["running", "limited", "running"]);
    const limited = await runsOf(cookie, automation.id, "?status=limited");
    expect(limited.data).toHaveLength(1);
    const stats = await json<{ triggered: number; limited: number }>(
      await api(`/api/v1/automations/${automation.id}/stats`, { cookie }),
    );
    expect(stats).toMatchObject({ triggered: 3, limited: 1, completed: 2 });
  });

  it("keep messages back in quiet hours until the contact's morning", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    await api("/api/v1/automation-settings", {
      cookie,
      method: "PATCH",
      body: { quiet_hours: { from: "21:00", to: "08:00" } },
    });
    await api(`/api/v1/contacts/${contactId}`, {
      cookie,
      method: "PATCH",
      body: { timezone: "Europe/Madrid" },
    });
    await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [{ id: "hello", type: "send_message", text: "Good morning!" }],
    });
    // 23:30 in Madrid
    const late = Date.parse("2031-01-15T22:30:00Z");
    const [run] = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId, at: late }),
    );
    const held = await runOf(cookie, run?.id ?? "");
    expect(held).toMatchObject({ status: "waiting", resume_at: "2031-01-16T07:00:00.000Z" });
    expect(held.steps[0]).toMatchObject({ status: "waiting", output: { reason: "quiet_hours" } });
    const bot = async () =>
      (await messagesOf(cookie, conversationId)).filter((m) => m.sender.type === "bot");
    expect(await bot()).toEqual([]);
    await deliverWakeUp(ws.id, run?.id ?? "", Date.parse("2031-01-16T07:00:01Z"));
    expect((await bot()).map((m) => m.text)).toEqual(["Good morning!"]);
    expect((await runOf(cookie, run?.id ?? "")).status).toBe("completed");
  });

  it("let an automation start itself once per chain, not in a loop", async () => {
    const { cookie, conversationId } = await conversationSetup();
    const created = await newAutomation(cookie, { trigger: { type: "manual" }, steps: [] });
    await api(`/api/v1/automations/${created.id}`, {
      cookie,
      method: "PATCH",
      body: { steps: [{ id: "again", type: "start_automation", automation_id: created.id }] },
    });
    const started = await api(`/api/v1/automations/${created.id}/runs`, {
      cookie,
      body: { conversation_id: conversationId },
    });
    expect(started.status).toBe(201);
    const runs = (await runsOf(cookie, created.id)).data;
    expect(runs).toHaveLength(2);
    // both start in the same instant: told apart by their logs
    const details = await Promise.all(runs.map((r) => runOf(cookie, r.id)));
    const first = details.find((d) => d.steps[0]?.status === "completed");
    const second = details.find((d) => d !== first);
    expect(first?.steps[0]).toMatchObject({
      status: "completed",
      output: { run_ids: [second?.id] },
    });
    expect(second?.steps[0]).toMatchObject({
      status: "skipped",
      error: expect.stringContaining("loop guard"),
    });
  });

  it("call an HTTP endpoint, use its answer later, and refuse private addresses", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    await api(`/api/v1/contacts/${contactId}`, {
      cookie,
      method: "PATCH",
      body: { name: "Ana Pérez" },
    });
    await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [
        {
          id: "lookup",
          type: "http_request",
          method: "POST",
          url: `${fakeUrl()}/echo/orders`,
          headers: { Authorization: "Bearer {{contact.first_name}}" },
          body: { customer: "{{contact.name}}", items: [1, 2] },
          save_as: "order",
        },
        {
          id: "check",
          type: "branch",
          branches: [
            {
              conditions: {
                groups: [
                  {
                    rules: [
                      {
                        type: "variable",
                        name: "order.body.received.customer",
                        operator: "eq",
                        value: "Ana Pérez",
                      },
                    ],
                  },
                ],
              },
              steps: [
                {
                  id: "say",
                  type: "send_message",
                  text: "Your order for {{vars.order.body.received.customer}} ({{vars.order.status}})",
                },
              ],
            },
          ],
        },
      ],
    });
    const [run] = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId }),
    );
    const detail = await runOf(cookie, run?.id ?? "");
    expect(detail.status).toBe("completed");
    expect(detail.steps[0]?.output).toMatchObject({
      status: 200,
      body: {
        method: "POST",
        content_type: "application/json",
        authorization: "Bearer Ana",
        received: { customer: "Ana Pérez", items: [1, 2] },
      },
    });
    const texts = (await messagesOf(cookie, conversationId)).map((m) => m.text);
    expect(texts).toContain("Your order for Ana Pérez (200)");

    const other = await conversationSetup();
    await newAutomation(other.cookie, {
      trigger: { type: "conversation.opened" },
      steps: [{ id: "inside", type: "http_request", method: "GET", url: "http://10.0.0.7/admin" }],
    });
    const [refused] = await startRuns(
      db(),
      env,
      event(other.ws.id, "conversation.opened", { conversationId: other.conversationId }),
    );
    const failed = await runOf(other.cookie, refused?.id ?? "");
    expect(failed).toMatchObject({ status: "failed", next_step_id: "inside" });
    expect(failed.error).toMatch(/public address/);
  });

  it("log a failing step, keep other automations running, and retry from the failed step", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    const path = `/echo/flaky-${Date.now()}`;
    const flaky = await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [
        { id: "first", type: "add_tag", tag: "first" },
        { id: "call", type: "http_request", method: "GET", url: `${fakeUrl()}${path}` },
        { id: "last", type: "add_tag", tag: "last" },
      ],
    });
    await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [
        { type: "add_tag", tag: "other" },
        { type: "ai", task: "classify", categories: ["Billing", "Other"] },
      ],
    });
    await scriptFake({ path, status: 500, body: { error: "down" } });
    const runs = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId }),
    );
    const details = await Promise.all(runs.map((r) => runOf(cookie, r.id)));
    const failing = details.find((d) => d.steps.some((s) => s.step_id === "call"));
    const other = details.find((d) => d !== failing);
    expect(failing).toMatchObject({ status: "failed", error: "the target answered HTTP 500" });
    expect(other?.steps.at(-1)).toMatchObject({
      status: "failed",
      error: "AI is not set up for this workspace.",
    });
    expect(await tagsOf(cookie, contactId)).toEqual(["first", "other"]);

    const retried = await api(`/api/v1/automation-runs/${failing?.id}/retry`, {
      cookie,
      method: "POST",
    });
    expect(retried.status).toBe(200);
    expect((await json<RunDto>(retried)).status).toBe("completed");
    expect(await stepRows(failing?.id ?? "")).toEqual([
      { step_id: "first", iteration: 0, status: "completed" },
      { step_id: "call", iteration: 0, status: "failed" },
      { step_id: "call", iteration: 1, status: "completed" },
      { step_id: "last", iteration: 1, status: "completed" },
    ]);
    expect(await tagsOf(cookie, contactId)).toEqual(["first", "last", "other"]);
    const again = await api(`/api/v1/automation-runs/${failing?.id}/retry`, {
      cookie,
      method: "POST",
    });
    expect(again.status).toBe(409);
    const stats = await json(await api(`/api/v1/automations/${flaky.id}/stats`, { cookie }));
    expect(stats).toMatchObject({ triggered: 1, completed: 1, failed: 0 });
  });

  it("finish a run on the version it started on after the automation changes", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    const automation = await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps: [
        { id: "pause", type: "wait", minutes: 10 },
        { id: "mark", type: "add_tag", tag: "v1" },
      ],
    });
    const start = Date.now();
    const [old] = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId, at: start }),
    );
    await api(`/api/v1/automations/${automation.id}`, {
      cookie,
      method: "PATCH",
      body: {
        steps: [
          { id: "pause", type: "wait", minutes: 10 },
          { id: "mark", type: "add_tag", tag: "v2" },
        ],
      },
    });
    await deliverWakeUp(ws.id, old?.id ?? "", start + 11 * 60_000);
    expect(await runOf(cookie, old?.id ?? "")).toMatchObject({ status: "completed", version: 1 });
    expect(await tagsOf(cookie, contactId)).toEqual(["v1"]);
    const [fresh] = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId, at: start }),
    );
    expect((await runOf(cookie, fresh?.id ?? "")).version).toBe(2);
  });

  it("stop runs under way when paused with stop, and let them finish with finish", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    const steps = [
      { id: "pause", type: "wait", minutes: 5 },
      { id: "mark", type: "add_tag", tag: "finished" },
    ];
    const stopping = await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps,
    });
    const finishing = await newAutomation(cookie, {
      trigger: { type: "conversation.opened" },
      steps,
    });
    const start = Date.now();
    const runs = await startRuns(
      db(),
      env,
      event(ws.id, "conversation.opened", { conversationId, at: start }),
    );
    await api(`/api/v1/automations/${stopping.id}/deactivate`, {
      cookie,
      body: { running: "stop" },
    });
    await api(`/api/v1/automations/${finishing.id}/deactivate`, {
      cookie,
      body: { running: "finish" },
    });
    for (const run of runs) await deliverWakeUp(ws.id, run.id, start + 6 * 60_000);
    const [stopped] = (await runsOf(cookie, stopping.id)).data;
    const [finished] = (await runsOf(cookie, finishing.id)).data;
    expect(stopped?.status).toBe("stopped");
    expect(finished?.status).toBe("completed");
    expect(await tagsOf(cookie, contactId)).toEqual(["finished"]);
    // paused: new events start nothing
    expect(
      await startRuns(db(), env, event(ws.id, "conversation.opened", { conversationId })),
    ).toEqual([]);
  });

  it("start by hand for a contact, refusing what is not the workspace's, and page the run log", async () => {
    const { cookie, conversationId, contactId } = await conversationSetup();
    const automation = await newAutomation(cookie, {
      trigger: { type: "manual" },
      steps: [{ type: "add_note", text: "Checked {{contact.email|without an email}}" }],
    });
    for (let i = 0; i < 3; i++) {
      const response = await api(`/api/v1/automations/${automation.id}/runs`, {
        cookie,
        body: { contact_id: contactId, conversation_id: conversationId },
      });
      expect(response.status).toBe(201);
    }
    const refused = await api(`/api/v1/automations/${automation.id}/runs`, {
      cookie,
      body: { contact_id: "ct_00000000000000000000000000" },
    });
    expect(refused.status).toBe(422);
    const first = await runsOf(cookie, automation.id, `?limit=2&contact_id=${contactId}`);
    expect(first.data).toHaveLength(2);
    const rest = await runsOf(cookie, automation.id, `?limit=2&cursor=${first.next_cursor}`);
    expect(rest.data).toHaveLength(1);
    expect(rest.next_cursor).toBeNull();
    const notes = (await messagesOf(cookie, conversationId)).filter((m) => m.kind === "note");
    expect(notes.map((n) => n.text)).toEqual(Array(3).fill("Checked without an email"));
  });

  it("name the contact in the run log, filter it by start time, and count the last 7 days in the list", async () => {
    const { ws, cookie, conversationId, contactId } = await conversationSetup();
    const renamed = await api(`/api/v1/contacts/${contactId}`, {
      cookie,
      method: "PATCH",
      body: { name: "Ana Souza" },
    });
    expect(renamed.status).toBe(200);
    const automation = await newAutomation(cookie, {
      trigger: { type: "manual" },
      steps: [{ type: "add_tag", tag: "seen" }],
    });
    const weekAgo = Date.now() - 8 * 24 * HOUR;
    const manual = (at: number) =>
      event(ws.id, "manual", {
        at,
        automationId: automation.id,
        contactId,
        conversationId,
        byPerson: true,
      });
    expect(await startRuns(db(), env, manual(weekAgo))).toHaveLength(1);
    expect(await startRuns(db(), env, manual(Date.now()))).toHaveLength(1);

    const all = await runsOf(cookie, automation.id);
    expect(all.data.map((r) => (r as RunDto & { contact: unknown }).contact)).toEqual([
      { id: contactId, name: "Ana Souza" },
      { id: contactId, name: "Ana Souza" },
    ]);
    const since = new Date(Date.now() - 24 * HOUR).toISOString();
    expect((await runsOf(cookie, automation.id, `?started_from=${since}`)).data).toHaveLength(1);
    expect((await runsOf(cookie, automation.id, `?started_to=${since}`)).data).toHaveLength(1);
    const bad = await api(`/api/v1/automations/${automation.id}/runs?started_from=yesterday`, {
      cookie,
    });
    expect(await refusedPaths(bad)).toEqual(["query.started_from"]);

    const { data } = await json<{
      data: {
        id: string;
        recent_stats: { triggered: number; completed: number; failed: number };
      }[];
    }>(await api("/api/v1/automations", { cookie }));
    expect(data.find((a) => a.id === automation.id)?.recent_stats).toEqual({
      triggered: 1,
      completed: 1,
      failed: 0,
    });
  });
});
