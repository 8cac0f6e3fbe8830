import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { aiUsage } from "../../worker/db/schema";
import { AiUnavailable, complete, completeStream, embed } from "../../worker/domain/ai/provider";
import { fakeRequests, scriptFake, setFakeDns, uniqueDigits } from "../channel-helpers";
import { db, newVisitorConversation, newWorkspace } from "../helpers";
import { aiCall, fakeOpenAi, KNOWLEDGE, putAiSettings } from "./ai-helpers";

const KEY = "sk-test-provider-9876";

/** A workspace whose AI points at its own corner of the fake OpenAI API. */
async function aiWorkspace(settings: Record<string, unknown> = {}) {
  const ws = await newWorkspace();
  const fake = fakeOpenAi();
  await putAiSettings(ws.ownerCookie, {
    enabled: true,
    base_url: fake.baseUrl,
    api_key: KEY,
    ...settings,
  });
  return { ws, fake };
}

const usageRows = (workspaceId: string) =>
  db().select().from(aiUsage).where(eq(aiUsage.workspaceId, workspaceId));

const Decision = z.object({
  reply: z.string(),
  action: z.enum(["continue", "handoff", "resolve"]),
  reason: z.string(),
});

const ask = (question: string) => [
  { role: "system" as const, content: KNOWLEDGE },
  { role: "user" as const, content: question },
];

async function failure(work: Promise<unknown>) {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AiUnavailable);
  return error as AiUnavailable;
}

describe("the AI provider, through the openai SDK in workerd", () => {
  it("completes a chat with the workspace's key and model, and records the tokens", async () => {
    const { ws, fake } = await aiWorkspace({ model: "gpt-4o" });
    const answer = await complete(aiCall(ws.id), { messages: ask("How long do refunds take?") });
    expect(answer).toEqual({
      text: "Refunds are paid back within five business days.",
      output: null,
      toolCalls: [],
    });
    const [sent] = await fakeRequests(`${fake.path}/chat/completions`);
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({ model: "gpt-4o" });
    const [usage] = await usageRows(ws.id);
    const fakeUsage = (sent?.response.body as { usage: Record<string, number> } | undefined)?.usage;
    expect(usage).toMatchObject({
      feature: "assistant",
      model: "gpt-4o",
      conversationId: null,
      promptTokens: fakeUsage?.prompt_tokens,
      completionTokens: 8,
    });
  });

  it("gives structured output parsed by its zod schema", async () => {
    const { ws, fake } = await aiWorkspace();
    const call = aiCall(ws.id);
    const output = { name: "decision", schema: Decision };
    const known = await complete(call, { messages: ask("When do you open on Saturdays?"), output });
    expect(known.output).toEqual({
      reply: "Our shop opens at 9am on weekdays and 10am on Saturdays.",
      action: "continue",
      reason: expect.any(String),
    });
    const human = await complete(call, { messages: ask("Quero falar com um atendente"), output });
    expect(human.output?.action).toBe("handoff");
    const sent = await fakeRequests(`${fake.path}/chat/completions`);
    expect(JSON.parse(sent[0]?.body ?? "{}").response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "decision", strict: true },
    });
  });

  it("returns the tool calls the model makes, arguments parsed", async () => {
    const { ws } = await aiWorkspace();
    const answer = await complete(aiCall(ws.id, "copilot"), {
      messages: [{ role: "user", content: "Please look up my order" }],
      tools: [
        {
          type: "function",
          function: {
            name: "order_status",
            parameters: {
              type: "object",
              properties: { reason: { type: "string" }, count: { type: "integer" } },
              required: ["reason", "count"],
            },
          },
        },
      ],
    });
    expect(answer.toolCalls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        name: "order_status",
        arguments: { reason: expect.any(String), count: 0 },
      },
    ]);
  });

  it("streams the answer as text deltas, in order, and records the usage chunk", async () => {
    const { ws, fake } = await aiWorkspace();
    const deltas: string[] = [];
    for await (const delta of completeStream(aiCall(ws.id), {
      messages: ask("Delivery to Portugal?"),
    }))
      deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe("Delivery to Portugal takes three days.");
    const [sent] = await fakeRequests(`${fake.path}/chat/completions`);
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const [usage] = await usageRows(ws.id);
    expect(usage).toMatchObject({ feature: "assistant", completionTokens: 6 });
    expect(usage?.promptTokens).toBeGreaterThan(20);
  });

  it("embeds texts as normalised vectors where similar texts are close", async () => {
    const { ws } = await aiWorkspace({ embedding_model: "text-embedding-3-small" });
    const call = aiCall(ws.id, "embedding");
    const [refund, refunds, bikes] = await embed(call, [
      "refund paid back in days",
      "when is my refund paid back",
      "mountain bikes for children",
    ]);
    const dot = (a: number[] = [], b: number[] = []) =>
      a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);
    expect(refund).toHaveLength(256);
    expect(dot(refund, refund)).toBeCloseTo(1, 5);
    expect(dot(refund, refunds)).toBeGreaterThan(0.4);
    expect(Math.abs(dot(refund, bikes))).toBeLessThan(0.3);
    const [small] = await embed(call, ["refund"], { dimensions: 32 });
    expect(small).toHaveLength(32);
    const rows = await usageRows(ws.id);
    expect(rows.map((r) => [r.feature, r.model, r.promptTokens])).toEqual([
      ["embedding", "text-embedding-3-small", 15],
      ["embedding", "text-embedding-3-small", 1],
    ]);
  });

  it("is not_configured while AI is off, without calling anyone", async () => {
    const { ws, fake } = await aiWorkspace();
    await putAiSettings(ws.ownerCookie, { enabled: false });
    const error = await failure(complete(aiCall(ws.id), { messages: ask("Refunds?") }));
    expect(error.reason).toBe("not_configured");
    const fresh = await newWorkspace();
    expect((await failure(embed(aiCall(fresh.id), ["x"]))).reason).toBe("not_configured");
    expect(await fakeRequests(fake.path)).toEqual([]);
  });

  it("stops at the monthly budget without calling the provider", async () => {
    const { ws, fake } = await aiWorkspace();
    await complete(aiCall(ws.id), { messages: ask("Refunds?") });
    const [used] = await usageRows(ws.id);
    const spent = (used?.promptTokens ?? 0) + (used?.completionTokens ?? 0);
    await putAiSettings(ws.ownerCookie, { monthly_token_budget: spent });
    const error = await failure(complete(aiCall(ws.id), { messages: ask("Refunds?") }));
    expect(error.reason).toBe("budget_exhausted");
    expect(error.message).toContain(`${spent} AI tokens for this month`);
    expect(await fakeRequests(fake.path)).toHaveLength(1);
    await putAiSettings(ws.ownerCookie, { monthly_token_budget: spent + 1000 });
    await complete(aiCall(ws.id), { messages: ask("Refunds?") });
  });

  it("stops a conversation at its own budget while others go on", async () => {
    const { ws, conversationId } = await newVisitorConversation("Hi, refunds?");
    const fake = fakeOpenAi();
    await putAiSettings(ws.ownerCookie, {
      enabled: true,
      base_url: fake.baseUrl,
      api_key: KEY,
      conversation_token_budget: 10,
    });
    await complete(aiCall(ws.id, "assistant", conversationId), { messages: ask("Refunds?") });
    const error = await failure(
      complete(aiCall(ws.id, "assistant", conversationId), { messages: ask("Refunds?") }),
    );
    expect(error.reason).toBe("budget_exhausted");
    expect(error.message).toContain("this conversation");
    await complete(aiCall(ws.id, "copilot"), { messages: ask("Refunds?") });
    const rows = await db()
      .select()
      .from(aiUsage)
      .where(and(eq(aiUsage.workspaceId, ws.id), eq(aiUsage.conversationId, conversationId)));
    expect(rows).toHaveLength(1);
    expect(await fakeRequests(fake.path)).toHaveLength(2);
  });

  it("turns an answer that never comes into a timeout", async () => {
    const { ws, fake } = await aiWorkspace({ timeout_ms: 1000 });
    await scriptFake({ path: `${fake.path}/chat/completions`, delay_ms: 4000, times: 2 });
    const error = await failure(complete(aiCall(ws.id), { messages: ask("Refunds?") }));
    expect(error.reason).toBe("timeout");
    expect(await usageRows(ws.id)).toEqual([]);
  });

  it("ends a stream that stalls mid-way with a timeout, after what had come", async () => {
    const { ws, fake } = await aiWorkspace({ timeout_ms: 1000 });
    const chunk = (content: string) =>
      `data: ${JSON.stringify({
        id: "chatcmpl-stall",
        object: "chat.completion.chunk",
        created: 1,
        model: "gpt-4o-mini",
        choices: [{ index: 0, delta: { content }, finish_reason: null }],
      })}\n\n`;
    await scriptFake({
      path: `${fake.path}/chat/completions`,
      status: 200,
      text: chunk("Refunds") + chunk(" are"),
      headers: { "content-type": "text/event-stream" },
      hold_open: true,
    });
    const deltas: string[] = [];
    const streamed = (async () => {
      for await (const delta of completeStream(aiCall(ws.id), { messages: ask("Refunds?") }))
        deltas.push(delta);
    })();
    const error = await failure(streamed);
    expect(error.reason).toBe("timeout");
    expect(deltas).toEqual(["Refunds", " are"]);
    const [usage] = await usageRows(ws.id);
    expect(usage?.completionTokens).toBeGreaterThan(0);
  });

  it("refuses the provider's address when its name turns private after it was saved", async () => {
    const ws = await newWorkspace();
    const name = `ai-${uniqueDigits()}.example.com`;
    await setFakeDns(name, { A: ["93.184.215.14"], ttl: 0 });
    await putAiSettings(ws.ownerCookie, {
      enabled: true,
      base_url: `https://${name}/v1`,
      api_key: KEY,
    });
    await setFakeDns(name, { A: ["169.254.169.254"], ttl: 0 });
    const error = await failure(complete(aiCall(ws.id), { messages: ask("Refunds?") }));
    expect(error.reason).toBe("provider_error");
    expect(error.message).toContain(`${name} resolves to 169.254.169.254 (link-local)`);
    expect(await usageRows(ws.id)).toEqual([]);
  });

  it("turns a provider's 500 into a provider_error saying what it answered", async () => {
    const { ws, fake } = await aiWorkspace();
    await scriptFake({
      path: `${fake.path}/chat/completions`,
      status: 500,
      body: { error: { message: "The server had an error", type: "server_error" } },
      times: 2,
    });
    const error = await failure(complete(aiCall(ws.id), { messages: ask("Refunds?") }));
    expect(error.reason).toBe("provider_error");
    expect(error.message).toContain("500");
    expect(await fakeRequests(fake.path)).toHaveLength(2);
  });
});
