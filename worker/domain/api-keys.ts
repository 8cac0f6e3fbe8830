import { and, desc, eq, isNull } from "drizzle-orm";
import { apiKeys, type Role } from "../db/schema";
import type { Db, Principal } from "../lib/context";
import { randomToken, sha256Hex } from "../lib/crypto";
import { forbidden, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { roleAtLeast } from "../lib/roles";

const KEY_PREFIX = "cnv_";

export const listApiKeys = (db: Db, workspaceId: string) =>
  db.query.apiKeys.findMany({
    where: and(eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)),
    orderBy: desc(apiKeys.id),
  });

/** The secret is returned once; only its hash is stored. */
export async function createApiKey(
  db: Db,
  actor: Principal,
  input: { name: string; role: Role },
  now: number,
) {
  if (!roleAtLeast(actor.role, input.role))
    throw forbidden(`You cannot grant the ${input.role} role.`);
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
      createdBy: actor.userId,
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
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (!row) throw notFound("API key");
}
