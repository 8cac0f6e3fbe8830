import { and, eq, lt } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { idempotencyKeys } from "../db/schema";
import type { AppEnv } from "./context";
import { sha256Hex } from "./crypto";
import { conflict, Problem, problemResponse, validationFailed } from "./errors";

const DAY = 24 * 60 * 60 * 1000;
const WAIT_FOR_FIRST_MS = 10_000;
/** What an `Idempotency-Key` may be: 1–255 printable ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on a POST: the first request with a key runs; a retry with the same key and
 * body within 24 hours gets the first answer again (`Idempotent-Replayed: true`), a different
 * body with the same key is refused, and a duplicate arriving while the first still runs waits
 * for its answer. Keys are scoped to the authenticated caller; anonymous calls are never stored.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (!IDEMPOTENCY_KEY.test(key))
    throw validationFailed([
      { path: "Idempotency-Key", message: "1–255 printable ASCII characters" },
    ]);
  const scope = callerScope(c);
  if (scope === null) return next();
  const body = await c.req.raw.clone().text();
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
  const db = c.get("db");
  const now = c.get("clock").now();
  const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  await db.delete(idempotencyKeys).where(and(where, lt(idempotencyKeys.createdAt, now - DAY)));
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ scope, key, requestHash, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) return replay(c, where, requestHash);
  try {
    await next();
  } catch (error) {
    await db.delete(idempotencyKeys).where(where);
    throw error;
  }
  if (c.res.status >= 500) {
    await db.delete(idempotencyKeys).where(where);
    return;
  }
  const stored = c.res.clone();
  await db
    .update(idempotencyKeys)
    .set({
      status: stored.status,
      responseBody: await stored.text(),
      responseType: stored.headers.get("content-type"),
    })
    .where(where);
});

type Ctx = Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0];

/**
 * Whose stored answers a request may get: the API key's, the signed-in user's in this workspace,
 * or the widget visitor's (their contact on their channel). Null for an anonymous caller, whose
 * requests are never stored nor replayed: callers behind one address are not one caller, and a
 * new widget session's answer is its token, which must reach nobody else.
 */
function callerScope(c: Ctx): string | null {
  const principal = c.get("principal") as AppEnv["Variables"]["principal"] | undefined;
  if (principal?.apiKeyId) return `key:${principal.apiKeyId}`;
  if (principal?.userId) return `user:${principal.workspaceId}:${principal.userId}`;
  const visitor = c.get("visitor") as AppEnv["Variables"]["visitor"] | undefined;
  if (visitor) return `visitor:${visitor.workspaceId}:${visitor.channelId}:${visitor.contactId}`;
  return null;
}

async function replay(c: Ctx, where: ReturnType<typeof and>, requestHash: string) {
  const db = c.get("db");
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const first = await db.query.idempotencyKeys.findFirst({ where });
    if (!first)
      throw conflict("The first request with this Idempotency-Key failed; send it again.");
    if (first.requestHash !== requestHash)
      throw validationFailed([
        {
          path: "Idempotency-Key",
          message: "was already used with a different request body",
        },
      ]);
    if (first.status !== null) {
      return new Response(first.status === 204 ? null : first.responseBody, {
        status: first.status,
        headers: {
          ...(first.responseType ? { "content-type": first.responseType } : {}),
          "idempotent-replayed": "true",
        },
      });
    }
    if (Date.now() > deadline)
      return problemResponse(
        new Problem(
          409,
          "conflict",
          "Conflict",
          "A request with this Idempotency-Key is still running.",
        ),
        { "retry-after": "1" },
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
