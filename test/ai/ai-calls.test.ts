import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createDb } from "../../worker/db/client";
import { aiCalls } from "../../worker/db/schema";
import { MAX_STORED_CHARS, storeCall } from "../../worker/domain/ai/calls";
import { AI_CALL_RETENTION_MS, pruneAiCalls } from "../../worker/domain/ai/calls-retention";
import { complete, completeStream, completeStructured } from "../../worker/domain/ai/provider";
import { PERIODIC_JOBS } from "../../worker/scheduled";
import { fakeRequests, scriptFake } from "../channel-helpers";
import { api, expectProblem, json, newVisitorConversation } from "../helpers";
import { aiCall, fakeOpenAi, putAiSettings } from "./ai-helpers";

type StoredCall = {
  id: string;
  feature: string;
  conversation_id: string | null;
  outcome: string;
  messages: { role: string; content: string }[];
  answer: string | null;
  redacted: boolean;
  truncated: boolean;
  total_tokens: number;
  duration_ms: number;
};
type Page = { data: StoredCall[]; next_cursor: string | null };

const PERSONAL =
  "Hi, I'm Ana: write to ana.silva@example.pt or call +351 912 345 678 about order #48213.";

async function aiConversation(redact: boolean) {
  const setup = await newVisitorConversation(PERSONAL);
  const fake = fakeOpenAi();
  await putAiSettings(setup.ws.ownerCookie, {
    enabled: true,
    base_url: fake.baseUrl,
    api_key: "sk-test-calls",
    redact_pii: redact,
  });
  return { ...setup, cookie: setup.ws.ownerCookie, fake };
}

const suggest = (cookie: string, conversationId: string) =>
  api(`/api/v1/conversations/${conversationId}/copilot/suggest`, { cookie, method: "POST" });

async function callsOf(cookie: string, query = "") {
  const response = await api(`/api/v1/ai/calls${query}`, { cookie });
  if (response.status !== 200)
    throw new Error(`calls: ${response.status} ${await response.text()}`);
  return json<Page>(response);
}

const ASK = [{ role: "user" as const, content: "Refunds?" }];

/** One server-sent chunk of a streamed chat completion. */
const chunk = (content: string) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-log",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })}\n\n`;

const everything = (call: StoredCall) =>
  [...call.messages.map((m) => m.content), call.answer ?? ""].join("\n");

describe("the AI call log", () => {
  it("stores a copilot call with personal data masked when redact_pii is on, and sends it unmasked", async () => {
    const { cookie, conversationId, fake } = await aiConversation(true);
    expect((await suggest(cookie, conversationId)).status).toBe(200);

    const { data } = await callsOf(cookie);
    expect(data).toHaveLength(1);
    const [call] = data as [StoredCall];
    expect(call).toMatchObject({
      feature: "copilot",
      conversation_id: conversationId,
      outcome: "ok",
      redacted: true,
      truncated: false,
    });
    expect(call.total_tokens).toBeGreaterThan(0);
    expect(call.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(call.messages[1]?.content).toBe(
      "Hi, I'm Ana: write to [email] or call [phone] about order #48213.",
    );
    expect(call.answer).toBeTruthy();
    expect(everything(call)).not.toContain("ana.silva@example.pt");
    expect(everything(call)).not.toContain("912 345 678");

    const [sent] = await fakeRequests(`${fake.path}/chat/completions`);
    expect(sent?.body).toContain("ana.silva@example.pt");
    expect(sent?.body).toContain("+351 912 345 678");
  });

  it("stores the prompt verbatim when redact_pii is off", async () => {
    const { cookie, conversationId } = await aiConversation(false);
    expect((await suggest(cookie, conversationId)).status).toBe(200);
    const [call] = (await callsOf(cookie)).data;
    expect(call?.redacted).toBe(false);
    expect(call?.messages[1]?.content).toBe(PERSONAL);
  });

  it("stores a call the provider failed, with its outcome and no answer", async () => {
    const { cookie, conversationId, fake } = await aiConversation(true);
    await scriptFake({
      path: `${fake.path}/chat/completions`,
      status: 500,
      body: { error: { message: "The server had an error", type: "server_error" } },
      times: 2,
    });
    expect((await suggest(cookie, conversationId)).status).toBe(503);
    const [call] = (await callsOf(cookie)).data;
    expect(call).toMatchObject({
      feature: "copilot",
      outcome: "provider_error",
      answer: null,
      total_tokens: 0,
    });
    expect(call?.messages[1]?.content).toContain("[email]");
  });

  it("stores a call a budget stopped before the provider was asked", async () => {
    const { cookie, conversationId, fake } = await aiConversation(false);
    await putAiSettings(cookie, { monthly_token_budget: 0 });
    expect((await suggest(cookie, conversationId)).status).toBe(503);
    const [call] = (await callsOf(cookie)).data;
    expect(call).toMatchObject({ outcome: "budget", answer: null, total_tokens: 0 });
    expect(await fakeRequests(`${fake.path}/chat/completions`)).toEqual([]);
  });

  it("stores a stream that stalled as a timeout, with what had come", async () => {
    const { cookie, ws, fake } = await aiConversation(false);
    await putAiSettings(cookie, { timeout_ms: 1000 });
    await scriptFake({
      path: `${fake.path}/chat/completions`,
      status: 200,
      text: chunk("Refunds") + chunk(" are"),
      headers: { "content-type": "text/event-stream" },
      hold_open: true,
    });
    const streamed = (async () => {
      for await (const _ of completeStream(aiCall(ws.id), { messages: ASK })) {
        // read to the end
      }
    })();
    await expect(streamed).rejects.toMatchObject({ reason: "timeout" });
    const [call] = (await callsOf(cookie)).data;
    expect(call).toMatchObject({ outcome: "timeout", answer: "Refunds are" });
  });

  it("stores a structured answer that did not fit its schema as a provider error", async () => {
    const { cookie, ws, fake } = await aiConversation(false);
    await scriptFake({
      path: `${fake.path}/chat/completions`,
      status: 200,
      text: `${chunk('{"reply": "Hi"')}data: [DONE]\n\n`,
      headers: { "content-type": "text/event-stream" },
    });
    const Decision = z.object({ reply: z.string(), action: z.enum(["continue", "handoff"]) });
    await expect(
      completeStructured(
        aiCall(ws.id),
        { messages: ASK, output: { name: "decision", schema: Decision } },
        async () => {},
      ),
    ).rejects.toMatchObject({ reason: "provider_error" });
    const [call] = (await callsOf(cookie)).data;
    expect(call).toMatchObject({ outcome: "provider_error", answer: '{"reply": "Hi"' });
  });

  it("filters by conversation and feature, and pages newest first", async () => {
    const { cookie, conversationId, ws } = await aiConversation(false);
    for (const question of ["one", "two", "three"])
      await complete(aiCall(ws.id, "assistant"), {
        messages: [{ role: "user", content: question }],
      });
    await suggest(cookie, conversationId);

    const first = await callsOf(cookie, "?limit=2");
    expect(first.data.map((c) => c.feature)).toEqual(["copilot", "assistant"]);
    expect(first.data[1]?.messages).toEqual([{ role: "user", content: "three" }]);
    const second = await callsOf(cookie, `?limit=2&cursor=${first.next_cursor}`);
    expect(second.data.map((c) => c.messages[0]?.content)).toEqual(["two", "one"]);
    expect(second.next_cursor).toBeNull();

    const ofConversation = await callsOf(cookie, `?conversation_id=${conversationId}`);
    expect(ofConversation.data.map((c) => c.feature)).toEqual(["copilot"]);
    expect((await callsOf(cookie, "?feature=assistant")).data).toHaveLength(3);
  });

  it("is for admins, and refuses an unknown conversation or a malformed query", async () => {
    const { cookie, ws } = await aiConversation(false);
    const supervisor = await (await ws.addMember("supervisor")).login();
    await expectProblem(await api("/api/v1/ai/calls", { cookie: supervisor }), 403);
    const admin = await (await ws.addMember("admin")).login();
    expect((await api("/api/v1/ai/calls", { cookie: admin })).status).toBe(200);

    const missing = await expectProblem(
      await api("/api/v1/ai/calls?conversation_id=cv_00000000000000000000000000", { cookie }),
      404,
    );
    expect(missing.detail).toContain("Conversation");
    for (const [query, path] of [
      ["feature=embedding", "query.feature"],
      ["limit=0", "query.limit"],
      ["cursor=yesterday", "query.cursor"],
    ]) {
      const problem = await expectProblem(await api(`/api/v1/ai/calls?${query}`, { cookie }), 422);
      expect(problem.errors?.[0]?.path).toBe(path);
    }
  });

  it("keeps a stored call within its bound, the latest turns first", async () => {
    const { cookie, ws } = await aiConversation(false);
    const long = "knowledge ".repeat(3000);
    await complete(aiCall(ws.id, "assistant"), {
      messages: [
        { role: "system", content: long },
        { role: "user", content: "Where is my parcel?" },
      ],
    });
    const [call] = (await callsOf(cookie)).data;
    expect(call?.truncated).toBe(true);
    expect(call?.messages[1]?.content).toBe("Where is my parcel?");
    expect(everything(call as StoredCall).length).toBeLessThanOrEqual(MAX_STORED_CHARS + 10);
  });

  it("forgets calls older than the retention window in the periodic jobs", async () => {
    const { ws } = await newVisitorConversation("Hi");
    const db = createDb(env.DB);
    const now = Date.now();
    const store = (at: number) =>
      storeCall(
        db,
        {
          workspaceId: ws.id,
          conversationId: null,
          feature: "assistant",
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: `at ${at}` }],
          answer: null,
          usageId: null,
          promptTokens: 1,
          completionTokens: 0,
          durationMs: 5,
          outcome: "ok",
          redact: false,
        },
        at,
      );
    await store(now - AI_CALL_RETENTION_MS - 1000);
    await store(now - AI_CALL_RETENTION_MS + 60_000);
    expect(PERIODIC_JOBS).toContain(pruneAiCalls);
    await pruneAiCalls(db, env, now);
    const kept = await db
      .select({ at: aiCalls.at })
      .from(aiCalls)
      .where(eq(aiCalls.workspaceId, ws.id));
    expect(kept).toEqual([{ at: now - AI_CALL_RETENTION_MS + 60_000 }]);
  });
});
