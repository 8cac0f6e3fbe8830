import { asc, count, eq, isNull, ne, or, type SQL } from "drizzle-orm";
import { knowledgeChunks, knowledgeSources } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { AiUnavailable, embed } from "../ai/provider";
import { aiSettingsRow } from "../ai/settings";
import type { SourceRow } from "./index-source";
import { boundIndex, indexVectors } from "./vector-index";
import { encodeVector, unitVector } from "./vectors";

/** Chunks sent to the provider in one request (~200 tokens each, well within its limits). */
const EMBED_BATCH = 64;
/** Chunks a request that indexes a source embeds before it answers; the cron does the rest. */
export const INLINE_EMBED_CHUNKS = 256;
/** How long the cron leaves a source whose embedding failed (budget, provider) before trying again. */
const RETRY_MS = 30 * 60_000;

/** Vectors of this many dimensions when the model can shorten them (OpenAI's text-embedding-3). */
const DIMENSIONS = 256;
export const dimensionsFor = (model: string) =>
  /^text-embedding-3-/.test(model) ? { dimensions: DIMENSIONS } : {};

/** What a chunk is embedded as: its source's title and heading give the text its context. */
const embeddedText = (title: string, chunk: { heading: string | null; text: string }) =>
  [title, chunk.heading, chunk.text].filter(Boolean).join("\n");

const sourceChunks = (source: Pick<SourceRow, "id" | "workspaceId">, condition: SQL | undefined) =>
  inWorkspace(
    knowledgeChunks,
    source.workspaceId,
    eq(knowledgeChunks.sourceId, source.id),
    condition,
  );

/** Stores each chunk's vector with the model that made it, in one statement. */
async function storeVectors(db: Db, workspaceId: string, model: string, rows: unknown[]) {
  await db.$client
    .prepare(
      `UPDATE knowledge_chunks SET embedding = j.value ->> '$.vector', embedding_model = ?1
         FROM json_each(?2) AS j
        WHERE knowledge_chunks.id = j.value ->> '$.id' AND knowledge_chunks.workspace_id = ?3`,
    )
    .bind(model, JSON.stringify(rows), workspaceId)
    .run();
}

/**
 * The vectors go to the deployment's Vectorize index too, when one is bound. An index that
 * refuses them (down, or of other dimensions than the model's) leaves search comparing the
 * stored vectors in the worker; it never fails indexing.
 */
async function intoIndex(
  env: Env,
  workspaceId: string,
  rows: { id: string; vector: Float32Array }[],
) {
  const index = boundIndex(env);
  if (!index) return;
  await indexVectors(index, workspaceId, rows).catch((error: unknown) =>
    console.error("the knowledge vector index refused vectors", error),
  );
}

/**
 * Embeds up to `limit` of the source's chunks that have no vector of the workspace's embedding
 * model, in batches, and records on the source how many are embedded and why not all are. AI
 * off or failing never fails indexing: the chunks stay found by their keywords, and the cron
 * (`embedDueSources`) tries again later.
 */
export async function embedSourceChunks(
  db: Db,
  env: Env,
  source: SourceRow,
  now: number,
  limit = INLINE_EMBED_CHUNKS,
): Promise<SourceRow> {
  const model = (await aiSettingsRow(db, source.workspaceId)).embeddingModel;
  const missing = await db
    .select({
      id: knowledgeChunks.id,
      heading: knowledgeChunks.heading,
      text: knowledgeChunks.text,
    })
    .from(knowledgeChunks)
    .where(
      sourceChunks(
        source,
        or(isNull(knowledgeChunks.embeddingModel), ne(knowledgeChunks.embeddingModel, model)),
      ),
    )
    .orderBy(asc(knowledgeChunks.position))
    .limit(limit);
  const call = {
    db,
    env,
    clock: { now: () => now },
    workspaceId: source.workspaceId,
    feature: "embedding" as const,
  };
  let failure: AiUnavailable | null = null;
  for (let start = 0; start < missing.length && !failure; start += EMBED_BATCH) {
    const batch = missing.slice(start, start + EMBED_BATCH);
    try {
      const texts = batch.map((chunk) => embeddedText(source.title, chunk));
      const vectors = await embed(call, texts, dimensionsFor(model));
      const units = batch.map((chunk, i) => ({
        id: chunk.id,
        vector: unitVector(vectors[i] ?? []),
      }));
      const rows = units.map(({ id, vector }) => ({ id, vector: encodeVector(vector) }));
      await storeVectors(db, source.workspaceId, model, rows);
      await intoIndex(env, source.workspaceId, units);
    } catch (error) {
      if (!(error instanceof AiUnavailable)) throw error;
      failure = error;
    }
  }
  return recordEmbedded(db, source, model, failure, now);
}

/** Saves on the source how many of its chunks have a vector of `model`, and when to go on. */
async function recordEmbedded(
  db: Db,
  source: SourceRow,
  model: string,
  failure: AiUnavailable | null,
  now: number,
) {
  const [counted] = await db
    .select({ embedded: count() })
    .from(knowledgeChunks)
    .where(sourceChunks(source, eq(knowledgeChunks.embeddingModel, model)));
  const embedded = counted?.embedded ?? 0;
  const done = embedded >= source.chunkCount;
  // AI off: the cron takes it up as soon as AI is on; a failing provider is left alone a while
  const later = failure && failure.reason !== "not_configured" ? now + RETRY_MS : now;
  const values = {
    embeddedCount: embedded,
    embeddingModel: model,
    embeddingError: done ? null : (failure?.message ?? null),
    embedAt: done ? null : later,
  };
  await db
    .update(knowledgeSources)
    .set(values)
    .where(inWorkspace(knowledgeSources, source.workspaceId, eq(knowledgeSources.id, source.id)));
  return { ...source, ...values };
}

/** After the workspace's embedding model changed: every source is embedded again by the cron. */
export async function reembedWorkspace(db: Db, workspaceId: string, now: number) {
  await db
    .update(knowledgeSources)
    .set({ embedAt: now })
    .where(inWorkspace(knowledgeSources, workspaceId));
}
