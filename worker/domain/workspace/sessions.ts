import { and, eq, ne } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { memberships, sessions, users, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { DUMMY_PASSWORD_HASH, randomToken, sha256Hex, verifyPassword } from "../../lib/crypto";
import { forbidden, notFound } from "../../lib/errors";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The workspaces a person is an active member of, oldest membership first. */
export const workspacesOf = (db: Db, userId: string) =>
  acrossWorkspaces(db)
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(memberships.active, true)))
    .orderBy(memberships.createdAt, memberships.workspaceId);

export type WorkspaceChoice = Awaited<ReturnType<typeof workspacesOf>>[number];

/** The person behind an email and password, or null; an unknown email costs the same time. */
export async function checkPassword(db: Db, email: string, password: string) {
  const user = await db.query.users.findFirst({ where: eq(users.email, email.toLowerCase()) });
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  return user?.passwordHash && passwordOk ? user : null;
}

/** A fresh session of the person, bound to one workspace. */
export async function openSession(db: Db, userId: string, workspaceId: string, now: number) {
  const token = randomToken();
  const expiresAt = now + SESSION_TTL_MS;
  await db.insert(sessions).values({
    idHash: await sha256Hex(token),
    userId,
    workspaceId,
    expiresAt,
    createdAt: now,
  });
  return { token, expiresAt, workspaceId };
}

/**
 * Checks the password and opens a session in the chosen workspace, or the person's first one.
 * Null (never a hint why) for a wrong email or password, or a person with no active membership.
 */
export async function login(
  db: Db,
  input: { email: string; password: string; workspaceId?: string | undefined },
  now: number,
) {
  const user = await checkPassword(db, input.email, input.password);
  if (!user) return null;
  const choices = await workspacesOf(db, user.id);
  const chosen = input.workspaceId ? choices.find((w) => w.id === input.workspaceId) : choices[0];
  if (!chosen && choices.length > 0) {
    throw forbidden("You are not an active member of that workspace.");
  }
  if (!chosen) return null;
  return { ...(await openSession(db, user.id, chosen.id, now)), workspaces: choices };
}

/** Ends the caller's session and opens one in another workspace where they are active. */
export async function switchWorkspace(
  db: Db,
  principal: Principal,
  workspaceId: string,
  now: number,
) {
  if (!principal.userId || !principal.sessionIdHash) {
    throw forbidden("Only a signed-in person switches workspace; an API key has one.");
  }
  const choices = await workspacesOf(db, principal.userId);
  if (!choices.some((w) => w.id === workspaceId)) throw notFound("Workspace");
  const session = await openSession(db, principal.userId, workspaceId, now);
  await endSession(db, principal.sessionIdHash);
  return { ...session, workspaces: choices };
}

/** A session is found by its credential, whatever its workspace. */
export const endSession = (db: Db, idHash: string) =>
  acrossWorkspaces(db).delete(sessions).where(eq(sessions.idHash, idHash));

/** The person's sessions in every workspace, but the one they keep. */
export const endOtherSessions = (db: Db, userId: string, keepIdHash: string | null) =>
  acrossWorkspaces(db)
    .delete(sessions)
    .where(
      keepIdHash
        ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepIdHash))
        : eq(sessions.userId, userId),
    );

export const endWorkspaceSessions = (db: Db, workspaceId: string, userId: string) =>
  db.delete(sessions).where(inWorkspace(sessions, workspaceId, eq(sessions.userId, userId)));
