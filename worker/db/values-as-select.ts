import { getTableColumns, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/**
 * A row's values as a SELECT list in the table's column order, mapped as drizzle maps them
 * (JSON, booleans): `INSERT … SELECT <this> WHERE <condition>` inserts it only while the
 * condition holds, in one statement.
 */
export function valuesAsSelect<T extends SQLiteTable>(table: T, row: T["$inferInsert"]) {
  return sql.join(
    Object.entries(getTableColumns(table)).map(([key, column]) =>
      sql.param((row as Record<string, unknown>)[key] ?? null, column),
    ),
    sql`, `,
  );
}
