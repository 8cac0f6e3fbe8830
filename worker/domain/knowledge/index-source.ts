import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { writeTogether } from "../../db/client";
import { knowledgeChunks, knowledgeSources } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { sha256Hex } from "../../lib/crypto";
import { newId } from "../../lib/ids";
import { type Chunk, chunkMarkdown, qaChunk } from "./chunking";
import { CrawlFailed, crawlPage } from "./crawl";
import { embedSourceChunks } from "./embeddings";

export type SourceRow = typeof knowledgeSources.$inferSelect;

/** A source cut into more chunks than this is refused: split it, or link smaller pages. */
export const MAX_CHUNKS = 2000;
const HOUR_MS = 3_600_000;

/** The chunks a source's own text or pairs make. */
export const chunksOf = (source: Pick<SourceRow, "content" | "pairs">): Chunk[] =>
  source.pairs ? source.pairs.map(qaChunk) : chunkMarkdown(source.content ?? "");

export const hashOf = (source: Pick<SourceRow, "content" | "pairs">) =>
  sha256Hex(source.pairs ? JSON.stringify(source.pairs) : (source.content ?? ""));

/** The most chunk text one insert carries (as one JSON parameter, well within D1's 2 MB). */
const INSERT_JSON_CHARS = 400_000;

type ChunkRow = { id: string; position: number; heading: string | null; text: string };

/** Rows grouped so each group's JSON stays within `INSERT_JSON_CHARS`. */
function jsonGroups(rows: ChunkRow[]): string[] {
  const groups: ChunkRow[][] = [[]];
  let size = 0;
  for (const row of rows) {
    const length = row.text.length + (row.heading?.length ?? 0) + 80;
    if (size + length > INSERT_JSON_CHARS && groups.at(-1)?.length) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)?.push(row);
    size += length;
  }
  return groups.filter((g) => g.length > 0).map((g) => JSON.stringify(g));
}

/**
 * The writes that replace the source's chunks with these, in one batch with whatever else is
 * written with them: the old chunks go (and leave the search index) as the new ones come.
 * Chunks go in as JSON, hundreds per statement: a long page is a handful of statements, not
 * one per dozen rows.
 */
export function chunkWrites(
  db: Db,
  source: Pick<SourceRow, "id" | "workspaceId">,
  chunks: Chunk[],
  now: number,
): BatchItem<"sqlite">[] {
  const rows = chunks.map((chunk, position) => ({
    id: newId("knc", now),
    position,
    heading: chunk.heading,
    text: chunk.text,
  }));
  return [
    db
      .delete(knowledgeChunks)
      .where(
        inWorkspace(knowledgeChunks, source.workspaceId, eq(knowledgeChunks.sourceId, source.id)),
      ),
    // every column in table order, as an insert from a select names them all
    ...jsonGroups(rows).map((json) =>
      db.insert(knowledgeChunks).select(
        sql`SELECT value ->> '$.id', ${source.workspaceId}, ${source.id}, value ->> '$.position',
                   value ->> '$.heading', value ->> '$.text', NULL, NULL, ${now}
              FROM json_each(${json})`,
      ),
    ),
  ];
}

const sourceKey = (source: Pick<SourceRow, "id" | "workspaceId">) =>
  inWorkspace(knowledgeSources, source.workspaceId, eq(knowledgeSources.id, source.id));

/** Saves `values` on the source and answers the row as it now is. */
async function setSource(db: Db, source: SourceRow, values: Partial<SourceRow>) {
  const [row] = await db.update(knowledgeSources).set(values).where(sourceKey(source)).returning();
  return row ?? { ...source, ...values };
}

/** When the cron crawls a URL source next, after a crawl at `now`. */
const nextCrawl = (source: Pick<SourceRow, "recrawlHours">, now: number) =>
  source.recrawlHours ? now + source.recrawlHours * HOUR_MS : null;

/**
 * Fetches a URL source's page and indexes its text, then embeds the chunks still without a
 * vector: the same text as last time keeps its chunks; a page that cannot be read marks the
 * source failed with the reason (its last chunks stay searchable). `adoptTitle`: the page's
 * own title becomes the source's.
 */
export async function crawlSource(
  db: Db,
  env: Env,
  source: SourceRow,
  now: number,
  options: { adoptTitle?: boolean } = {},
): Promise<SourceRow> {
  const crawled = await crawlAndIndex(db, env, source, now, options);
  return crawled.status === "ready" ? embedSourceChunks(db, env, crawled, now) : crawled;
}

async function crawlAndIndex(
  db: Db,
  env: Env,
  source: SourceRow,
  now: number,
  { adoptTitle = false } = {},
): Promise<SourceRow> {
  const crawled = { crawledAt: now, nextCrawlAt: nextCrawl(source, now), updatedAt: now };
  try {
    const page = await crawlPage(env, source.url ?? "");
    const hash = await sha256Hex(page.text);
    const title = adoptTitle && page.title ? { title: page.title.slice(0, 200) } : {};
    const ready = { ...crawled, ...title, status: "ready" as const, error: null };
    if (hash === source.contentHash) return await setSource(db, source, ready);
    const chunks = chunkMarkdown(page.text);
    if (chunks.length > MAX_CHUNKS)
      throw new CrawlFailed(`the page makes more than ${MAX_CHUNKS} chunks`);
    const values = { ...ready, contentHash: hash, chunkCount: chunks.length };
    await writeTogether(db, [
      ...chunkWrites(db, source, chunks, now),
      db.update(knowledgeSources).set(values).where(sourceKey(source)),
    ]);
    return { ...source, ...values };
  } catch (error) {
    if (!(error instanceof CrawlFailed)) throw error;
    return setSource(db, source, { ...crawled, status: "failed", error: error.message });
  }
}
