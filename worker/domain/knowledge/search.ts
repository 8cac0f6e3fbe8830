import type { KnowledgeKind } from "../../db/schema";
import type { Db } from "../../lib/context";

/** A query's words past this many are ignored: a customer's whole message may be the query. */
const MAX_TERMS = 32;

/**
 * Customer text as an FTS5 query that cannot be a syntax error: each word (letters and digits,
 * accents folded) a quoted prefix term, any of them matching, bm25 ranking those with more and
 * rarer words first. Operators, quotes, parentheses and control characters are only separators.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 || /\p{N}/u.test(word));
  const unique = [...new Set(words)].slice(0, MAX_TERMS);
  return unique.length ? unique.map((word) => `"${word}"*`).join(" OR ") : null;
}

export type KnowledgeHit = {
  chunk_id: string;
  heading: string | null;
  text: string;
  position: number;
  score: number;
  source: { id: string; kind: KnowledgeKind; title: string; url: string | null };
};

type Row = {
  id: string;
  heading: string | null;
  text: string;
  position: number;
  rank: number;
  source_id: string;
  kind: KnowledgeKind;
  title: string;
  url: string | null;
};

/**
 * The workspace's chunks that best match the query, best first (bm25, a heading's words
 * weighing twice a body's), each with its source for a citation.
 */
export async function searchKnowledge(
  db: Db,
  workspaceId: string,
  query: string,
  limit = 5,
): Promise<KnowledgeHit[]> {
  const match = ftsQuery(query);
  if (!match) return [];
  const { results } = await db.$client
    .prepare(
      `SELECT c.id, c.heading, c.text, c.position, s.id AS source_id, s.kind, s.title, s.url,
              bm25(knowledge_chunks_fts, 2.0, 1.0) AS rank
         FROM knowledge_chunks_fts
         JOIN knowledge_chunks c ON c.rowid = knowledge_chunks_fts.rowid
         JOIN knowledge_sources s ON s.id = c.source_id AND s.workspace_id = c.workspace_id
        WHERE knowledge_chunks_fts MATCH ?1 AND c.workspace_id = ?2
        ORDER BY rank
        LIMIT ?3`,
    )
    .bind(match, workspaceId, limit)
    .all<Row>();
  return results.map((r) => ({
    chunk_id: r.id,
    heading: r.heading,
    text: r.text,
    position: r.position,
    score: Math.round(-r.rank * 1000) / 1000,
    source: { id: r.source_id, kind: r.kind, title: r.title, url: r.url },
  }));
}
