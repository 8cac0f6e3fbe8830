import { and, eq, gt } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { acrossWorkspaces } from "../db/client";
import { apiKeys, memberships, type Role, sessions } from "../db/schema";
import { inWorkspace } from "../db/scope";
import { usableApiKey } from "../domain/workspace/api-keys";
import type { AppEnv, Principal } from "./context";
import { sha256Hex } from "./crypto";
import { forbidden, unauthorized } from "./errors";
import { roleAtLeast } from "./roles";

export const SESSION_COOKIE = "conversa_session";

/** The token of an `Authorization: Bearer <token>` header, if it is one. */
export const bearerToken = (authorization: string | undefined) =>
  authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A key acts for the person who made it (see `usableApiKey` for what it may do). */
async function principalFromApiKey(c: Parameters<typeof authenticate>[0], secret: string) {
  const db = c.get("db");
  const key = await usableApiKey(db, secret);
  if (!key) return null;
  const now = c.get("clock").now();
  if (!key.lastUsedAt || now - key.lastUsedAt > 60_000) {
    c.executionCtx.waitUntil(
      db
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(inWorkspace(apiKeys, key.workspaceId, eq(apiKeys.id, key.id)))
        .run(),
    );
  }
  return {
    workspaceId: key.workspaceId,
    role: key.effectiveRole,
    userId: null,
    apiKeyId: key.id,
    via: "api_key",
    sessionIdHash: null,
  } satisfies Principal;
}

async function principalFromSession(c: Parameters<typeof authenticate>[0], cookie: string) {
  const db = c.get("db");
  const idHash = await sha256Hex(cookie);
  // the session names its workspace
  const [row] = await acrossWorkspaces(db)
    .select({ workspaceId: sessions.workspaceId, userId: sessions.userId, role: memberships.role })
    .from(sessions)
    .innerJoin(
      memberships,
      and(
        eq(memberships.workspaceId, sessions.workspaceId),
        eq(memberships.userId, sessions.userId),
      ),
    )
    .where(
      and(
        eq(sessions.idHash, idHash),
        gt(sessions.expiresAt, c.get("clock").now()),
        eq(memberships.active, true),
      ),
    )
    .limit(1);
  if (!row) return null;
  return { ...row, apiKeyId: null, via: "session", sessionIdHash: idHash } satisfies Principal;
}

/**
 * Cookie-authenticated writes must come from our own origin: browsers always send
 * `Origin` on non-GET requests, so a missing or foreign one is a cross-site request.
 */
export function assertSameOrigin(
  request: Request,
  allowedOrigins: string | undefined,
  { required }: { required: boolean },
) {
  const origin = request.headers.get("origin");
  if (!origin && !required) return;
  const allowed = new Set([new URL(request.url).origin, ...(allowedOrigins?.split(",") ?? [])]);
  if (!origin || !allowed.has(origin)) {
    throw forbidden("Cross-site request refused: Origin is missing or not this site.");
  }
}

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const bearer = bearerToken(c.req.header("authorization"));
  const cookie = getCookie(c, SESSION_COOKIE);
  let principal: Principal | null = null;
  if (bearer) {
    principal = await principalFromApiKey(c, bearer);
  } else if (cookie) {
    principal = await principalFromSession(c, cookie);
    if (principal && !SAFE_METHODS.has(c.req.method)) {
      assertSameOrigin(c.req.raw, c.env.ALLOWED_ORIGINS, { required: true });
    }
  }
  if (!principal) throw unauthorized();
  c.set("principal", principal);
  await next();
});

export const requireRole = (minimum: Role) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!roleAtLeast(c.get("principal").role, minimum)) {
      throw forbidden(`This needs the ${minimum} role or higher.`);
    }
    await next();
  });
