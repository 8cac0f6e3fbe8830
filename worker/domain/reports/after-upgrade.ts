import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { reportRebuilds, workspaces } from "../../db/schema";
import type { Db } from "../../lib/context";
import { REPORTS_VERSION, rebuildRollups } from "./rebuild";

const RETRY_AFTER_MS = 10 * 60_000;

/**
 * The minute's cron rebuilds one workspace whose counters are behind the counting rules (new, or
 * from before an upgrade). A workspace is taken by marking the attempt, so two ticks do not both
 * take it and one that fails is tried again ten minutes later, after the others.
 */
export async function rebuildOutdatedReports(db: Db, _env: Env, now: number) {
  const all = acrossWorkspaces(db);
  const [behind] = await all
    .select({ id: workspaces.id })
    .from(workspaces)
    .leftJoin(reportRebuilds, eq(reportRebuilds.workspaceId, workspaces.id))
    .where(
      or(
        isNull(reportRebuilds.workspaceId),
        and(
          lt(reportRebuilds.version, REPORTS_VERSION),
          lt(reportRebuilds.rebuiltAt, now - RETRY_AFTER_MS),
        ),
      ),
    )
    .orderBy(asc(sql`coalesce(${reportRebuilds.rebuiltAt}, 0)`), asc(workspaces.id))
    .limit(1);
  if (!behind) return null;
  const taken = await all
    .insert(reportRebuilds)
    .values({ workspaceId: behind.id, version: 0, rebuiltAt: now })
    .onConflictDoUpdate({
      target: reportRebuilds.workspaceId,
      set: { rebuiltAt: now },
      setWhere: and(
        lt(reportRebuilds.version, REPORTS_VERSION),
        lt(reportRebuilds.rebuiltAt, now - RETRY_AFTER_MS),
      ),
    })
    .returning({ workspaceId: reportRebuilds.workspaceId });
  if (taken.length === 0) return null;
  return { workspaceId: behind.id, ...(await rebuildRollups(db, behind.id, false, now)) };
}
