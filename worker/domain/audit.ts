import { and, desc, eq, lt, or } from "drizzle-orm";
import { auditLog } from "../db/schema";
import { inWorkspace } from "../db/scope";
import type { Db, Principal } from "../lib/context";
import { newId } from "../lib/ids";
import { toIso } from "../schemas/common";

/** Records an administrative action with who did it and what changed (never secrets). */
export async function audit(
  db: Db,
  principal: Principal,
  action: string,
  target: { type: string; id: string | null },
  changes: Record<string, unknown> = {},
  now = Date.now(),
) {
  await db.insert(auditLog).values({
    id: newId("aud", now),
    workspaceId: principal.workspaceId,
    actorType:
      principal.via === "api_key" ? "api_key" : principal.via === "system" ? "system" : "user",
    actorId: principal.via === "api_key" ? principal.apiKeyId : principal.userId,
    action,
    targetType: target.type,
    targetId: target.id,
    changes,
    createdAt: now,
  });
}

/** Records the same action on each of `targets` (one row each, in order), with what changed for each. */
export async function auditEach<T extends { id: string }>(
  db: Db,
  principal: Principal,
  action: string,
  targetType: string,
  targets: readonly T[],
  now: number,
  changesOf: (target: T) => Record<string, unknown>,
) {
  for (const target of targets) {
    await audit(db, principal, action, { type: targetType, id: target.id }, changesOf(target), now);
  }
}

type AuditRow = typeof auditLog.$inferSelect;

export const toAuditDto = (row: AuditRow) => ({
  id: row.id,
  actor: { type: row.actorType, id: row.actorId },
  action: row.action,
  target: { type: row.targetType, id: row.targetId },
  changes: row.changes,
  created_at: toIso(row.createdAt),
});

/** Newest first, by cursor `<created_at>.<id>`. */
export async function listAudit(db: Db, workspaceId: string, limit: number, cursor?: string) {
  const [at, id] = cursor
    ? [Number(cursor.split(".")[0]), cursor.split(".").slice(1).join(".")]
    : [];
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      inWorkspace(
        auditLog,
        workspaceId,
        at !== undefined && id !== undefined
          ? or(lt(auditLog.createdAt, at), and(eq(auditLog.createdAt, at), lt(auditLog.id, id)))
          : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toAuditDto),
    next_cursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null,
  };
}
