import { and, eq, ne } from "drizzle-orm";
import { memberships, sessions, users } from "../db/schema";
import type { Db } from "../lib/context";
import { DUMMY_PASSWORD_HASH, randomToken, sha256Hex, verifyPassword } from "../lib/crypto";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Checks the password and opens a fresh session in the user's first active workspace. */
export async function login(db: Db, email: string, password: string, now: number) {
  const user = await db.query.users.findFirst({ where: eq(users.email, email.toLowerCase()) });
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !passwordOk) return null;
  const membership = await db.query.memberships.findFirst({
    where: and(eq(memberships.userId, user.id), eq(memberships.active, true)),
    orderBy: memberships.createdAt,
  });
  if (!membership) return null;
  const token = randomToken();
  const expiresAt = now + SESSION_TTL_MS;
  await db.insert(sessions).values({
    idHash: await sha256Hex(token),
    userId: user.id,
    workspaceId: membership.workspaceId,
    expiresAt,
    createdAt: now,
  });
  return { token, expiresAt };
}

export const endSession = (db: Db, idHash: string) =>
  db.delete(sessions).where(eq(sessions.idHash, idHash));

export const endOtherSessions = (db: Db, userId: string, keepIdHash: string | null) =>
  db
    .delete(sessions)
    .where(
      keepIdHash
        ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepIdHash))
        : eq(sessions.userId, userId),
    );

export const endWorkspaceSessions = (db: Db, workspaceId: string, userId: string) =>
  db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.workspaceId, workspaceId)));
