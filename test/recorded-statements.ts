import { env } from "cloudflare:workers";
import { createDb } from "../worker/db/client";

/** A database whose statements are kept, with their bound values, as they are run. */
export function recordingDb() {
  const run: { sql: string; params: unknown[] }[] = [];
  const keep = (sql: string, statement: D1PreparedStatement) =>
    new Proxy(statement, {
      get(target, property) {
        if (property === "bind")
          return (...params: unknown[]) => {
            run.push({ sql, params });
            return target.bind(...params);
          };
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const d1 = new Proxy(env.DB, {
    get(target, property) {
      if (property === "prepare") return (sql: string) => keep(sql, target.prepare(sql));
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: createDb(d1), run };
}

/** How SQLite would run a recorded statement: the plan's steps. */
export async function planOf(statement: { sql: string; params: unknown[] }) {
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
    .bind(...statement.params)
    .all<{ detail: string }>();
  return plan.results.map((row) => row.detail);
}
