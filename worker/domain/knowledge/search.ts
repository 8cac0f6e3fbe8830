import type { KnowledgeKind } from "../../db/schema";
import type { Db } from "../../lib/context";
import { type SemanticSearch, semanticRanking } from "./semantic";

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

export type MatchKind = "keyword" | "semantic" | "both";

export type KnowledgeHit = {
  chunk_id: string;
  heading: string | null;
  text: string;
  position: number;
  /** Reciprocal rank fusion of the keyword and meaning rankings; higher is better. */
  score: number;
  match: MatchKind;
  /** bm25 of the words, when they matched; higher is better. */
  keyword_score: number | null;
  /** Cosine similarity of the meaning, when it matched. */
  similarity: number | null;
  source: { id: string; kind: KnowledgeKind; title: string; url: string | null };
};

type Row = {
  id: string;
  heading: string | null;
  text: string;
  position: number;
  source_id: string;
  kind: KnowledgeKind;
  title: string;
  url: string | null;
};

const CHUNK_COLUMNS = `c.id, c.heading, c.text, c.position, s.id AS source_id, s.kind, s.title, s.url`;

/** Each ranking offers this many candidates (at least) to the fusion. */
const MIN_CANDIDATES = 20;
/** Reciprocal rank fusion's constant (the usual 60): the top few ranks weigh little more than the next. */
const RRF_K = 60;

/** The chunks whose words match, best first (bm25, a heading's words weighing twice a body's). */
async function keywordRanking(db: Db, workspaceId: string, query: string, limit: number) {
  const match = ftsQuery(query);
  if (!match) return [];
  const { results } = await db.$client
    .prepare(
      `SELECT ${CHUNK_COLUMNS}, bm25(knowledge_chunks_fts, 2.0, 1.0) AS rank
         FROM knowledge_chunks_fts
         JOIN knowledge_chunks c ON c.rowid = knowledge_chunks_fts.rowid
         JOIN knowledge_sources s ON s.id = c.source_id AND s.workspace_id = c.workspace_id
        WHERE knowledge_chunks_fts MATCH ?1 AND c.workspace_id = ?2
        ORDER BY rank
        LIMIT ?3`,
    )
    .bind(match, workspaceId, limit)
    .all<Row & { rank: number }>();
  return results.map(({ rank, ...row }) => ({ row, score: round(-rank) }));
}

async function chunksById(db: Db, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, Row>();
  const { results } = await db.$client
    .prepare(
      `SELECT ${CHUNK_COLUMNS}
         FROM knowledge_chunks c
         JOIN knowledge_sources s ON s.id = c.source_id AND s.workspace_id = c.workspace_id
        WHERE c.workspace_id = ?1 AND c.id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(workspaceId, JSON.stringify(ids))
    .all<Row>();
  return new Map(results.map((row) => [row.id, row]));
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The workspace's chunks that best match the query, best first, each with its source for a
 * citation and how it matched. Words are matched with FTS5 (bm25); with `semantic` given and
 * the workspace's AI on, the query's meaning is compared with the chunks' vectors too, and the
 * two rankings fused (reciprocal rank fusion). The query's embedding failing (AI off, budget
 * reached, provider down) leaves the words alone to find.
 */
export async function searchKnowledge(
  db: Db,
  workspaceId: string,
  query: string,
  limit = 5,
  semantic?: SemanticSearch,
): Promise<KnowledgeHit[]> {
  const candidates = Math.max(limit * 2, MIN_CANDIDATES);
  const [keyword, meaning] = await Promise.all([
    keywordRanking(db, workspaceId, query, candidates),
    semantic ? semanticRanking(db, workspaceId, query, candidates, semantic) : [],
  ]);
  const best = fuse(keyword, meaning).slice(0, limit);
  const rows = new Map(keyword.map(({ row }) => [row.id, row]));
  const more = await chunksById(
    db,
    workspaceId,
    best.map(([id]) => id).filter((id) => !rows.has(id)),
  );
  return best.flatMap(([id, hit]) => {
    const row = rows.get(id) ?? more.get(id);
    return row ? [toHit(row, hit)] : [];
  });
}

type Fused = { score: number; keyword?: number; similarity?: number };

/** Reciprocal rank fusion: each ranking adds 1 / (RRF_K + rank) to a chunk, rank 1 the best. */
function fuse(
  keyword: { row: Row; score: number }[],
  meaning: { id: string; similarity: number }[],
): [string, Fused][] {
  const fused = new Map<string, Fused>();
  const add = (id: string, rank: number, found: Omit<Fused, "score">) => {
    const hit = fused.get(id) ?? { score: 0 };
    fused.set(id, { ...hit, ...found, score: hit.score + 1 / (RRF_K + rank + 1) });
  };
  for (const [rank, { row, score }] of keyword.entries()) add(row.id, rank, { keyword: score });
  for (const [rank, { id, similarity }] of meaning.entries()) add(id, rank, { similarity });
  return [...fused.entries()].sort((a, b) => b[1].score - a[1].score);
}

function toHit(row: Row, hit: Fused) {
  const byWords = hit.keyword !== undefined;
  const byMeaning = hit.similarity !== undefined;
  return {
    chunk_id: row.id,
    heading: row.heading,
    text: row.text,
    position: row.position,
    score: round(hit.score, 6),
    match: byWords && byMeaning ? "both" : byWords ? "keyword" : "semantic",
    keyword_score: hit.keyword ?? null,
    similarity: hit.similarity ?? null,
    source: { id: row.source_id, kind: row.kind, title: row.title, url: row.url },
  } satisfies KnowledgeHit;
}
