import { and, desc, eq, isNull } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { invitations, memberships, type Role, users, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { hashPassword, randomToken, sha256Hex } from "../../lib/crypto";
import { conflict, forbidden, notFound, Problem, unauthorized } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { assertMayGrant, roleAtLeast } from "../../lib/roles";
import { personBehind } from "./api-keys";
import { audit, auditEach } from "./audit";
import { checkPassword } from "./sessions";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type Invitation = typeof invitations.$inferSelect;
export type InvitationStatus = "pending" | "expired" | "accepted" | "revoked";

export function invitationStatus(row: Invitation, now: number): InvitationStatus {
  if (row.revokedAt !== null) return "revoked";
  if (row.acceptedAt !== null) return "accepted";
  return row.expiresAt < now ? "expired" : "pending";
}

const openInWorkspace = (workspaceId: string) =>
  inWorkspace(
    invitations,
    workspaceId,
    isNull(invitations.acceptedAt),
    isNull(invitations.revokedAt),
  );

/** Invitations not yet accepted or revoked (expired ones too, so they can be sent again). */
export const listOpenInvitations = (db: Db, workspaceId: string) =>
  db.query.invitations.findMany({
    where: openInWorkspace(workspaceId),
    orderBy: desc(invitations.id),
  });

async function getOpenInvitation(db: Db, actor: Principal, id: string) {
  const row = await db.query.invitations.findFirst({
    where: and(openInWorkspace(actor.workspaceId), eq(invitations.id, id)),
  });
  if (!row) throw notFound("Invitation");
  if (!roleAtLeast(actor.role, row.role)) {
    throw forbidden(`You cannot manage an invitation for the ${row.role} role.`);
  }
  return row;
}

/** Whether the workspace already has this email among its members (active or not). */
async function isMember(db: Db, workspaceId: string, email: string) {
  const [row] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inWorkspace(memberships, workspaceId, eq(users.email, email)))
    .limit(1);
  return row !== undefined;
}

/** Records a step of an invitation in the audit log, with the email it is for. */
function auditInvitation(
  db: Db,
  actor: Principal,
  step: "created" | "resent" | "revoked" | "accepted",
  invitation: Pick<Invitation, "id" | "email">,
  now: number,
  changes: Record<string, unknown> = {},
) {
  const target = { type: "invitation", id: invitation.id };
  const recorded = { email: invitation.email, ...changes };
  return audit(db, actor, `invitation.${step}`, target, recorded, now);
}

async function freshToken(now: number) {
  const token = randomToken();
  return { token, tokenHash: await sha256Hex(token), expiresAt: now + INVITATION_TTL_MS };
}

/**
 * Invites an email to the workspace. It reads no account: the answer is the same whether or not
 * the email has one anywhere. An expired open invitation for the email is replaced.
 */
export async function invite(
  db: Db,
  actor: Principal,
  input: { email: string; role: Role },
  now: number,
) {
  assertMayGrant(actor, input.role);
  const email = input.email.toLowerCase();
  if (await isMember(db, actor.workspaceId, email)) {
    throw conflict("This email is already a member of the workspace.", "email");
  }
  const open = await db.query.invitations.findFirst({
    where: and(openInWorkspace(actor.workspaceId), eq(invitations.email, email)),
  });
  if (open && open.expiresAt >= now) {
    throw conflict("This email already has a pending invitation; send it again instead.", "email");
  }
  const { token, tokenHash, expiresAt } = await freshToken(now);
  const row: Invitation = {
    id: newId("inv", now),
    workspaceId: actor.workspaceId,
    email,
    role: input.role,
    tokenHash,
    expiresAt,
    invitedBy: await personBehind(db, actor),
    acceptedAt: null,
    acceptedBy: null,
    revokedAt: null,
    createdAt: now,
  };
  const insert = db.insert(invitations).values(row);
  try {
    if (open) {
      const revokeExpired = db
        .update(invitations)
        .set({ revokedAt: now })
        .where(inWorkspace(invitations, actor.workspaceId, eq(invitations.id, open.id)));
      await db.batch([revokeExpired, insert]);
    } else {
      await insert;
    }
  } catch (error) {
    // a concurrent invitation of the same email won the one open place
    if (/UNIQUE/.test(String((error as Error).message))) {
      throw conflict("This email already has a pending invitation.", "email");
    }
    throw error;
  }
  await auditInvitation(db, actor, "created", row, now, { role: row.role });
  return { invitation: row, token };
}

/** A new token and a new week; the old token stops working. */
export async function resendInvitation(db: Db, actor: Principal, id: string, now: number) {
  const row = await getOpenInvitation(db, actor, id);
  const { token, tokenHash, expiresAt } = await freshToken(now);
  await db
    .update(invitations)
    .set({ tokenHash, expiresAt })
    .where(and(openInWorkspace(actor.workspaceId), eq(invitations.id, id)));
  await auditInvitation(db, actor, "resent", row, now);
  return { invitation: { ...row, tokenHash, expiresAt }, token };
}

export async function revokeInvitation(db: Db, actor: Principal, id: string, now: number) {
  const row = await getOpenInvitation(db, actor, id);
  await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(openInWorkspace(actor.workspaceId), eq(invitations.id, id)));
  await auditInvitation(db, actor, "revoked", row, now);
}

/** Revokes every open invitation `userId` sent in the workspace, each revocation in the audit log. */
export async function revokeInvitationsSentBy(
  db: Db,
  actor: Principal,
  userId: string,
  now: number,
) {
  const revoked = await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(openInWorkspace(actor.workspaceId), eq(invitations.invitedBy, userId)))
    .returning({ id: invitations.id, email: invitations.email });
  await auditEach(db, actor, "invitation.revoked", "invitation", revoked, now, ({ email }) => ({
    email,
    reason: "inviter deactivated",
    invited_by: userId,
  }));
  return revoked;
}

const invitationGone = (slug: string, detail: string) =>
  new Problem(410, slug, "Invitation no longer valid", detail);

/** The invitation a token opens, or a problem saying why it cannot be used. */
export async function invitationByToken(db: Db, token: string, now: number) {
  // the token names its workspace
  const row = await acrossWorkspaces(db).query.invitations.findFirst({
    where: eq(invitations.tokenHash, await sha256Hex(token)),
  });
  if (!row) {
    throw new Problem(
      400,
      "invalid-invitation",
      "Invalid invitation",
      "No invitation has this token; check the link or ask for a new invitation.",
    );
  }
  const status = invitationStatus(row, now);
  if (status === "revoked") {
    throw invitationGone("invitation-revoked", "This invitation was revoked.");
  }
  if (status === "accepted") {
    throw invitationGone("invitation-used", "This invitation was already accepted.");
  }
  if (status === "expired") {
    throw invitationGone("invitation-expired", "This invitation has expired; ask for a new one.");
  }
  return row;
}

/** What an invitation offers, for the screen that accepts it. */
export async function previewInvitation(db: Db, token: string, now: number) {
  const invitation = await invitationByToken(db, token, now);
  const workspace = await db.query.workspaces.findFirst({
    where: eq(workspaces.id, invitation.workspaceId),
  });
  if (!workspace) throw notFound("Workspace");
  return { invitation, workspace };
}

/**
 * Marks the invitation used by `userId` (once: a concurrent acceptance loses) and makes its
 * membership active. Nothing else about the person changes.
 */
async function claim(db: Db, invitation: Invitation, userId: string, now: number) {
  const [claimed] = await db
    .update(invitations)
    .set({ acceptedAt: now, acceptedBy: userId })
    .where(and(openInWorkspace(invitation.workspaceId), eq(invitations.id, invitation.id)))
    .returning({ id: invitations.id });
  if (!claimed) throw invitationGone("invitation-used", "This invitation was already accepted.");
  const accepter: Principal = {
    workspaceId: invitation.workspaceId,
    role: invitation.role,
    userId,
    apiKeyId: null,
    via: "session",
    sessionIdHash: null,
  };
  await db
    .insert(memberships)
    .values({
      workspaceId: invitation.workspaceId,
      userId,
      role: invitation.role,
      createdAt: now,
    })
    .onConflictDoUpdate({
      target: [memberships.workspaceId, memberships.userId],
      set: { role: invitation.role, active: true },
    });
  await auditInvitation(db, accepter, "accepted", invitation, now, { role: invitation.role });
  return { workspaceId: invitation.workspaceId, userId };
}

export const accountExists = () =>
  new Problem(
    409,
    "account-exists",
    "Account exists",
    "This email already has an account: accept with its current password (and no name), or sign in and accept.",
  );

/**
 * For an email with no account: creates the person with their name and password. The insert
 * itself refuses to touch an account that has a password.
 */
export async function acceptWithNewAccount(
  db: Db,
  invitation: Invitation,
  input: { name: string; password: string },
  now: number,
) {
  const passwordHash = await hashPassword(input.password);
  const [user] = await db
    .insert(users)
    .values({
      id: newId("usr", now),
      email: invitation.email,
      name: input.name,
      passwordHash,
      createdAt: now,
    })
    .onConflictDoUpdate({
      target: users.email,
      set: { name: input.name, passwordHash },
      setWhere: isNull(users.passwordHash),
    })
    .returning({ id: users.id });
  if (!user) throw accountExists();
  return claim(db, invitation, user.id, now);
}

/** For an email with an account: its current password proves it is theirs; nothing is set. */
export async function acceptWithPassword(
  db: Db,
  invitation: Invitation,
  password: string,
  now: number,
) {
  const user = await checkPassword(db, invitation.email, password);
  if (!user) throw unauthorized("Wrong email or password.");
  return claim(db, invitation, user.id, now);
}

/** For a signed-in person: the invitation must be for their own email. */
export async function acceptAsSignedIn(db: Db, actor: Principal, token: string, now: number) {
  if (!actor.userId) throw forbidden("Sign in as a person to accept an invitation.");
  const invitation = await invitationByToken(db, token, now);
  const user = await db.query.users.findFirst({ where: eq(users.id, actor.userId) });
  if (user?.email !== invitation.email) {
    throw forbidden("This invitation was sent to another email address.");
  }
  return claim(db, invitation, actor.userId, now);
}
