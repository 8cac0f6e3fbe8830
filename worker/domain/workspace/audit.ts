import { and, desc, eq, gte, lt, or, sql } from "drizzle-orm";
import { apiKeys, auditLog, users } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";

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

export const toAuditDto = (row: AuditRow, actorName: string | null = null) => ({
  id: row.id,
  actor: { type: row.actorType, id: row.actorId, name: actorName },
  action: row.action,
  target: { type: row.targetType, id: row.targetId },
  changes: row.changes,
  created_at: toIso(row.createdAt),
});

export type AuditFilter = {
  /** the user or API key that acted */
  actorId?: string | undefined;
  /** an exact action ("webhook.created"), or every action on a kind of object ("webhook") */
  action?: string | undefined;
  targetType?: string | undefined;
  /** milliseconds, inclusive */
  from?: number | undefined;
  /** milliseconds, exclusive */
  to?: number | undefined;
};

function filterConditions({ actorId, action, targetType, from, to }: AuditFilter) {
  return [
    actorId !== undefined ? eq(auditLog.actorId, actorId) : undefined,
    action !== undefined
      ? action.includes(".")
        ? eq(auditLog.action, action)
        : sql`substr(${auditLog.action}, 1, ${action.length + 1}) = ${`${action}.`}`
      : undefined,
    targetType !== undefined ? eq(auditLog.targetType, targetType) : undefined,
    from !== undefined ? gte(auditLog.createdAt, from) : undefined,
    to !== undefined ? lt(auditLog.createdAt, to) : undefined,
  ];
}

function afterCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const at = Number(cursor.split(".")[0]);
  const id = cursor.split(".").slice(1).join(".");
  return or(lt(auditLog.createdAt, at), and(eq(auditLog.createdAt, at), lt(auditLog.id, id)));
}

/** Newest first, by cursor `<created_at>.<id>`, each entry with the name of who acted. */
export async function listAudit(
  db: Db,
  workspaceId: string,
  limit: number,
  cursor?: string,
  filter: AuditFilter = {},
) {
  const rows = await db
    .select({ entry: auditLog, userName: users.name, keyName: apiKeys.name })
    .from(auditLog)
    .leftJoin(users, and(eq(auditLog.actorType, "user"), eq(users.id, auditLog.actorId)))
    .leftJoin(
      apiKeys,
      and(
        eq(auditLog.actorType, "api_key"),
        eq(apiKeys.workspaceId, workspaceId),
        eq(apiKeys.id, auditLog.actorId),
      ),
    )
    .where(inWorkspace(auditLog, workspaceId, afterCursor(cursor), ...filterConditions(filter)))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1)?.entry;
  return {
    data: page.map(({ entry, userName, keyName }) => toAuditDto(entry, userName ?? keyName)),
    next_cursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null,
  };
}

/** The actions and kinds of object the workspace's log holds, for choosing a filter. */
export async function auditFacets(db: Db, workspaceId: string) {
  const [actions, targetTypes] = await Promise.all([
    db
      .selectDistinct({ value: auditLog.action })
      .from(auditLog)
      .where(inWorkspace(auditLog, workspaceId))
      .orderBy(auditLog.action),
    db
      .selectDistinct({ value: auditLog.targetType })
      .from(auditLog)
      .where(inWorkspace(auditLog, workspaceId))
      .orderBy(auditLog.targetType),
  ]);
  return {
    actions: actions.map((r) => r.value),
    target_types: targetTypes.map((r) => r.value),
  };
}
