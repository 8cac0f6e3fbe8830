import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../worker/db/client";
import { knowledgeChunks } from "../../worker/db/schema";
import { inWorkspace } from "../../worker/db/scope";
import { embedSourceChunks } from "../../worker/domain/knowledge/embeddings";
import { searchKnowledge } from "../../worker/domain/knowledge/search";
import { deleteSource, getSource } from "../../worker/domain/knowledge/sources";
import type { VectorIndex } from "../../worker/domain/knowledge/vector-index";
import { systemClock } from "../../worker/lib/clock";
import { systemPrincipal } from "../../worker/lib/context";
import { fakeOpenAi, putAiSettings } from "../ai/ai-helpers";
import { newWorkspace } from "../helpers";
import { addSource } from "./helpers";

/**
 * A Vectorize index kept in memory, answering as the binding does (cosine metric, namespaces,
 * `matches` best first): Vectorize itself only runs deployed.
 */
function memoryIndex({ failing = false } = {}) {
  const vectors = new Map<string, { namespace: string; values: number[] }>();
  const calls = { queries: 0 };
  const index: VectorIndex = {
    async upsert(rows) {
      for (const row of rows)
        vectors.set(row.id, { namespace: row.namespace ?? "", values: Array.from(row.values) });
      return { mutationId: crypto.randomUUID() };
    },
    async deleteByIds(ids) {
      for (const id of ids) vectors.delete(id);
      return { mutationId: crypto.randomUUID() };
    },
    async query(vector, options) {
      calls.queries++;
      if (failing) throw new Error("VECTOR_QUERY_ERROR (code = 40006): the index is down");
      const asked = Array.from(vector);
      const norm = (v: number[]) => Math.hypot(...v) || 1;
      const matches = [...vectors]
        .filter(([, v]) => v.namespace === (options?.namespace ?? ""))
        .map(([id, v]) => ({
          id,
          score:
            v.values.reduce((sum, x, i) => sum + x * (asked[i] ?? 0), 0) /
            (norm(v.values) * norm(asked)),
        }))
        .sort((a, b) => b.score - a.score)
        .slice(0, options?.topK ?? 5);
      return { matches, count: matches.length };
    },
  };
  return { index, vectors, calls };
}

const WARRANTY = { kind: "text", title: "Warranty", text: "Frames: two years. Parts: one year." };
const SHIPPING = { kind: "text", title: "Shipping", text: "Parcels leave within two days." };

/** A workspace with AI on and two sources, their chunks embedded again into `index`. */
async function indexedWorkspace(index: VectorIndex) {
  const ws = await newWorkspace();
  await putAiSettings(ws.ownerCookie, {
    enabled: true,
    base_url: fakeOpenAi().baseUrl,
    api_key: "sk-test-vectors-1234",
  });
  const db = createDb(env.DB);
  const withIndex = { ...env, KNOWLEDGE_VECTORS: index } as Env;
  const sources = [];
  for (const body of [WARRANTY, SHIPPING]) {
    const added = await addSource(ws.ownerCookie, body);
    await db
      .update(knowledgeChunks)
      .set({ embeddingModel: null })
      .where(inWorkspace(knowledgeChunks, ws.id, eq(knowledgeChunks.sourceId, added.id)));
    const row = await getSource(db, ws.id, added.id);
    sources.push(await embedSourceChunks(db, withIndex, row, Date.now()));
  }
  const searching = { env: withIndex, clock: systemClock };
  const find = (q: string) => searchKnowledge(db, ws.id, q, 5, searching);
  return { ws, db, withIndex, sources, find };
}

describe("a Vectorize index bound as KNOWLEDGE_VECTORS", () => {
  it("holds each embedded chunk in the workspace's namespace and answers searches by meaning", async () => {
    const memory = memoryIndex();
    const { ws, db, sources, find } = await indexedWorkspace(memory.index);
    const chunks = await db
      .select({ id: knowledgeChunks.id })
      .from(knowledgeChunks)
      .where(inWorkspace(knowledgeChunks, ws.id));
    expect([...memory.vectors.keys()].sort()).toEqual(chunks.map((c) => c.id).sort());
    expect([...memory.vectors.values()].every((v) => v.namespace === ws.id)).toBe(true);
    expect([...memory.vectors.values()][0]?.values).toHaveLength(256);

    // the worker's own copies are gone: only the index can find "warranty" (a title word)
    await db
      .update(knowledgeChunks)
      .set({ embedding: null })
      .where(inWorkspace(knowledgeChunks, ws.id));
    const [hit, ...rest] = await find("warranty");
    expect(hit).toMatchObject({ match: "semantic", source: { id: sources[0]?.id } });
    expect(rest).toEqual([]);
    expect(memory.calls.queries).toBe(1);
  });

  it("lets go of a deleted source's vectors, and of any vector whose chunk is gone", async () => {
    const memory = memoryIndex();
    const { ws, db, withIndex, sources, find } = await indexedWorkspace(memory.index);
    const [warranty, shipping] = sources;
    await deleteSource(db, withIndex, systemPrincipal(ws.id), warranty?.id ?? "", Date.now());
    const left = await db
      .select({ id: knowledgeChunks.id })
      .from(knowledgeChunks)
      .where(inWorkspace(knowledgeChunks, ws.id));
    expect([...memory.vectors.keys()]).toEqual(left.map((c) => c.id));

    // a vector the index kept of a chunk cut away since: found, not answered, and dropped
    const kept = memory.vectors.get(left[0]?.id ?? "");
    memory.vectors.set("knc_cut_away", { namespace: ws.id, values: kept?.values ?? [] });
    const hits = await find("parcels");
    expect(hits.map((h) => h.source.id)).toEqual([shipping?.id]);
    expect(memory.vectors.has("knc_cut_away")).toBe(false);
  });

  it("a failing index leaves search comparing the stored vectors in the worker", async () => {
    const memory = memoryIndex({ failing: true });
    const { sources, find } = await indexedWorkspace(memory.index);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const [hit] = await find("warranty");
    const said = logged.mock.calls.map(([first]) => String(first));
    logged.mockRestore();
    expect(said).toEqual(["the knowledge vector index failed; comparing here"]);
    expect(memory.calls.queries).toBe(1);
    expect(hit).toMatchObject({ match: "semantic", source: { id: sources[0]?.id } });
  });
});
