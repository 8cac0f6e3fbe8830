import { desc, eq, isNull } from "drizzle-orm";
import { apiKeys, type Role } from "../db/schema";
import { inWorkspace } from "../db/scope";
import type { Db, Principal } from "../lib/context";
import { randomToken, sha256Hex } from "../lib/crypto";
import { forbidden, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { roleAtLeast } from "../lib/roles";
import { audit } from "./audit";

const KEY_PREFIX = "cnv_";

export const listApiKeys = (db: Db, workspaceId: string) =>
  db.query.apiKeys.findMany({
    where: inWorkspace(apiKeys, workspaceId, isNull(apiKeys.revokedAt)),
    orderBy: desc(apiKeys.id),
  });

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
  if (!roleAtLeast(actor.role, input.role))
    throw forbidden(`You cannot grant the ${input.role} role.`);
  const createdBy = await personBehind(db, actor);
  if (!createdBy) throw forbidden("An API key acts for a person; no person is behind this call.");
  const secret = KEY_PREFIX + randomToken(32);
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key", now),
      workspaceId: actor.workspaceId,
      name: input.name,
      prefix: secret.slice(0, KEY_PREFIX.length + 6),
      keyHash: await sha256Hex(secret),
      role: input.role,
      createdBy,
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return { row, secret };
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
  for (const key of revoked) {
    await audit(
      db,
      actor,
      "api_key.revoked",
      { type: "api_key", id: key.id },
      { name: key.name, reason: "creator deactivated", created_by: userId },
      now,
    );
  }
  return revoked;
}
