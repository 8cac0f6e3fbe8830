import { and, eq, isNotNull, lte } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { aiSettings, knowledgeSources } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { embedSourceChunks } from "./embeddings";

/** Sources one cron tick embeds at most, and chunks of each: a few provider calls per source. */
const PER_TICK = 3;
const CHUNKS_PER_TICK = 512;
/** How long a tick holds a source it embeds; a tick that died lets another take it after this. */
const EMBED_LEASE_MS = 10 * 60_000;

async function claim(db: Db, source: { id: string; workspaceId: string }, now: number) {
  const [row] = await db
    .update(knowledgeSources)
    .set({ embedAt: now + EMBED_LEASE_MS })
    .where(
      inWorkspace(
        knowledgeSources,
        source.workspaceId,
        eq(knowledgeSources.id, source.id),
        lte(knowledgeSources.embedAt, now),
      ),
    )
    .returning();
  return row;
}

/**
 * The cron's job: embeds the chunks still without a vector (indexed while AI was off or
 * failing, past what a request embeds, or after the embedding model changed), a few sources
 * per tick, in workspaces whose AI is on.
 */
export async function embedDueSources(db: Db, env: Env, now: number) {
  const due = await acrossWorkspaces(db)
    .select({ id: knowledgeSources.id, workspaceId: knowledgeSources.workspaceId })
    .from(knowledgeSources)
    .innerJoin(aiSettings, eq(aiSettings.workspaceId, knowledgeSources.workspaceId))
    .where(
      and(
        lte(knowledgeSources.embedAt, now),
        eq(aiSettings.enabled, true),
        isNotNull(aiSettings.apiKey),
      ),
    )
    .orderBy(knowledgeSources.embedAt)
    .limit(PER_TICK);
  for (const source of due) {
    const row = await claim(db, source, now);
    if (row) await embedSourceChunks(db, env, row, now, CHUNKS_PER_TICK);
  }
}
