import type { Clock } from "../../lib/clock";
import type { Db } from "../../lib/context";
import { AiUnavailable, embed } from "../ai/provider";
import { aiSettingsRow } from "../ai/settings";
import { dimensionsFor } from "./embeddings";
import { boundIndex, nearestChunks } from "./vector-index";
import { cosine, decodeVector, unitVector } from "./vectors";

/** What a search by meaning needs to embed the query; the conversation's AI budget applies. */
export type SemanticSearch = { env: Env; clock: Clock; conversationId?: string | null };

/**
 * "Small" knowledge base: the vectors compared in the worker per search. 3,000 chunks (about
 * 4 MB of base64 read, under a million multiplications) is a few hundred pages of help
 * articles; a larger base is compared over its first 3,000 embedded chunks only, unless the
 * deployment binds a Vectorize index (see `vector-index.ts`), which searches them all.
 */
const MAX_VECTORS = 3000;
/** Below this cosine similarity a chunk is not taken as matching the query's meaning. */
const MIN_SIMILARITY = 0.2;

async function storedVectors(db: Db, workspaceId: string, model: string) {
  const { results } = await db.$client
    .prepare(
      `SELECT id, embedding FROM knowledge_chunks
        WHERE workspace_id = ?1 AND embedding_model = ?2 AND embedding IS NOT NULL
        LIMIT ?3`,
    )
    .bind(workspaceId, model, MAX_VECTORS)
    .all<{ id: string; embedding: string }>();
  return results;
}

async function anyEmbedded(db: Db, workspaceId: string, model: string) {
  const row = await db.$client
    .prepare(
      "SELECT 1 AS found FROM knowledge_chunks WHERE workspace_id = ?1 AND embedding_model = ?2 LIMIT 1",
    )
    .bind(workspaceId, model)
    .first<{ found: number }>();
  return row !== null;
}

/** The query's unit vector by the workspace's model; null when AI cannot answer now. */
async function queryVector(
  workspaceId: string,
  query: string,
  model: string,
  { env, clock, conversationId = null, db }: SemanticSearch & { db: Db },
) {
  try {
    const call = { db, env, clock, workspaceId, feature: "embedding" as const, conversationId };
    const [vector] = await embed(call, [query], dimensionsFor(model));
    return unitVector(vector ?? []);
  } catch (error) {
    if (error instanceof AiUnavailable) return null;
    throw error;
  }
}

type Stored = Awaited<ReturnType<typeof storedVectors>>;

/** Each stored vector's similarity to the query, compared here. */
const comparedHere = (stored: Stored, asked: Float32Array) =>
  stored.map(({ id, embedding }) => ({ id, similarity: cosine(asked, decodeVector(embedding)) }));

/**
 * The chunks closest in meaning to the query, best first: its embedding (the workspace's
 * current model) against the chunks' vectors of the same model, in the deployment's Vectorize
 * index when one is bound (and answers), else here. Nothing when AI is off, no chunk is
 * embedded, or the query cannot be embedded.
 */
export async function semanticRanking(
  db: Db,
  workspaceId: string,
  query: string,
  limit: number,
  search: SemanticSearch,
) {
  const settings = await aiSettingsRow(db, workspaceId);
  if (!settings.enabled) return [];
  const model = settings.embeddingModel;
  const index = boundIndex(search.env);
  // without an index the vectors are read once: none spares the query's embedding call
  const stored = index ? null : await storedVectors(db, workspaceId, model);
  if (stored ? stored.length === 0 : !(await anyEmbedded(db, workspaceId, model))) return [];
  const asked = await queryVector(workspaceId, query, model, { ...search, db });
  if (!asked) return [];
  const fromIndex = index
    ? await nearestChunks(db, index, workspaceId, { vector: asked, model }, limit).catch(
        (error: unknown) => {
          console.error("the knowledge vector index failed; comparing here", error);
          return null;
        },
      )
    : null;
  const ranked =
    fromIndex ?? comparedHere(stored ?? (await storedVectors(db, workspaceId, model)), asked);
  return ranked
    .filter((hit) => hit.similarity >= MIN_SIMILARITY)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, limit)
    .map((hit) => ({ ...hit, similarity: Math.round(hit.similarity * 1000) / 1000 }));
}
