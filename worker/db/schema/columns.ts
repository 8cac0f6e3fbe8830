import { sql } from "drizzle-orm";
import { integer } from "drizzle-orm/sqlite-core";

/** Milliseconds since the epoch; every timestamp column uses it. */
export const millis = (name: string) => integer(name, { mode: "number" });

export const createdAt = () =>
  millis("created_at").notNull().default(sql`(unixepoch('subsec') * 1000)`);
