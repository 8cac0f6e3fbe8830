import type { Clock } from "../../lib/clock";
import type { Db } from "../../lib/context";
import { AiUnavailable, embed } from "../ai/provider";
import { aiSettingsRow } from "../ai/settings";
import { dimensionsFor } from "./embeddings";
import { cosine, decodeVector, unitVector } from "./vectors";

/** What a search by meaning needs to embed the query; the conversation's AI budget applies. */
export type SemanticSearch = { env: Env; clock: Clock; conversationId?: string | null };

/**
 * "Small" knowledge base: the vectors compared in the worker per search. 3,000 chunks (about
 * 4 MB of base64 read, under a million multiplications) is a few hundred pages of help
 * articles; a larger base is compared over its first 3,000 embedded chunks only, and a vector
 * index (Vectorize) would be the way past it.
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

/**
 * The chunks closest in meaning to the query, best first: its embedding (the workspace's
 * current model) against the chunks' vectors of the same model. Nothing when AI is off, no
 * chunk is embedded, or the query cannot be embedded.
 */
export async function semanticRanking(
  db: Db,
  workspaceId: string,
  query: string,
  limit: number,
  { env, clock, conversationId = null }: SemanticSearch,
) {
  const settings = await aiSettingsRow(db, workspaceId);
  if (!settings.enabled) return [];
  const stored = await storedVectors(db, workspaceId, settings.embeddingModel);
  if (stored.length === 0) return [];
  let asked: Float32Array;
  try {
    const call = { db, env, clock, workspaceId, feature: "embedding" as const, conversationId };
    const [vector] = await embed(call, [query], dimensionsFor(settings.embeddingModel));
    asked = unitVector(vector ?? []);
  } catch (error) {
    if (error instanceof AiUnavailable) return [];
    throw error;
  }
  return stored
    .map(({ id, embedding }) => ({ id, similarity: cosine(asked, decodeVector(embedding)) }))
    .filter((hit) => hit.similarity >= MIN_SIMILARITY)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, limit)
    .map((hit) => ({ ...hit, similarity: Math.round(hit.similarity * 1000) / 1000 }));
}
