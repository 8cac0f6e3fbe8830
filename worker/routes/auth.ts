import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
  acceptWithNewAccount,
  acceptWithPassword,
  invitationByToken,
  previewInvitation,
} from "../domain/workspace/invitations";
import {
  endSession,
  login,
  openSession,
  switchWorkspace,
  type WorkspaceChoice,
  workspacesOf,
} from "../domain/workspace/sessions";
import { assertSameOrigin, SESSION_COOKIE } from "../lib/auth";
import type { AppEnv } from "../lib/context";
import { sha256Hex } from "../lib/crypto";
import { unauthorized } from "../lib/errors";
import { limitAccountSignIn } from "../lib/rate-limit";
import { createRouter } from "../lib/router";
import { errorResponses, jsonBody, jsonResponse, Timestamp, toIso } from "../schemas/common";
import {
  InvitationToken,
  invitationGoneResponse,
  Password,
  PersonName,
  RoleSchema,
  SignedInSchema,
  toWorkspaceChoices,
} from "../schemas/users";

const WorkspaceId = z.string().min(1).max(64);

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["Auth"],
  summary: "Sign in with email and password; sets the session cookie",
  description:
    "The session is bound to one workspace: `workspace_id`, or the person's first. The answer lists every workspace they can switch to. Attempts are limited per address and per account.",
  request: {
    body: jsonBody(
      z
        .strictObject({
          email: z.email().max(254),
          password: z.string().min(1).max(256),
          workspace_id: WorkspaceId.optional(),
        })
        .openapi("LoginRequest", { example: { email: "admin@demo.local", password: "demo1234" } }),
    ),
  },
  responses: { 200: jsonResponse(SignedInSchema, "Signed in"), ...errorResponses },
});

const switchRoute = createRoute({
  method: "post",
  path: "/auth/switch-workspace",
  tags: ["Auth"],
  summary: "Move to another of your workspaces: a fresh session replaces this one",
  security: [{ session: [] }],
  request: {
    body: jsonBody(z.strictObject({ workspace_id: WorkspaceId }).openapi("WorkspaceSwitch")),
  },
  responses: { 200: jsonResponse(SignedInSchema, "Switched"), ...errorResponses },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["Auth"],
  summary: "End the current session",
  responses: { 204: { description: "Signed out" }, ...errorResponses },
});

const previewRoute = createRoute({
  method: "post",
  path: "/auth/invitation",
  tags: ["Auth"],
  summary: "What an invitation token offers (workspace, email, role)",
  request: {
    body: jsonBody(z.strictObject({ token: InvitationToken }).openapi("InvitationToken")),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          workspace: z.object({ id: z.string(), name: z.string() }),
          email: z.string(),
          role: RoleSchema,
          expires_at: Timestamp,
        })
        .openapi("InvitationPreview"),
      "The invitation",
    ),
    ...invitationGoneResponse,
    ...errorResponses,
  },
});

const acceptRoute = createRoute({
  method: "post",
  path: "/auth/accept-invite",
  tags: ["Auth"],
  summary: "Accept an invitation without a session; signs in to its workspace",
  description:
    "With `name` and `password`: creates the account of an email that has none (409 when it has one). Without `name`: the email already has an account, and `password` is its current password (nothing about the account changes). A signed-in person accepts with POST /api/v1/invitations/accept instead. Expired, revoked or used invitations answer 410.",
  request: {
    body: jsonBody(
      z
        .strictObject({ token: InvitationToken, password: Password, name: PersonName.optional() })
        .openapi("AcceptInvite"),
    ),
  },
  responses: {
    200: jsonResponse(SignedInSchema, "Accepted and signed in"),
    ...invitationGoneResponse,
    ...errorResponses,
  },
});

function setSessionCookie(c: Context<AppEnv>, session: { token: string; expiresAt: number }) {
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    expires: new Date(session.expiresAt),
  });
}

const signedIn = (session: { workspaceId: string; workspaces: WorkspaceChoice[] }) => ({
  workspace_id: session.workspaceId,
  workspaces: toWorkspaceChoices(session.workspaces),
});

export const authRouter = createRouter()
  .openapi(loginRoute, async (c) => {
    assertSameOrigin(c.req.raw, c.env.ALLOWED_ORIGINS, { required: false });
    const { email, password, workspace_id } = c.req.valid("json");
    await limitAccountSignIn(c.env, email);
    const session = await login(
      c.get("db"),
      { email, password, workspaceId: workspace_id },
      c.get("clock").now(),
    );
    if (!session) throw unauthorized("Wrong email or password.");
    setSessionCookie(c, session);
    return c.json(signedIn(session), 200);
  })
  .openapi(switchRoute, async (c) => {
    const session = await switchWorkspace(
      c.get("db"),
      c.get("principal"),
      c.req.valid("json").workspace_id,
      c.get("clock").now(),
    );
    setSessionCookie(c, session);
    return c.json(signedIn(session), 200);
  })
  .openapi(logoutRoute, async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) {
      assertSameOrigin(c.req.raw, c.env.ALLOWED_ORIGINS, { required: true });
      await endSession(c.get("db"), await sha256Hex(cookie));
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.body(null, 204);
  })
  .openapi(previewRoute, async (c) => {
    const { invitation, workspace } = await previewInvitation(
      c.get("db"),
      c.req.valid("json").token,
      c.get("clock").now(),
    );
    return c.json(
      {
        workspace: { id: workspace.id, name: workspace.name },
        email: invitation.email,
        role: invitation.role,
        expires_at: toIso(invitation.expiresAt),
      },
      200,
    );
  })
  .openapi(acceptRoute, async (c) => {
    assertSameOrigin(c.req.raw, c.env.ALLOWED_ORIGINS, { required: false });
    const db = c.get("db");
    const now = c.get("clock").now();
    const { token, password, name } = c.req.valid("json");
    const invitation = await invitationByToken(db, token, now);
    await limitAccountSignIn(c.env, invitation.email);
    const accepted = name
      ? await acceptWithNewAccount(db, invitation, { name, password }, now)
      : await acceptWithPassword(db, invitation, password, now);
    const session = await openSession(db, accepted.userId, accepted.workspaceId, now);
    setSessionCookie(c, session);
    return c.json(
      signedIn({ ...session, workspaces: await workspacesOf(db, accepted.userId) }),
      200,
    );
  });
