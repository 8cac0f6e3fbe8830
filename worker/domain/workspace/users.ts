import { eq, inArray } from "drizzle-orm";
import { readInChunks, rowChunks } from "../../db/chunks";
import { writeTogether } from "../../db/client";
import {
  memberships,
  type NotificationPrefs,
  type Role,
  teamMembers,
  teams,
  users,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { hashPassword, verifyPassword } from "../../lib/crypto";
import { conflict, forbidden, notFound, validationFailed } from "../../lib/errors";
import { assertMayGrant, roleAtLeast } from "../../lib/roles";
import type { UiLanguage } from "../../schemas/languages";
import { record } from "../events/record";
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
  capacity: memberships.capacity,
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

/** The teams each member is in, by user id. */
async function teamsByMember(db: Db, workspaceId: string, userId?: string) {
  const rows = await db
    .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(
      inWorkspace(
        teamMembers,
        workspaceId,
        userId === undefined ? undefined : eq(teamMembers.userId, userId),
      ),
    )
    .orderBy(teamMembers.teamId);
  const byMember = new Map<string, string[]>();
  for (const r of rows) byMember.set(r.userId, [...(byMember.get(r.userId) ?? []), r.teamId]);
  return byMember;
}

export async function listMembers(db: Db, workspaceId: string) {
  const [rows, teamsOf] = await Promise.all([
    memberQuery(db, workspaceId).orderBy(users.name),
    teamsByMember(db, workspaceId),
  ]);
  return rows.map((m) => ({ ...m, teamIds: teamsOf.get(m.id) ?? [] }));
}

export async function getMember(db: Db, workspaceId: string, userId: string) {
  const [[member], teamsOf] = await Promise.all([
    memberQuery(db, workspaceId).where(
      inWorkspace(memberships, workspaceId, eq(memberships.userId, userId)),
    ),
    teamsByMember(db, workspaceId, userId),
  ]);
  if (!member) throw notFound("User");
  return { ...member, teamIds: teamsOf.get(userId) ?? [] };
}

/** What a workspace may change about a member: their membership, never the person. */
type MemberChange = {
  role?: Role | undefined;
  active?: boolean | undefined;
  capacity?: number | undefined;
  team_ids?: string[] | undefined;
};

export async function updateMember(
  db: Db,
  env: Env,
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
  if (change.team_ids) await checkTeams(db, actor.workspaceId, change.team_ids);
  const columns = { role: change.role, active: change.active, capacity: change.capacity };
  const where = inWorkspace(memberships, actor.workspaceId, eq(memberships.userId, userId));
  await writeTogether(db, [
    ...(Object.values(columns).some((v) => v !== undefined)
      ? [db.update(memberships).set(columns).where(where)]
      : []),
    ...(change.team_ids ? teamWrites(db, actor.workspaceId, userId, change.team_ids) : []),
  ]);
  if (change.active === false) {
    await endWorkspaceSessions(db, actor.workspaceId, userId);
    await revokeKeysMadeBy(db, actor, userId, now);
    await revokeInvitationsSentBy(db, actor, userId, now);
  }
  const capacityChanged = change.capacity !== undefined;
  const teamsChanged = change.team_ids !== undefined;
  if (capacityChanged || teamsChanged)
    await record({ db, env }, actor.workspaceId, {
      type: "member.updated",
      user_id: userId,
      capacity_changed: capacityChanged,
      teams_changed: teamsChanged,
    });
  return getMember(db, actor.workspaceId, userId);
}

/** Each id must name a team of the workspace (`team_ids.<index>` otherwise). */
async function checkTeams(db: Db, workspaceId: string, teamIds: string[]) {
  const found = await readInChunks(teamIds, (chunk) =>
    db
      .select({ id: teams.id })
      .from(teams)
      .where(inWorkspace(teams, workspaceId, inArray(teams.id, chunk))),
  );
  const known = new Set(found.map((f) => f.id));
  const unknown = teamIds.findIndex((id) => !known.has(id));
  if (unknown >= 0)
    throw validationFailed([{ path: `team_ids.${unknown}`, message: "no such team" }]);
}

/** The statements that make `teamIds` the member's teams, to run in one batch. */
function teamWrites(db: Db, workspaceId: string, userId: string, teamIds: string[]) {
  const rows = [...new Set(teamIds)].map((teamId) => ({ workspaceId, teamId, userId }));
  return [
    db
      .delete(teamMembers)
      .where(inWorkspace(teamMembers, workspaceId, eq(teamMembers.userId, userId))),
    ...rowChunks(teamMembers, rows).map((chunk) => db.insert(teamMembers).values(chunk)),
  ];
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
