import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { aiUsage, knowledgeChunks } from "../../worker/db/schema";
import { recordUsage } from "../../worker/domain/ai/usage";
import { embedDueSources } from "../../worker/domain/knowledge/embed-due";
import { searchKnowledge } from "../../worker/domain/knowledge/search";
import { decodeVector } from "../../worker/domain/knowledge/vectors";
import { fakeOpenAi, putAiSettings } from "../ai/ai-helpers";
import { fakeRequests, scriptFake } from "../channel-helpers";
import { embedding } from "../fakes/openai.mjs";
import { api, db, json, newWorkspace } from "../helpers";
import { addSource, type SourceDto, search } from "./helpers";

/** A workspace whose AI points at its own corner of the fake OpenAI API. */
async function aiWorkspace(settings: Record<string, unknown> = {}) {
  const ws = await newWorkspace();
  const fake = fakeOpenAi();
  await putAiSettings(ws.ownerCookie, {
    enabled: true,
    base_url: fake.baseUrl,
    api_key: "sk-test-knowledge-1234",
    ...settings,
  });
  return { ws, fake };
}

const chunkRows = (workspaceId: string, sourceId: string) =>
  db()
    .select()
    .from(knowledgeChunks)
    .where(
      and(eq(knowledgeChunks.workspaceId, workspaceId), eq(knowledgeChunks.sourceId, sourceId)),
    )
    .orderBy(knowledgeChunks.position);

const WARRANTY = { kind: "text", title: "Warranty", text: "Frames: two years. Parts: one year." };
const SHIPPING = { kind: "text", title: "Shipping", text: "Parcels leave within two days." };

describe("knowledge embeddings", () => {
  it("embeds each chunk with its source's title, and stores the vector with its model", async () => {
    const { ws, fake } = await aiWorkspace();
    const source = await addSource(ws.ownerCookie, WARRANTY);
    expect(source).toMatchObject({
      status: "ready",
      chunk_count: 1,
      embedded_count: 1,
      embedding_model: "text-embedding-3-small",
      embedding_error: null,
    });
    const [chunk] = await chunkRows(ws.id, source.id);
    expect(chunk?.embeddingModel).toBe("text-embedding-3-small");
    const vector = decodeVector(chunk?.embedding ?? "");
    expect(vector.length).toBe(256);
    const expected = embedding("Warranty\nFrames: two years. Parts: one year.", 256);
    for (const [i, value] of vector.entries()) expect(value).toBeCloseTo(expected[i] ?? 0, 6);

    const [sent] = await fakeRequests(`${fake.path}/embeddings`);
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({ dimensions: 256 });
    const usage = await db().select().from(aiUsage).where(eq(aiUsage.workspaceId, ws.id));
    expect(usage.map((u) => u.feature)).toEqual(["embedding"]);
  });

  it("finds a chunk by meaning that its words alone miss, and says how each hit matched", async () => {
    const { ws } = await aiWorkspace();
    const cookie = ws.ownerCookie;
    const warranty = await addSource(cookie, WARRANTY);
    await addSource(cookie, SHIPPING);
    // "warranty" is only in the source's title, which keyword search does not index
    expect(await searchKnowledge(createDb(env.DB), ws.id, "warranty")).toEqual([]);
    const [byMeaning, ...rest] = await search(cookie, "warranty");
    expect(byMeaning).toMatchObject({
      match: "semantic",
      keyword_score: null,
      source: { id: warranty.id, title: "Warranty" },
    });
    expect(byMeaning?.similarity).toBeGreaterThan(0.3);
    expect(rest).toEqual([]);

    // "refunds" is not a beginning of "refund": the words miss it, the meaning (its title) finds it
    const refunds = await addSource(cookie, {
      kind: "text",
      title: "Refunds",
      text: "We refund damaged items within a week.",
    });
    expect(await searchKnowledge(createDb(env.DB), ws.id, "refunds")).toEqual([]);
    const [refund] = await search(cookie, "refunds");
    expect(refund).toMatchObject({ match: "semantic", source: { id: refunds.id } });

    const both = await search(cookie, "warranty frames");
    expect(both[0]).toMatchObject({ match: "both", source: { id: warranty.id } });
    expect(both[0]?.keyword_score).not.toBeNull();
    const words = await search(cookie, "parcels");
    expect(words.map((h) => [h.source.title, h.match])).toEqual([["Shipping", "both"]]);

    // AI off: the words alone, and no call made
    await putAiSettings(cookie, { enabled: false });
    expect(await search(cookie, "warranty")).toEqual([]);
    expect((await search(cookie, "parcels")).map((h) => h.match)).toEqual(["keyword"]);
  });

  it("falls back to keywords when the query cannot be embedded", async () => {
    const { ws, fake } = await aiWorkspace();
    await addSource(ws.ownerCookie, WARRANTY);
    await scriptFake({
      path: `${fake.path}/embeddings`,
      status: 500,
      body: { error: {} },
      times: 2,
    });
    const hits = await search(ws.ownerCookie, "warranty frames");
    expect(hits.map((h) => h.match)).toEqual(["keyword"]);
  });

  it("indexes by keywords when AI is off, and the cron embeds once it is on", async () => {
    const ws = await newWorkspace();
    const source = await addSource(ws.ownerCookie, WARRANTY);
    expect(source).toMatchObject({
      status: "ready",
      embedded_count: 0,
      embedding_error: "AI is not set up for this workspace.",
    });
    expect((await search(ws.ownerCookie, "frames")).map((h) => h.match)).toEqual(["keyword"]);

    const fake = fakeOpenAi();
    await putAiSettings(ws.ownerCookie, {
      enabled: true,
      base_url: fake.baseUrl,
      api_key: "sk-test-knowledge-1234",
    });
    await embedDueSources(createDb(env.DB), env, Date.now());
    expect(await sourceOf(ws.ownerCookie, source.id)).toMatchObject({
      embedded_count: 1,
      embedding_error: null,
    });
    expect((await search(ws.ownerCookie, "warranty"))[0]?.match).toBe("semantic");
  });

  it("indexes by keywords when the AI budget is spent, and embeds after it is raised", async () => {
    const { ws } = await aiWorkspace({ monthly_token_budget: 100 });
    const now = Date.now();
    await recordUsage(
      createDb(env.DB),
      ws.id,
      {
        conversationId: null,
        feature: "assistant",
        model: "gpt-4o-mini",
        promptTokens: 100,
        completionTokens: 0,
      },
      now,
    );
    const source = await addSource(ws.ownerCookie, WARRANTY);
    expect(source).toMatchObject({ status: "ready", chunk_count: 1, embedded_count: 0 });
    expect(source.embedding_error).toMatch(/budget/i);
    expect((await search(ws.ownerCookie, "frames")).map((h) => h.match)).toEqual(["keyword"]);

    await putAiSettings(ws.ownerCookie, { monthly_token_budget: null });
    // a failing provider is left alone a while before the cron tries again
    await embedDueSources(createDb(env.DB), env, now + 60_000);
    expect((await sourceOf(ws.ownerCookie, source.id)).embedded_count).toBe(0);
    await embedDueSources(createDb(env.DB), env, now + 31 * 60_000);
    expect(await sourceOf(ws.ownerCookie, source.id)).toMatchObject({
      embedded_count: 1,
      embedding_error: null,
    });
  });

  it("embeds again with a new embedding model, and uses only the current model's vectors", async () => {
    const { ws, fake } = await aiWorkspace();
    const cookie = ws.ownerCookie;
    const source = await addSource(cookie, WARRANTY);
    await putAiSettings(cookie, { embedding_model: "text-embedding-3-large" });
    // until the vectors are made again, the old model's are not compared with the new one's
    expect(await search(cookie, "warranty")).toEqual([]);
    await embedDueSources(createDb(env.DB), env, Date.now());
    const [chunk] = await chunkRows(ws.id, source.id);
    expect(chunk?.embeddingModel).toBe("text-embedding-3-large");
    expect(await sourceOf(cookie, source.id)).toMatchObject({
      embedded_count: 1,
      embedding_model: "text-embedding-3-large",
    });
    expect((await search(cookie, "warranty"))[0]?.match).toBe("semantic");
    const models = (await fakeRequests(`${fake.path}/embeddings`)).map(
      (r) => JSON.parse(r.body ?? "{}").model,
    );
    expect(models).toContain("text-embedding-3-large");

    // a rename changes what the chunks are embedded as: made again at once
    const renamed = await api(`/api/v1/knowledge/sources/${source.id}`, {
      cookie,
      method: "PATCH",
      body: { title: "Guarantee" },
    });
    expect(await json<SourceDto>(renamed)).toMatchObject({ embedded_count: 1 });
    expect((await search(cookie, "guarantee"))[0]?.match).toBe("semantic");
    expect(await search(cookie, "warranty")).toEqual([]);
  });
});

async function sourceOf(cookie: string, id: string) {
  return json<SourceDto>(await api(`/api/v1/knowledge/sources/${id}`, { cookie }));
}
