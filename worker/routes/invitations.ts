import { createRoute, z } from "@hono/zod-openapi";
import {
  acceptAsSignedIn,
  invite,
  listOpenInvitations,
  resendInvitation,
  revokeInvitation,
} from "../domain/workspace/invitations";
import { workspacesOf } from "../domain/workspace/sessions";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  InvitationSchema,
  InvitationToken,
  invitationGoneResponse,
  RoleSchema,
  toInvitationDto,
  WorkspaceChoiceSchema,
} from "../schemas/users";

const admin = [requireRole("admin")];

const CreatedInvitation = InvitationSchema.extend({
  token: z.string().openapi({
    description:
      "The one-time token, shown in this answer only. Conversa sends no invitation emails yet: give it to the invitee, who accepts in the inbox at /invite#<token> (or POST /api/v1/auth/accept-invite).",
  }),
}).openapi("CreatedInvitation");

const listRoute = createRoute({
  method: "get",
  path: "/invitations",
  tags: ["Users"],
  summary: "Invitations not yet accepted or revoked (pending or expired)",
  security: authenticated,
  middleware: admin,
  responses: {
    200: jsonResponse(z.object({ data: z.array(InvitationSchema) }), "Invitations"),
    ...errorResponses,
  },
});

const createInvitationRoute = createRoute({
  method: "post",
  path: "/invitations",
  tags: ["Users"],
  summary: "Invite an email to the workspace",
  description:
    "Creates an invitation bound to this workspace; nobody becomes a member until the invitee accepts. The answer is the same whether or not the email has a Conversa account anywhere, and it carries the one-time token because invitation emails do not exist yet.",
  security: authenticated,
  middleware: admin,
  request: {
    body: jsonBody(
      z
        .strictObject({ email: z.email().max(254), role: RoleSchema.default("agent") })
        .openapi("InvitationCreate"),
    ),
  },
  responses: { 201: jsonResponse(CreatedInvitation, "Invited"), ...errorResponses },
});

const resendRoute = createRoute({
  method: "post",
  path: "/invitations/{id}/resend",
  tags: ["Users"],
  summary: "A new token and a new week for an open invitation; the old token stops working",
  security: authenticated,
  middleware: admin,
  request: { params: IdParam("inv") },
  responses: { 200: jsonResponse(CreatedInvitation, "Sent again"), ...errorResponses },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/invitations/{id}",
  tags: ["Users"],
  summary: "Revoke an open invitation",
  security: authenticated,
  middleware: admin,
  request: { params: IdParam("inv") },
  responses: { 204: { description: "Revoked" }, ...errorResponses },
});

const acceptRoute = createRoute({
  method: "post",
  path: "/invitations/accept",
  tags: ["Users"],
  summary: "Accept an invitation sent to your own email, as the signed-in person",
  description:
    "Adds the invitation's membership to your account; your session stays where it is (POST /api/v1/auth/switch-workspace moves to the new workspace).",
  security: [{ session: [] }],
  request: {
    body: jsonBody(z.strictObject({ token: InvitationToken }).openapi("InvitationAccept")),
  },
  responses: {
    200: jsonResponse(
      z
        .object({ workspace: WorkspaceChoiceSchema, workspaces: z.array(WorkspaceChoiceSchema) })
        .openapi("AcceptedInvitation"),
      "Accepted",
    ),
    ...invitationGoneResponse,
    ...errorResponses,
  },
});

export const invitationsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listOpenInvitations(c.get("db"), c.get("principal").workspaceId);
    const now = c.get("clock").now();
    return c.json({ data: rows.map((row) => toInvitationDto(row, now)) }, 200);
  })
  .openapi(createInvitationRoute, async (c) => {
    const now = c.get("clock").now();
    const { invitation, token } = await invite(
      c.get("db"),
      c.get("principal"),
      c.req.valid("json"),
      now,
    );
    return c.json({ ...toInvitationDto(invitation, now), token }, 201);
  })
  .openapi(resendRoute, async (c) => {
    const now = c.get("clock").now();
    const { invitation, token } = await resendInvitation(
      c.get("db"),
      c.get("principal"),
      c.req.valid("param").id,
      now,
    );
    return c.json({ ...toInvitationDto(invitation, now), token }, 200);
  })
  .openapi(revokeRoute, async (c) => {
    const { id } = c.req.valid("param");
    await revokeInvitation(c.get("db"), c.get("principal"), id, c.get("clock").now());
    return c.body(null, 204);
  })
  .openapi(acceptRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const accepted = await acceptAsSignedIn(
      db,
      principal,
      c.req.valid("json").token,
      c.get("clock").now(),
    );
    const workspaces = await workspacesOf(db, accepted.userId);
    const workspace = workspaces.find((w) => w.id === accepted.workspaceId);
    if (!workspace) throw new Error("accepted membership is not active");
    return c.json({ workspace, workspaces }, 200);
  });
