import { and, asc, eq, lte } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { knowledgeSources } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { crawlSource } from "./index-source";

/** Sources one cron tick crawls at most: each is a page fetch of up to 15 seconds. */
const PER_TICK = 3;
/** How long a tick holds a source it crawls; a tick that died lets another take it after this. */
const CRAWL_LEASE_MS = 10 * 60_000;

/**
 * Takes a due source for crawling, as one statement: its `next_crawl_at` moves past the
 * lease, so a second tick racing this one finds it not due and leaves it.
 */
async function claim(db: Db, source: { id: string; workspaceId: string }, now: number) {
  const [row] = await db
    .update(knowledgeSources)
    .set({ nextCrawlAt: now + CRAWL_LEASE_MS })
    .where(
      inWorkspace(
        knowledgeSources,
        source.workspaceId,
        eq(knowledgeSources.id, source.id),
        lte(knowledgeSources.nextCrawlAt, now),
      ),
    )
    .returning();
  return row;
}

/** The cron's job: re-crawls the URL sources whose time has come, a few per tick, oldest due first. */
export async function recrawlDueSources(db: Db, env: Env, now: number) {
  const due = await acrossWorkspaces(db)
    .select({ id: knowledgeSources.id, workspaceId: knowledgeSources.workspaceId })
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.kind, "url"), lte(knowledgeSources.nextCrawlAt, now)))
    .orderBy(asc(knowledgeSources.nextCrawlAt))
    .limit(PER_TICK);
  for (const source of due) {
    const row = await claim(db, source, now);
    if (row) await crawlSource(db, env, row, now);
  }
}
