import { createRoute, z } from "@hono/zod-openapi";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { endSession, login } from "../domain/sessions";
import { acceptInvite } from "../domain/users";
import { assertSameOrigin, SESSION_COOKIE } from "../lib/auth";
import { sha256Hex } from "../lib/crypto";
import { unauthorized } from "../lib/errors";
import { createRouter } from "../lib/router";
import { errorResponses, jsonBody } from "../schemas/common";
import { Password } from "../schemas/users";

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["Auth"],
  summary: "Sign in with email and password; sets the session cookie",
  request: {
    body: jsonBody(
      z
        .strictObject({ email: z.email().max(254), password: z.string().min(1).max(256) })
        .openapi("LoginRequest", { example: { email: "admin@demo.local", password: "demo1234" } }),
    ),
  },
  responses: { 204: { description: "Signed in" }, ...errorResponses },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["Auth"],
  summary: "End the current session",
  responses: { 204: { description: "Signed out" }, ...errorResponses },
});

const acceptInviteRoute = createRoute({
  method: "post",
  path: "/auth/accept-invite",
  tags: ["Auth"],
  summary: "Set a password with an invitation token",
  request: {
    body: jsonBody(
      z
        .strictObject({ token: z.string().min(1).max(128), password: Password })
        .openapi("AcceptInvite"),
    ),
  },
  responses: { 204: { description: "Password set; sign in next" }, ...errorResponses },
});

export const authRouter = createRouter()
  .openapi(loginRoute, async (c) => {
    assertSameOrigin(c.req.raw, c.env.ALLOWED_ORIGINS, { required: false });
    const { email, password } = c.req.valid("json");
    const session = await login(c.get("db"), email, password, c.get("clock").now());
    if (!session) throw unauthorized("Wrong email or password.");
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: "Lax",
      secure: new URL(c.req.url).protocol === "https:",
      path: "/",
      expires: new Date(session.expiresAt),
    });
    return c.body(null, 204);
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
  .openapi(acceptInviteRoute, async (c) => {
    const { token, password } = c.req.valid("json");
    await acceptInvite(c.get("db"), token, password, c.get("clock").now());
    return c.body(null, 204);
  });
