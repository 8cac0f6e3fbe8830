import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { aiUsage } from "../../worker/db/schema";
import { fakeRequests, scriptFake } from "../channel-helpers";
import { SUGGESTION_FALLBACK } from "../fakes/openai-copilot.mjs";
import { api, db, expectProblem, json, newVisitorConversation, visitorSays } from "../helpers";
import { addSource } from "../knowledge/helpers";
import { fakeOpenAi, putAiSettings } from "./ai-helpers";

type Message = { seq: number; kind: string; text: string | null; sender: { type: string } };
type SentRequest = { messages: { role: string; content: string }[] };

/** A visitor's conversation in a workspace whose AI points at its own corner of the fake. */
async function aiConversation(first: string, settings: Record<string, unknown> = {}) {
  const setup = await newVisitorConversation(first);
  const fake = fakeOpenAi();
  await putAiSettings(setup.ws.ownerCookie, {
    enabled: true,
    base_url: fake.baseUrl,
    api_key: "sk-test-copilot",
    ...settings,
  });
  return { ...setup, cookie: setup.ws.ownerCookie, fake };
}

const post = (cookie: string, path: string, body?: unknown) =>
  api(`/api/v1${path}`, { cookie, method: "POST", ...(body === undefined ? {} : { body }) });

async function ok<T>(response: Response): Promise<T> {
  if (response.status !== 200)
    throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
  return json<T>(response);
}

async function messagesOf(cookie: string, conversationId: string) {
  const response = await api(`/api/v1/conversations/${conversationId}/messages`, { cookie });
  return (await json<{ data: Message[] }>(response)).data;
}

async function sentTo(path: string): Promise<SentRequest[]> {
  const requests = await fakeRequests(`${path}/chat/completions`);
  return requests.map((r) => JSON.parse(r.body ?? "{}") as SentRequest);
}

describe("suggesting a reply", () => {
  it("drafts from the knowledge base and the thread, and stores and sends nothing", async () => {
    const { cookie, conversationId, fake, ws } = await aiConversation(
      "Hello! When do parcels leave the warehouse?",
    );
    await addSource(cookie, {
      kind: "text",
      title: "Shipping",
      text: "# Shipping\n\nParcels leave the warehouse within two days.",
    });
    const note = await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie,
      body: { text: "VIP customer, be quick", private: true },
    });
    expect(note.status).toBe(201);
    const before = await messagesOf(cookie, conversationId);

    const draft = await ok<{ text: string }>(
      await post(cookie, `/conversations/${conversationId}/copilot/suggest`),
    );
    expect(draft.text).toContain("Parcels leave the warehouse within two days.");
    expect(await messagesOf(cookie, conversationId)).toEqual(before);

    const [sent] = await sentTo(fake.path);
    const system = sent?.messages[0]?.content ?? "";
    expect(system).toContain("VIP customer, be quick");
    expect(sent?.messages.slice(1)).toEqual([
      { role: "user", content: "Hello! When do parcels leave the warehouse?" },
    ]);
    const usage = await usageOf(ws.id, conversationId);
    expect(usage).toEqual([expect.objectContaining({ feature: "copilot" })]);
  });

  it("offers a holding reply when nothing known answers the customer", async () => {
    const { cookie, conversationId } = await aiConversation("Can I pay with a goat?");
    const draft = await ok<{ text: string }>(
      await post(cookie, `/conversations/${conversationId}/copilot/suggest`),
    );
    expect(draft.text).toBe(SUGGESTION_FALLBACK);
  });

  it("is a clear 503 when the budget is spent, and calls nobody", async () => {
    const { cookie, conversationId, fake } = await aiConversation("Hello?", {
      monthly_token_budget: 0,
    });
    const problem = await expectProblem(
      await post(cookie, `/conversations/${conversationId}/copilot/suggest`),
      503,
    );
    expect(problem).toMatchObject({ reason: "budget_exhausted", title: "AI unavailable" });
    expect(problem.detail).toContain("AI budget reached");
    expect(await fakeRequests(fake.path)).toEqual([]);
    expect(await messagesOf(cookie, conversationId)).toHaveLength(1);
  });

  it("says AI is not set up when it is off, and is not found for an unknown conversation", async () => {
    const { ws, conversationId } = await newVisitorConversation("Hi");
    const off = await expectProblem(
      await post(ws.ownerCookie, `/conversations/${conversationId}/copilot/suggest`),
      503,
    );
    expect(off).toMatchObject({ reason: "not_configured" });
    await expectProblem(
      await post(ws.ownerCookie, "/conversations/cv_00000000000000000000000000/copilot/suggest"),
      404,
    );
  });

  it("turns a failing provider into a 503 an agent can read", async () => {
    const { cookie, conversationId, fake } = await aiConversation("Hello?");
    await scriptFake({
      path: `${fake.path}/chat/completions`,
      status: 500,
      body: { error: { message: "overloaded" } },
      times: 2,
    });
    const problem = await expectProblem(
      await post(cookie, `/conversations/${conversationId}/copilot/suggest`),
      503,
    );
    expect(problem).toMatchObject({ reason: "provider_error" });
    expect(problem.detail).toContain("500");
  });
});

function usageOf(workspaceId: string, conversationId: string) {
  return db()
    .select()
    .from(aiUsage)
    .where(and(eq(aiUsage.workspaceId, workspaceId), eq(aiUsage.conversationId, conversationId)));
}

describe("summarizing a thread", () => {
  it("summarizes the latest messages, the agents' replies included", async () => {
    const { cookie, conversationId, visitor, fake } = await aiConversation("My bike arrived bent.");
    await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie,
      body: { text: "Sorry! Could you send a photo?" },
    });
    await visitorSays(visitor.token, "Here it is, the front wheel.");
    const { summary } = await ok<{ summary: string }>(
      await post(cookie, `/conversations/${conversationId}/copilot/summarize`),
    );
    expect(summary).toMatch(/^Summary: Customer.*My bike arrived bent\. … Customer.*front wheel\./);
    const [sent] = await sentTo(fake.path);
    expect(sent?.messages[1]?.content).toContain("Agent");
    expect(sent?.messages[1]?.content).toContain("Sorry! Could you send a photo?");
  });
});

describe("translating", () => {
  it("translates an incoming message into the agent's language, detecting its own", async () => {
    const { cookie, conversationId } = await aiConversation("Hola, ¿dónde está mi pedido?");
    const translated = await ok(
      await post(cookie, "/copilot/translate", {
        text: "Hola, ¿dónde está mi pedido?",
        conversation_id: conversationId,
      }),
    );
    expect(translated).toEqual({ text: "[en] Hola, ¿dónde está mi pedido?", from: "es", to: "en" });
    const french = await ok(await post(cookie, "/copilot/translate", { text: "Hello", to: "fr" }));
    expect(french).toEqual({ text: "[fr] Hello", from: "en", to: "fr" });
  });

  it("translates a draft into the contact's language, or the language they write in", async () => {
    const { cookie, conversationId, ws } = await aiConversation("Merci, où est ma commande ?");
    const draft = { text: "It ships tomorrow.", to: "contact", conversation_id: conversationId };
    const guessed = await ok(await post(cookie, "/copilot/translate", draft));
    expect(guessed).toEqual({ text: "[fr] It ships tomorrow.", from: "en", to: "fr" });

    const conversation = await json<{ contact: { id: string } }>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie }),
    );
    const patched = await api(`/api/v1/contacts/${conversation.contact.id}`, {
      cookie: ws.ownerCookie,
      method: "PATCH",
      body: { language: "pt-BR" },
    });
    expect(patched.status).toBe(200);
    const known = await ok(await post(cookie, "/copilot/translate", draft));
    expect(known).toEqual({ text: "[pt-BR] It ships tomorrow.", from: "en", to: "pt-BR" });
  });

  it("refuses what it cannot do with the field at fault, storing nothing", async () => {
    const { cookie, fake } = await aiConversation("Hi");
    const cases: [unknown, string][] = [
      [{ text: "Hi", to: "contact" }, "conversation_id"],
      [{ text: "Hi", to: "not a language" }, "to"],
      [{ text: "   " }, "text"],
      [{ text: "Hi", conversation_id: "cv_00000000000000000000000000" }, "conversation_id"],
    ];
    for (const [body, path] of cases) {
      const problem = await expectProblem(await post(cookie, "/copilot/translate", body), 422);
      expect(problem.errors?.map((e) => e.path)).toEqual([path]);
    }
    expect(await fakeRequests(fake.path)).toEqual([]);
  });
});

describe("rewriting a draft", () => {
  it("rewrites in each tone, and counts the tokens against the conversation", async () => {
    const { cookie, conversationId, ws } = await aiConversation("Hi");
    const text = "your refund is on its way. it should arrive within five business days.";
    const rewrite = async (tone: string) =>
      (
        await ok<{ text: string }>(
          await post(cookie, "/copilot/rewrite", { text, tone, conversation_id: conversationId }),
        )
      ).text;
    expect(await rewrite("shorter")).toBe("your refund is.");
    expect(await rewrite("friendlier")).toBe(`Hi there! ${text} Thanks so much for reaching out!`);
    expect(await rewrite("formal")).toBe(`Dear customer, ${text} Kind regards.`);
    expect(await rewrite("fix")).toBe(
      "Your refund is on its way. it should arrive within five business days.",
    );
    expect(await usageOf(ws.id, conversationId)).toHaveLength(4);
  });

  it("refuses an unknown tone and an empty text", async () => {
    const { cookie } = await aiConversation("Hi");
    const tone = await expectProblem(
      await post(cookie, "/copilot/rewrite", { text: "Hi", tone: "angrier" }),
      422,
    );
    expect(tone.errors?.map((e) => e.path)).toEqual(["tone"]);
    const empty = await expectProblem(
      await post(cookie, "/copilot/rewrite", { text: "", tone: "shorter" }),
      422,
    );
    expect(empty.errors?.map((e) => e.path)).toEqual(["text"]);
  });
});
