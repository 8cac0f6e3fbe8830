import { createMiddleware } from "hono/factory";

/**
 * Content-Security-Policy of each kind of answer the Worker gives. The inbox and the widget
 * files are static assets: their headers live in web/public/_headers.
 */
export const CONTENT_SECURITY_POLICY = {
  /** JSON and problems: nothing in them may load anything or be framed. */
  api: "default-src 'none'; frame-ancestors 'none'",
  /** A conversation's transcript as a page: its own inline styles, nothing else. */
  transcript: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  /** Uploaded files: never a page of ours (no script, no same-origin), never framed. */
  files: "default-src 'none'; sandbox; frame-ancestors 'none'",
  /** The API docs: Swagger UI from our own origin, talking only to our own API. */
  docs: [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  /**
   * The widget demo stands in for a customer's page. The widget puts its stylesheet into its
   * shadow root as a <style> element, which a host page's policy must allow.
   */
  demo: [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
} as const;

type Surface = keyof typeof CONTENT_SECURITY_POLICY;

export function surfaceOf(path: string): Surface {
  if (path === "/api/docs" || path.startsWith("/api/docs/")) return "docs";
  if (path === "/demo") return "demo";
  if (path.startsWith("/files/")) return "files";
  if (/^\/api\/v1\/conversations\/[^/]+\/transcript$/.test(path)) return "transcript";
  return "api";
}

export function securityHeadersFor(path: string): Record<string, string> {
  return {
    "content-security-policy": CONTENT_SECURITY_POLICY[surfaceOf(path)],
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    // file links are capabilities (signed URLs) and inbox paths name conversations
    "referrer-policy": "no-referrer",
  };
}

/** Every answer of the Worker carries the headers of its surface (WebSocket upgrades aside). */
export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  if (c.res.status === 101) return;
  const headers = securityHeadersFor(c.req.path);
  try {
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  } catch {
    // answers fetched from elsewhere (a Durable Object, the assets) have immutable headers
    c.res = new Response(c.res.body, c.res);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  }
});
