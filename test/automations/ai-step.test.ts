import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { startRuns } from "../../worker/domain/automations/runner";
import { fakeOpenAi, putAiSettings } from "../ai/ai-helpers";
import { fakeRequests } from "../channel-helpers";
import { api, json, newVisitorConversation, visitorSays } from "../helpers";
import { addSource } from "../knowledge/helpers";
import { newAutomation, type RunDto, refusedPaths, runOf } from "./helpers";

const db = () => createDb(env.DB);
let events = 0;

/** A visitor's web-chat conversation in a workspace whose AI answers from its own corner of the fake. */
async function aiSetup(opening = "hello", { ai = true } = {}) {
  const setup = await newVisitorConversation(opening);
  const cookie = setup.ws.ownerCookie;
  const fake = fakeOpenAi();
  if (ai)
    await putAiSettings(cookie, { enabled: true, base_url: fake.baseUrl, api_key: "sk-test-step" });
  return { ...setup, cookie, fake, contactId: setup.visitor.visitor_id };
}

const post = async (cookie: string, path: string, body: Record<string, unknown>) => {
  const response = await api(path, { cookie, body });
  expect(response.status, await response.clone().text()).toBe(201);
};

/** Runs a manual automation for the conversation; the run as far as it went. */
async function runByHand(cookie: string, automationId: string, conversationId: string) {
  const response = await api(`/api/v1/automations/${automationId}/runs`, {
    cookie,
    body: { conversation_id: conversationId },
  });
  expect(response.status).toBe(201);
  return json<RunDto>(response);
}

const messagesOf = async (cookie: string, conversationId: string) =>
  (
    await json<{
      data: { kind: string; text: string | null; sender: { type: string; name: string | null } }[];
    }>(await api(`/api/v1/conversations/${conversationId}/messages`, { cookie }))
  ).data;

const automationTokens = async (cookie: string) => {
  const usage = await json<{ by_feature: { feature: string; total_tokens: number }[] }>(
    await api("/api/v1/ai/usage", { cookie }),
  );
  return usage.by_feature.find((f) => f.feature === "automation")?.total_tokens ?? 0;
};

const variableIs = (name: string, value: string | boolean) => ({
  groups: [{ rules: [{ type: "variable", name, operator: "eq", value }] }],
});

describe("the AI step", () => {
  it("classifies the message that started the run, labels the conversation, and branches on it", async () => {
    const { ws, cookie, fake, conversationId } = await aiSetup();
    await post(cookie, "/api/v1/labels", { name: "shipping", colour: "#335577" });
    await newAutomation(cookie, {
      trigger: { type: "message.received" },
      steps: [
        {
          id: "sort",
          type: "ai",
          task: "classify",
          categories: ["Billing", "Shipping", "Other"],
          label: true,
          save_as: "intent",
          prompt: "Parcels and deliveries are Shipping.",
        },
        {
          id: "route",
          type: "branch",
          branches: [
            {
              conditions: variableIs("intent.category", "shipping"),
              steps: [
                {
                  id: "say",
                  type: "send_message",
                  text: "A {{vars.intent.category}} question ({{vars.intent.confidence}})",
                },
              ],
            },
          ],
        },
      ],
    });
    const [run] = await startRuns(db(), env, {
      id: `evt_ai_${Date.now().toString(36)}_${events++}`,
      type: "message.received",
      workspaceId: ws.id,
      at: Date.now(),
      conversationId,
      messageText: "My parcel never arrived, where is the shipping?",
    });
    const detail = await runOf(cookie, run?.id ?? "");
    expect(detail.status).toBe("completed");
    expect(detail.steps[0]).toMatchObject({
      type: "ai",
      status: "completed",
      output: { category: "Shipping", confidence: 0.9, label: "shipping" },
    });
    expect(detail.steps[1]?.output).toEqual({ branch: 0 });
    const texts = (await messagesOf(cookie, conversationId)).map((m) => m.text);
    expect(texts).toContain("A Shipping question (0.9)");
    const conversation = await json<{ labels: string[] }>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie }),
    );
    expect(conversation.labels).toEqual(["shipping"]);

    // the model was offered the step's categories and read the triggering message, not "hello"
    const [sent] = await fakeRequests(`${fake.path}/chat/completions`);
    const body = JSON.parse(sent?.body ?? "{}");
    expect(body.response_format.json_schema.name).toBe("automation_classification");
    expect(body.response_format.json_schema.schema.properties.category.enum).toEqual([
      "Billing",
      "Shipping",
      "Other",
    ]);
    expect(body.messages[0].content).toContain("Parcels and deliveries are Shipping.");
    expect(body.messages.at(-1)).toEqual({
      role: "user",
      content: "My parcel never arrived, where is the shipping?",
    });
    expect(await automationTokens(cookie)).toBeGreaterThan(0);
  });

  it("extracts contact fields from the customer's last message, each checked by its type", async () => {
    const { cookie, conversationId, contactId, visitor } = await aiSetup();
    await post(cookie, "/api/v1/contact-fields", {
      key: "order_number",
      label: "Order number",
      type: "text",
    });
    await post(cookie, "/api/v1/contact-fields", { key: "seats", label: "Seats", type: "number" });
    await visitorSays(
      visitor.token,
      "Hi! My email is ana@example.com, order number: A-1234 and seats: many",
    );
    const automation = await newAutomation(cookie, {
      trigger: { type: "manual" },
      steps: [
        {
          id: "read",
          type: "ai",
          task: "extract",
          fields: ["email", "order_number", "seats", "phone"],
          save_as: "details",
        },
        { id: "note", type: "add_note", text: "Order {{vars.details.order_number}}" },
      ],
    });
    const run = await runByHand(cookie, automation.id, conversationId);
    expect(run.status).toBe("completed");
    expect(run.steps[0]?.output).toMatchObject({
      values: { email: "ana@example.com", order_number: "A-1234" },
      not_saved: { seats: "must be a number" },
    });
    const contact = await json<{ email: string | null; custom_fields: Record<string, unknown> }>(
      await api(`/api/v1/contacts/${contactId}`, { cookie }),
    );
    expect(contact.email).toBe("ana@example.com");
    expect(contact.custom_fields).toEqual({ order_number: "A-1234" });
    const notes = (await messagesOf(cookie, conversationId)).filter((m) => m.kind === "note");
    expect(notes.map((n) => n.text)).toEqual(["Order A-1234"]);
    expect(await automationTokens(cookie)).toBeGreaterThan(0);
  });

  it("answers from the knowledge base and sends it, or lets a branch hand over when it cannot", async () => {
    const { cookie, conversationId, visitor } = await aiSetup("How long do refunds take?");
    await addSource(cookie, {
      kind: "text",
      title: "Refund policy",
      text: "# Refunds\n\nRefunds are paid back within five business days.",
    });
    const automation = await newAutomation(cookie, {
      trigger: { type: "manual" },
      steps: [
        { id: "reply", type: "ai", task: "answer", send: true, save_as: "reply" },
        {
          id: "unknown",
          type: "branch",
          branches: [
            {
              conditions: variableIs("reply.found", false),
              steps: [{ id: "hand", type: "add_tag", tag: "needs-human" }],
            },
          ],
        },
      ],
    });
    const answered = await runByHand(cookie, automation.id, conversationId);
    expect(answered.status).toBe("completed");
    expect(answered.messages_sent).toBe(1);
    expect(answered.steps[0]?.output).toMatchObject({
      found: true,
      answer: "Refunds: Refunds are paid back within five business days.",
      citations: [{ title: "Refund policy" }],
      sent: { conversation_id: conversationId },
    });
    expect(answered.steps[1]?.output).toEqual({ branch: "otherwise" });
    const sent = (await messagesOf(cookie, conversationId)).findLast((m) => m.kind === "text");
    expect(sent).toMatchObject({
      text: "Refunds: Refunds are paid back within five business days.",
      sender: { type: "bot", name: "Test" },
    });

    await visitorSays(visitor.token, "Can I pay with seashells?");
    const unknown = await runByHand(cookie, automation.id, conversationId);
    expect(unknown.status).toBe("completed");
    expect(unknown.messages_sent).toBe(0);
    expect(unknown.steps[0]?.output).toMatchObject({ found: false, answer: "", citations: [] });
    expect(unknown.steps[1]?.output).toEqual({ branch: 0 });
    const tags = await json<{ tags: string[] }>(
      await api(`/api/v1/contacts/${visitor.visitor_id}`, { cookie }),
    );
    expect(tags.tags).toEqual(["needs-human"]);
    expect(await automationTokens(cookie)).toBeGreaterThan(0);
  });

  it("fails with the provider's reason when AI is off, and goes on from there once it is on", async () => {
    const { cookie, conversationId, fake } = await aiSetup("My billing is wrong", { ai: false });
    const automation = await newAutomation(cookie, {
      trigger: { type: "manual" },
      steps: [
        { id: "sort", type: "ai", task: "classify", categories: ["Billing", "Other"] },
        { id: "done", type: "add_tag", tag: "sorted" },
      ],
    });
    const failed = await runByHand(cookie, automation.id, conversationId);
    expect(failed).toMatchObject({
      status: "failed",
      next_step_id: "sort",
      error: "AI is not set up for this workspace.",
    });
    expect(failed.steps[0]).toMatchObject({ status: "failed", error: failed.error });

    await putAiSettings(cookie, { enabled: true, base_url: fake.baseUrl, api_key: "sk-test" });
    const retried = await api(`/api/v1/automation-runs/${failed.id}/retry`, {
      cookie,
      method: "POST",
    });
    expect(retried.status).toBe(200);
    const after = await runOf(cookie, failed.id);
    expect(after.status).toBe("completed");
    expect(
      after.steps.find((s) => s.step_id === "sort" && s.status === "completed")?.output,
    ).toMatchObject({ category: "Billing", confidence: 0.9 });

    // the conversation's budget spent: the next run fails with the budget's reason
    await putAiSettings(cookie, {
      enabled: true,
      base_url: fake.baseUrl,
      conversation_token_budget: 1,
    });
    const overBudget = await runByHand(cookie, automation.id, conversationId);
    expect(overBudget.status).toBe("failed");
    expect(overBudget.error).toBe("AI budget reached: this conversation used its 1 AI tokens.");
  });

  it("goes on past a failing step that says so, and later steps read why it failed", async () => {
    const { cookie, conversationId, contactId } = await aiSetup("My billing is wrong", {
      ai: false,
    });
    const automation = await newAutomation(cookie, {
      trigger: { type: "manual" },
      steps: [
        {
          id: "sort",
          type: "ai",
          task: "classify",
          categories: ["Billing", "Other"],
          save_as: "intent",
          on_error: "continue",
        },
        {
          id: "fallback",
          type: "branch",
          branches: [
            {
              conditions: variableIs("intent.failed", true),
              steps: [{ id: "to-people", type: "add_tag", tag: "ai-failed" }],
            },
          ],
          otherwise: [],
        },
        { id: "done", type: "add_tag", tag: "sorted" },
      ],
    });
    const run = await runByHand(cookie, automation.id, conversationId);
    expect(run).toMatchObject({ status: "completed", error: null });
    expect(run.steps.map((s) => [s.step_id, s.status])).toEqual([
      ["sort", "failed"],
      ["fallback", "completed"],
      ["to-people", "completed"],
      ["done", "completed"],
    ]);
    expect(run.steps[0]?.error).toBe("AI is not set up for this workspace.");
    const contact = await json<{ tags: string[] }>(
      await api(`/api/v1/contacts/${contactId}`, { cookie }),
    );
    expect(contact.tags.sort()).toEqual(["ai-failed", "sorted"]);
  });

  it("refuses a step that does not say what it does or names what the workspace lacks", async () => {
    const { cookie } = await aiSetup();
    const refused = async (step: Record<string, unknown>) =>
      refusedPaths(
        await api("/api/v1/automations", {
          cookie,
          body: { name: "AI", trigger: { type: "manual" }, steps: [{ type: "ai", ...step }] },
        }),
      );
    expect(await refused({ prompt: "Do something" })).toEqual(["steps.0.task"]);
    expect(await refused({ task: "classify", categories: ["Only"] })).toEqual([
      "steps.0.categories",
    ]);
    expect(await refused({ task: "classify", categories: ["Sales", "sales"], send: true })).toEqual(
      ["steps.0.categories.1", "steps.0.send"],
    );
    expect(await refused({ task: "extract", fields: ["email", "shoe_size"] })).toEqual([
      "steps.0.fields.1",
    ]);
    expect(await refused({ task: "answer", save_as: "Not A Name" })).toEqual(["steps.0.save_as"]);
    const list = await json<{ data: unknown[] }>(await api("/api/v1/automations", { cookie }));
    expect(list.data).toEqual([]);
  });
});
