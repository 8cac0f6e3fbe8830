import type { Db } from "../../lib/context";

/**
 * A Vectorize index for the knowledge base, when the deployment binds one as `KNOWLEDGE_VECTORS`
 * (cosine metric, the embedding model's dimensions: 256 for OpenAI's text-embedding-3). Each
 * workspace's chunks are a namespace of it, by chunk id. Without one (local runs and tests), the
 * worker compares the vectors stored on the chunks (see `semanticRanking`).
 */
export type VectorIndex = Pick<Vectorize, "query" | "upsert" | "deleteByIds">;

export const boundIndex = (env: Env): VectorIndex | null =>
  (env as Env & { KNOWLEDGE_VECTORS?: VectorIndex }).KNOWLEDGE_VECTORS ?? null;

/** Vectorize's cap on the ids of one upsert or delete. */
const WRITE_LIMIT = 1000;
/** Vectorize answers at most this many matches without their values or metadata. */
const MAX_TOP_K = 100;

/** Puts the chunks' unit vectors in the workspace's namespace (a chunk embedded again replaces its vector). */
export async function indexVectors(
  index: VectorIndex,
  workspaceId: string,
  rows: { id: string; vector: Float32Array }[],
) {
  for (let i = 0; i < rows.length; i += WRITE_LIMIT)
    await index.upsert(
      rows.slice(i, i + WRITE_LIMIT).map(({ id, vector }) => ({
        id,
        values: Array.from(vector),
        namespace: workspaceId,
      })),
    );
}

export async function dropVectors(index: VectorIndex, ids: string[]) {
  for (let i = 0; i < ids.length; i += WRITE_LIMIT)
    await index.deleteByIds(ids.slice(i, i + WRITE_LIMIT));
}

/**
 * The workspace's chunks nearest to the query's unit vector, best first, as far as they still
 * exist with a vector of `model`: a chunk deleted (or re-cut) since it was indexed is dropped
 * from the index as it turns up, and one of an older model is left until its re-embedding.
 */
export async function nearestChunks(
  db: Db,
  index: VectorIndex,
  workspaceId: string,
  query: { vector: Float32Array; model: string },
  limit: number,
) {
  const { matches } = await index.query(Array.from(query.vector), {
    topK: Math.min(MAX_TOP_K, limit * 2),
    namespace: workspaceId,
  });
  if (!matches.length) return [];
  const current = await currentChunks(
    db,
    workspaceId,
    query.model,
    matches.map((m) => m.id),
  );
  const gone = matches.filter((m) => current.get(m.id) === undefined).map((m) => m.id);
  if (gone.length) await dropVectors(index, gone);
  return matches
    .filter((m) => current.get(m.id) === true)
    .map((m) => ({ id: m.id, similarity: m.score }));
}

/** Of these chunk ids, the ones that exist, each saying whether its vector is of `model`. */
async function currentChunks(db: Db, workspaceId: string, model: string, ids: string[]) {
  const { results } = await db.$client
    .prepare(
      `SELECT id, embedding_model = ?3 AS current FROM knowledge_chunks
        WHERE workspace_id = ?1 AND id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(workspaceId, JSON.stringify(ids), model)
    .all<{ id: string; current: number | null }>();
  return new Map(results.map((row) => [row.id, row.current === 1]));
}
