import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { Problem, problemResponse } from "./errors";

export type RequestLimit = { name: string; perSecond: number; burst: number };

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
/** Per IP on sign-in: ten tries, then one every six seconds. */
export const LOGIN_LIMIT: RequestLimit = { name: "login", perSecond: 1 / 6, burst: 10 };

export const clientIp = (headers: Headers) =>
  headers.get("cf-connecting-ip") ??
  headers.get("x-forwarded-for")?.split(",")[0]?.trim() ??
  "local";

/**
 * Token-bucket limits kept in a rate limiter object per caller. Over the limit: 429 with
 * Retry-After; every answer carries RateLimit-Limit / -Remaining / -Reset.
 */
export const rateLimit = (
  limit: RequestLimit,
  callerOf: (c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]) => string,
) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = `${limit.name}:${callerOf(c)}`;
    const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));
    const result = await limiter.check(key, limit.perSecond, limit.burst);
    const headers = {
      "ratelimit-limit": String(limit.burst),
      "ratelimit-remaining": String(result.remaining),
      "ratelimit-reset": String(result.resetSeconds),
    };
    if (result.waitMs > 0)
      return problemResponse(
        new Problem(
          429,
          "rate-limited",
          "Too many requests",
          "Slow down and retry after the given time.",
        ),
        { ...headers, "retry-after": String(Math.max(1, Math.ceil(result.waitMs / 1000))) },
      );
    await next();
    // a WebSocket upgrade's headers are fixed
    if (c.res.status === 101) return;
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
