import { fillPlaceholders } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import type { SQLitePreparedQuery } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";
import { scopedD1 } from "./scope";

type Db = ReturnType<typeof build>;
const build = (d1: D1Database) => drizzle(d1, { schema });
const built = new WeakMap<D1Database, Db>();
const unscopedOf = new WeakMap<Db, Db>();
const isUnscoped = new WeakSet<Db>();

/**
 * One drizzle instance per binding (building one walks the whole schema, too slow per request),
 * over a binding that refuses any statement reading or changing a workspace's rows without a
 * workspace condition (`worker/db/scope.ts`).
 */
export function createDb(d1: D1Database): Db {
  let db = built.get(d1);
  if (!db) {
    db = build(scopedD1(d1));
    built.set(d1, db);
    const unscoped = build(d1);
    unscopedOf.set(db, unscoped);
    isUnscoped.add(unscoped);
  }
  return db;
}

/**
 * The same database without the workspace check, for the few reads that find out which workspace
 * a request belongs to: a credential (session, API key, invitation token), a person's own
 * memberships and sessions, a channel named by a public URL or an email address. The files allowed
 * to call it are listed in test/security/every-workspace-query-names-its-workspace.test.ts.
 */
export function acrossWorkspaces(db: Db): Db {
  const unscoped = unscopedOf.get(db);
  if (unscoped) return unscoped;
  if (isUnscoped.has(db)) return db;
  throw new Error("acrossWorkspaces needs a database made by createDb");
}

/** Writes that land together or not at all (one D1 batch is one transaction); none is fine. */
export async function writeTogether(db: Db, writes: BatchItem<"sqlite">[]): Promise<void> {
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
}

// biome-ignore lint/suspicious/noExplicitAny: any prepared query; its result type is read off `execute`
type AnyPrepared = SQLitePreparedQuery<any>;
type ResultOf<P extends AnyPrepared> = Awaited<ReturnType<P["execute"]>>;

/**
 * A drizzle query with `sql.placeholder`s, turned into SQL once and bound many times: for hot
 * paths where building the query per call would cost more than running it.
 */
export class Reusable<P extends AnyPrepared> {
  private readonly statement: D1PreparedStatement;
  private readonly params: unknown[];

  constructor(
    db: Db,
    private readonly prepared: P,
  ) {
    const query = prepared.getQuery();
    this.statement = db.$client.prepare(query.sql);
    this.params = query.params;
  }

  bind(values: Record<string, unknown>): D1PreparedStatement {
    return this.statement.bind(...fillPlaceholders(this.params, values));
  }

  /** Maps a batch result of this statement as drizzle would. */
  read(result: D1Result): ResultOf<P> {
    return this.prepared.mapResult(result, true) as ResultOf<P>;
  }
}

/** `make`'s statements, built once per database. */
export function preparedOnce<T>(make: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let statements = cache.get(db);
    if (!statements) {
      statements = make(db);
      cache.set(db, statements);
    }
    return statements;
  };
}
