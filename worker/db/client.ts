import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

type Db = ReturnType<typeof build>;
const build = (d1: D1Database) => drizzle(d1, { schema });
const built = new WeakMap<D1Database, Db>();

/** One drizzle instance per binding: building one walks the whole schema, too slow per request. */
export function createDb(d1: D1Database): Db {
  let db = built.get(d1);
  if (!db) {
    db = build(d1);
    built.set(d1, db);
  }
  return db;
}
