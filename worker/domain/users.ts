import { and, eq } from "drizzle-orm";
import { memberships, type Role, users } from "../db/schema";
import type { Db, Principal } from "../lib/context";
import { hashPassword, randomToken, sha256Hex, verifyPassword } from "../lib/crypto";
import { conflict, forbidden, notFound, Problem } from "../lib/errors";
import { newId } from "../lib/ids";
import { roleAtLeast } from "../lib/roles";
import { endOtherSessions, endWorkspaceSessions } from "./sessions";

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const memberColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  active: memberships.active,
  invitePending: memberships.inviteTokenHash,
  createdAt: memberships.createdAt,
};

function memberQuery(db: Db, workspaceId: string) {
  return db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .$dynamic();
}

export type Member = Awaited<ReturnType<typeof listMembers>>[number];

export const listMembers = (db: Db, workspaceId: string) =>
  memberQuery(db, workspaceId).orderBy(users.name);

export async function getMember(db: Db, workspaceId: string, userId: string) {
  const [member] = await memberQuery(db, workspaceId).where(
    and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)),
  );
  if (!member) throw notFound("User");
  return member;
}

function assertMayGrant(actor: Principal, role: Role) {
  if (!roleAtLeast(actor.role, role)) throw forbidden(`You cannot grant the ${role} role.`);
}

type NewMember = { email: string; name: string; role: Role; password?: string | undefined };

/** Adds a person to the workspace; without a password they get a one-time invitation token. */
export async function addMember(db: Db, actor: Principal, input: NewMember, now: number) {
  assertMayGrant(actor, input.role);
  const email = input.email.toLowerCase();
  let user = await db.query.users.findFirst({ where: eq(users.email, email) });
  if (user) {
    const existing = await db.query.memberships.findFirst({
      where: and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, user.id)),
    });
    if (existing) throw conflict("This person is already a member of the workspace.", "email");
  }
  const inviteToken = user?.passwordHash || input.password ? null : randomToken();
  const userId = user?.id ?? newId("usr", now);
  const membership = {
    workspaceId: actor.workspaceId,
    userId,
    role: input.role,
    inviteTokenHash: inviteToken ? await sha256Hex(inviteToken) : null,
    inviteExpiresAt: inviteToken ? now + INVITE_TTL_MS : null,
    createdAt: now,
  };
  if (!user) {
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    await db.batch([
      db
        .insert(users)
        .values({ id: userId, email, name: input.name, passwordHash, createdAt: now }),
      db.insert(memberships).values(membership),
    ]);
    user = { id: userId, email, name: input.name, passwordHash, createdAt: now };
  } else {
    await db.insert(memberships).values(membership);
  }
  return { member: await getMember(db, actor.workspaceId, userId), inviteToken };
}

export async function acceptInvite(db: Db, token: string, password: string, now: number) {
  const membership = await db.query.memberships.findFirst({
    where: eq(memberships.inviteTokenHash, await sha256Hex(token)),
  });
  if (!membership || (membership.inviteExpiresAt ?? 0) < now) {
    throw new Problem(
      400,
      "invalid-invitation",
      "Invalid invitation",
      "The invitation is unknown or expired.",
    );
  }
  await db.batch([
    db
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(eq(users.id, membership.userId)),
    db
      .update(memberships)
      .set({ inviteTokenHash: null, inviteExpiresAt: null })
      .where(
        and(
          eq(memberships.workspaceId, membership.workspaceId),
          eq(memberships.userId, membership.userId),
        ),
      ),
  ]);
}

type MemberChange = {
  name?: string | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
};

export async function updateMember(db: Db, actor: Principal, userId: string, change: MemberChange) {
  const target = await getMember(db, actor.workspaceId, userId);
  if (!roleAtLeast(actor.role, target.role))
    throw forbidden("You cannot change someone above your role.");
  const changesAccess = change.role !== undefined || change.active !== undefined;
  if (changesAccess && actor.userId === userId) {
    throw forbidden("You cannot change your own role or deactivate yourself.");
  }
  if (change.role) assertMayGrant(actor, change.role);
  if (target.role === "owner" && (change.role !== undefined || change.active === false)) {
    await assertAnotherOwner(db, actor.workspaceId, userId);
  }
  const where = and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, userId));
  if (change.role !== undefined || change.active !== undefined) {
    await db.update(memberships).set({ role: change.role, active: change.active }).where(where);
  }
  if (change.name !== undefined) {
    await db.update(users).set({ name: change.name }).where(eq(users.id, userId));
  }
  if (change.active === false) await endWorkspaceSessions(db, actor.workspaceId, userId);
  return getMember(db, actor.workspaceId, userId);
}

async function assertAnotherOwner(db: Db, workspaceId: string, exceptUserId: string) {
  const owners = await db.query.memberships.findMany({
    where: and(
      eq(memberships.workspaceId, workspaceId),
      eq(memberships.role, "owner"),
      eq(memberships.active, true),
    ),
  });
  if (!owners.some((o) => o.userId !== exceptUserId)) {
    throw conflict("A workspace keeps at least one active owner.");
  }
}

export async function changePassword(db: Db, actor: Principal, current: string, next: string) {
  if (!actor.userId) throw forbidden("API keys have no password.");
  const user = await db.query.users.findFirst({ where: eq(users.id, actor.userId) });
  if (!user?.passwordHash || !(await verifyPassword(current, user.passwordHash))) {
    throw forbidden("The current password is wrong.");
  }
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(next) })
    .where(eq(users.id, user.id));
  await endOtherSessions(db, user.id, actor.sessionIdHash);
}
