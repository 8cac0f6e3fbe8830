import { and, desc, eq, isNull } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { apiKeys, memberships, type Role, users } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { forbidden, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { assertMayGrant, lowerRole } from "../../lib/roles";
import { auditEach } from "./audit";

const KEY_PREFIX = "cnv_";

/** Keys with the membership, in the key's workspace, of the person each acts for. */
const keysWithCreator = (db: Db) =>
  db
    .select({
      key: apiKeys,
      creatorRole: memberships.role,
      creatorActive: memberships.active,
      creatorName: users.name,
    })
    .from(apiKeys)
    .leftJoin(
      memberships,
      and(
        eq(memberships.workspaceId, apiKeys.workspaceId),
        eq(memberships.userId, apiKeys.createdBy),
      ),
    )
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .$dynamic();

type KeyWithCreator = {
  key: typeof apiKeys.$inferSelect;
  creatorRole: Role | null;
  creatorActive: boolean | null;
  creatorName: string | null;
};

/**
 * What a key may do today: the lesser of its own role and its creator's current role, and
 * nothing (null) once the creator is no longer an active member of the key's workspace.
 */
const withEffectiveRole = ({ key, creatorRole, creatorActive, creatorName }: KeyWithCreator) => ({
  ...key,
  creatorName,
  effectiveRole: creatorActive && creatorRole ? lowerRole(key.role, creatorRole) : null,
});

export type ApiKeyWithEffectiveRole = ReturnType<typeof withEffectiveRole>;

export async function listApiKeys(db: Db, workspaceId: string) {
  const rows = await keysWithCreator(db)
    .where(inWorkspace(apiKeys, workspaceId, isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.id));
  return rows.map(withEffectiveRole);
}

/** The unrevoked key a secret opens, if it may do anything today. */
export async function usableApiKey(db: Db, secret: string) {
  // the secret names the key, and the key its workspace
  const [row] = await keysWithCreator(acrossWorkspaces(db))
    .where(and(eq(apiKeys.keyHash, await sha256Hex(secret)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  const key = withEffectiveRole(row);
  const role = key.effectiveRole;
  return role ? { ...key, effectiveRole: role } : null;
}

async function getApiKey(db: Db, workspaceId: string, id: string) {
  const [row] = await keysWithCreator(db).where(
    inWorkspace(apiKeys, workspaceId, eq(apiKeys.id, id)),
  );
  if (!row) throw notFound("API key");
  return withEffectiveRole(row);
}

/** The person acting: the signed-in member, or for an API key the person the key acts for. */
export async function personBehind(db: Db, actor: Principal) {
  if (actor.userId || !actor.apiKeyId) return actor.userId;
  const key = await db.query.apiKeys.findFirst({
    where: inWorkspace(apiKeys, actor.workspaceId, eq(apiKeys.id, actor.apiKeyId)),
  });
  return key?.createdBy ?? null;
}

/**
 * The secret is returned once; only its hash is stored. The key acts for the person creating it
 * (or behind the key creating it), whose current role caps the key's.
 */
export async function createApiKey(
  db: Db,
  actor: Principal,
  input: { name: string; role: Role },
  now: number,
) {
  assertMayGrant(actor, input.role);
  const createdBy = await personBehind(db, actor);
  if (!createdBy) throw forbidden("An API key acts for a person; no person is behind this call.");
  const secret = KEY_PREFIX + randomToken(32);
  const id = newId("key", now);
  await db.insert(apiKeys).values({
    id,
    workspaceId: actor.workspaceId,
    name: input.name,
    prefix: secret.slice(0, KEY_PREFIX.length + 6),
    keyHash: await sha256Hex(secret),
    role: input.role,
    createdBy,
    createdAt: now,
  });
  return { row: await getApiKey(db, actor.workspaceId, id), secret };
}

export async function revokeApiKey(db: Db, workspaceId: string, id: string, now: number) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(inWorkspace(apiKeys, workspaceId, eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (!row) throw notFound("API key");
}

/** Revokes every key `userId` made in the workspace, each revocation in the audit log. */
export async function revokeKeysMadeBy(db: Db, actor: Principal, userId: string, now: number) {
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(
      inWorkspace(
        apiKeys,
        actor.workspaceId,
        eq(apiKeys.createdBy, userId),
        isNull(apiKeys.revokedAt),
      ),
    )
    .returning({ id: apiKeys.id, name: apiKeys.name });
  await auditEach(db, actor, "api_key.revoked", "api_key", revoked, now, ({ name }) => ({
    name,
    reason: "creator deactivated",
    created_by: userId,
  }));
  return revoked;
}
