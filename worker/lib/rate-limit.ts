import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { Problem } from "./errors";
import type { LimitCheck, RequestLimit } from "./token-bucket";

export type { RequestLimit } from "./token-bucket";

/** Per API key (or signed-in user): a steady 20 requests a second, bursts of 60. */
export const API_LIMIT: RequestLimit = { name: "api", perSecond: 20, burst: 60 };
/** Per visitor on the public widget API. */
export const WIDGET_LIMIT: RequestLimit = { name: "widget", perSecond: 10, burst: 60 };
/** New widget sessions per IP: offices and mobile carriers put many visitors behind one address. */
export const WIDGET_SESSION_LIMIT: RequestLimit = {
  name: "widget-session",
  perSecond: 2,
  burst: 300,
};
/** Per automation webhook URL: a steady 10 calls a second, bursts of 60. */
export const WEBHOOK_TRIGGER_LIMIT: RequestLimit = {
  name: "automation-webhook",
  perSecond: 10,
  burst: 60,
};
/** Per IP on sign-in: ten tries, then one every six seconds. */
export const LOGIN_LIMIT: RequestLimit = { name: "login", perSecond: 1 / 6, burst: 10 };
/**
 * Per account on sign-in, from any number of addresses: twenty tries, then two a minute. Keyed
 * by the lower-cased email whether or not it has an account, so a 429 tells nothing about it.
 */
export const LOGIN_ACCOUNT_LIMIT: RequestLimit = {
  name: "login-account",
  perSecond: 1 / 30,
  burst: 20,
};

/**
 * The caller's address, for the per-address limits (sign-in, new widget sessions). Cloudflare's
 * edge sets CF-Connecting-IP on every request from the internet, replacing whatever the client
 * sent; X-Forwarded-For is never read, since anyone can write it. A request that did not pass
 * the edge (local development) has no address and shares the one bucket `unknown`.
 */
export const clientIp = (headers: Headers) => headers.get("cf-connecting-ip")?.trim() || "unknown";

/** A visitor on the widget API, by their contact: every token of theirs draws on one bucket. */
export const visitorCaller = (visitor: { contactId: string } | undefined) =>
  `visitor:${visitor?.contactId ?? "none"}`;

/** The RateLimit-Limit / -Remaining / -Reset headers every limited answer carries. */
export const limitHeaders = (limit: RequestLimit, result: LimitCheck): Record<string, string> => ({
  "ratelimit-limit": String(limit.burst),
  "ratelimit-remaining": String(result.remaining),
  "ratelimit-reset": String(result.resetSeconds),
});

/** Over the limit: a 429 problem with Retry-After, to throw. */
export const rateLimited = (limit: RequestLimit, result: LimitCheck) =>
  new Problem(
    429,
    "rate-limited",
    "Too many requests",
    "Slow down and retry after the given time.",
  ).withHeaders({
    ...limitHeaders(limit, result),
    "retry-after": String(Math.max(1, Math.ceil(result.waitMs / 1000))),
  });

/** Takes a token from the caller's bucket, kept in a rate limiter object per caller. */
function checkLimit(env: Env, limit: RequestLimit, caller: string): Promise<LimitCheck> {
  const key = `${limit.name}:${caller}`;
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).check(key, limit);
}

/** Takes a token from the caller's bucket; over the limit, throws the 429 problem. */
export async function enforceLimit(env: Env, limit: RequestLimit, caller: string) {
  const result = await checkLimit(env, limit, caller);
  if (result.waitMs > 0) throw rateLimited(limit, result);
  return result;
}

/** Sign-in attempts against one account, counted across every address they come from. */
export const limitAccountSignIn = (env: Env, email: string) =>
  enforceLimit(env, LOGIN_ACCOUNT_LIMIT, email.toLowerCase());

/**
 * Token-bucket limits per caller. Over the limit: 429 with Retry-After; every answer carries
 * RateLimit-Limit / -Remaining / -Reset.
 */
export const rateLimit = (
  limit: RequestLimit,
  callerOf: (c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]) => string,
) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const result = await enforceLimit(c.env, limit, callerOf(c));
    await next();
    // a WebSocket upgrade's headers are fixed
    if (c.res.status === 101) return;
    for (const [name, value] of Object.entries(limitHeaders(limit, result)))
      c.res.headers.set(name, value);
  });
