import { z } from "@hono/zod-openapi";
import { PRESENCE, ROLES } from "../db/schema";
import type { Invitation } from "../domain/workspace/invitations";
import { invitationStatus } from "../domain/workspace/invitations";
import type { WorkspaceChoice } from "../domain/workspace/sessions";
import type { Member } from "../domain/workspace/users";
import { ProblemSchema, singleLine, Timestamp, toIso } from "./common";

export const Password = z.string().min(8).max(256);
/** The one-time token of an invitation, as the invitee sends it back. */
export const InvitationToken = z.string().min(1).max(128);

export const PersonName = z.string().trim().min(1).max(200).check(singleLine);

export const RoleSchema = z.enum(ROLES).openapi("Role");

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    active: z.boolean(),
    capacity: z.number().int().openapi({
      description: "Auto-assignment gives them at most this many open conversations",
    }),
    team_ids: z.array(z.string()),
    presence: z.enum(PRESENCE).openapi({ description: "online, away or offline, live" }),
    created_at: Timestamp,
  })
  .openapi("User", {
    description:
      "A member of the workspace. The email and name belong to the person: only they change them.",
  });

export const toUserDto = (m: Member) => ({
  id: m.id,
  email: m.email,
  name: m.name,
  role: m.role,
  active: m.active,
  capacity: m.capacity,
  team_ids: m.teamIds,
  presence: m.presence,
  created_at: toIso(m.createdAt),
});

export const WorkspaceChoiceSchema = z
  .object({ id: z.string(), name: z.string(), role: RoleSchema })
  .openapi("WorkspaceChoice");

export const toWorkspaceChoices = (choices: WorkspaceChoice[]) =>
  choices.map((w) => ({ id: w.id, name: w.name, role: w.role }));

export const SignedInSchema = z
  .object({
    workspace_id: z.string().openapi({ description: "The workspace this session is bound to" }),
    workspaces: z
      .array(WorkspaceChoiceSchema)
      .openapi({ description: "Every workspace the person is an active member of" }),
  })
  .openapi("SignedIn");

export const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleSchema,
    status: z.enum(["pending", "expired", "accepted", "revoked"]),
    invited_by: z.string().nullable(),
    expires_at: Timestamp,
    created_at: Timestamp,
  })
  .openapi("Invitation");

export const toInvitationDto = (row: Invitation, now: number) => ({
  id: row.id,
  email: row.email,
  role: row.role,
  status: invitationStatus(row, now),
  invited_by: row.invitedBy,
  expires_at: toIso(row.expiresAt),
  created_at: toIso(row.createdAt),
});

/** The answer of invitation routes for an expired, revoked or used token. */
export const invitationGoneResponse = {
  410: {
    description: "The invitation expired, was revoked or was already accepted",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
} as const;
