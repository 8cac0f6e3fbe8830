import { inArray, lt } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { aiCalls } from "../../db/schema";
import type { Db } from "../../lib/context";

/** How long stored AI calls are kept. */
export const AI_CALL_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Rows one pass deletes, so a pass stays short. */
const PRUNE_BATCH = 500;

/** Deletes stored AI calls older than the retention window, a batch a minute, every workspace. */
export async function pruneAiCalls(db: Db, _env: Env, now: number) {
  const all = acrossWorkspaces(db);
  const old = all
    .select({ id: aiCalls.id })
    .from(aiCalls)
    .where(lt(aiCalls.at, now - AI_CALL_RETENTION_MS))
    .limit(PRUNE_BATCH);
  await all.delete(aiCalls).where(inArray(aiCalls.id, old));
}
