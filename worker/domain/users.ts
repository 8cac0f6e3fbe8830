import { eq } from "drizzle-orm";
import { memberships, type NotificationPrefs, type Role, users } from "../db/schema";
import { inWorkspace } from "../db/scope";
import type { Db, Principal } from "../lib/context";
import { hashPassword, verifyPassword } from "../lib/crypto";
import { conflict, forbidden, notFound } from "../lib/errors";
import { assertMayGrant, roleAtLeast } from "../lib/roles";
import type { UiLanguage } from "../schemas/languages";
import { revokeKeysMadeBy } from "./api-keys";
import { revokeInvitationsSentBy } from "./invitations";
import { endOtherSessions, endWorkspaceSessions } from "./sessions";

/** A member as the workspace sees them: the person's name and email, read-only, and the membership. */
const memberColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  active: memberships.active,
  presence: memberships.presence,
  createdAt: memberships.createdAt,
};

function memberQuery(db: Db, workspaceId: string) {
  return db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inWorkspace(memberships, workspaceId))
    .$dynamic();
}

export type Member = Awaited<ReturnType<typeof listMembers>>[number];

export const listMembers = (db: Db, workspaceId: string) =>
  memberQuery(db, workspaceId).orderBy(users.name);

export async function getMember(db: Db, workspaceId: string, userId: string) {
  const [member] = await memberQuery(db, workspaceId).where(
    inWorkspace(memberships, workspaceId, eq(memberships.userId, userId)),
  );
  if (!member) throw notFound("User");
  return member;
}

/** What a workspace may change about a member: their membership, never the person. */
type MemberChange = {
  role?: Role | undefined;
  active?: boolean | undefined;
};

export async function updateMember(
  db: Db,
  actor: Principal,
  userId: string,
  change: MemberChange,
  now: number,
) {
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
  if (changesAccess) {
    await db
      .update(memberships)
      .set({ role: change.role, active: change.active })
      .where(inWorkspace(memberships, actor.workspaceId, eq(memberships.userId, userId)));
  }
  if (change.active === false) {
    await endWorkspaceSessions(db, actor.workspaceId, userId);
    await revokeKeysMadeBy(db, actor, userId, now);
    await revokeInvitationsSentBy(db, actor, userId, now);
  }
  return getMember(db, actor.workspaceId, userId);
}

async function assertAnotherOwner(db: Db, workspaceId: string, exceptUserId: string) {
  const owners = await db.query.memberships.findMany({
    where: inWorkspace(
      memberships,
      workspaceId,
      eq(memberships.role, "owner"),
      eq(memberships.active, true),
    ),
  });
  if (!owners.some((o) => o.userId !== exceptUserId)) {
    throw conflict("A workspace keeps at least one active owner.");
  }
}

/** The person renames themselves; no workspace can. */
export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = {
  sound: true,
  desktop: true,
  new_conversations: true,
  my_messages: true,
};

/** What only the person sees of themselves: their language and notification choices. */
export async function preferencesOf(db: Db, userId: string) {
  const person = await db.query.users.findFirst({
    columns: { language: true, notificationPrefs: true },
    where: eq(users.id, userId),
  });
  return {
    language: person?.language ?? null,
    notifications: { ...DEFAULT_NOTIFICATION_PREFS, ...person?.notificationPrefs },
  };
}

type SelfChange = {
  name?: string | undefined;
  language?: UiLanguage | null | undefined;
  notifications?: Partial<NotificationPrefs> | undefined;
};

/** A person changes their own name, language and notification choices. */
export async function updateSelf(db: Db, actor: Principal, change: SelfChange) {
  if (!actor.userId) throw forbidden("An API key is not a person: it has no profile to change.");
  const notificationPrefs = change.notifications && {
    ...(await preferencesOf(db, actor.userId)).notifications,
    ...change.notifications,
  };
  const values = { name: change.name, language: change.language, notificationPrefs };
  const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length) await db.update(users).set(set).where(eq(users.id, actor.userId));
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
