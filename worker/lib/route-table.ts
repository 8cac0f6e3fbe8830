import type { Hono } from "hono";

type RouteEntry = { method: string; pattern: RegExp };

/**
 * The methods each registered path answers, so unknown paths get 404 and known paths
 * asked with the wrong method get 405 with `Allow` (Hono alone answers 404 to both).
 */
export function routeTable(app: Pick<Hono, "routes">) {
  let entries: RouteEntry[] | null = null;
  const load = () => {
    entries ??= app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({
        method: r.method,
        pattern: new RegExp(`^${r.path.replace(/\/:[^/]+/g, "/[^/]+")}/?$`),
      }));
    return entries;
  };
  return {
    allowedMethods(path: string): string[] {
      const methods = load()
        .filter((e) => e.pattern.test(path))
        .map((e) => e.method);
      return [...new Set(methods)];
    },
  };
}
