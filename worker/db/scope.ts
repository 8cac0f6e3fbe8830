import {
  and,
  eq,
  getTableColumns,
  getTableName,
  is,
  type Placeholder,
  type SQL,
} from "drizzle-orm";
import { type SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

/** A table whose rows belong to one workspace: it has a `workspace_id` column. */
type WorkspaceTable = SQLiteTable & { workspaceId: SQLiteColumn };

const isTable = (value: unknown): value is SQLiteTable => is(value, SQLiteTable);

const tableNames = (Object.values(schema) as unknown[])
  .filter(isTable)
  .filter((table) => "workspaceId" in getTableColumns(table))
  .map((table) => getTableName(table));

/** Names of the tables that carry tenant data. */
export const WORKSPACE_TABLES: ReadonlySet<string> = new Set(tableNames);

/**
 * The one way to say "in this workspace": the table's workspace condition joined to the others.
 * Every read, update and delete of a workspace table goes through it (or names the workspace
 * column itself), so a row of another workspace can never match.
 */
export const inWorkspace = (
  table: WorkspaceTable,
  workspaceId: string | Placeholder,
  ...conditions: (SQL | undefined)[]
) => and(eq(table.workspaceId, workspaceId), ...conditions) as SQL;

const TABLE_REFERENCE = /\b(from|join|update|into)\s+"?([a-z_]+)"?/g;
const WORKSPACE_CONDITION = /workspace_id"?\s*(=\s*\?|in\s*\()/;

/** The workspace tables a statement reads, updates or deletes from (inserts only write). */
function tenantTablesTouched(statement: string): string[] {
  const touched: string[] = [];
  for (const [, clause, table] of statement.matchAll(TABLE_REFERENCE)) {
    if (clause === "into" || !table || !WORKSPACE_TABLES.has(table)) continue;
    touched.push(table);
  }
  return touched;
}

export class UnscopedQuery extends Error {
  constructor(statement: string, tables: string[]) {
    super(
      `A query on workspace table${tables.length > 1 ? "s" : ""} ${tables.join(", ")} has no workspace condition: ${statement.slice(0, 300)}`,
    );
    this.name = "UnscopedQuery";
  }
}

/** Throws when a statement reads or changes tenant rows without a workspace condition. */
export function assertScoped(statement: string) {
  const text = statement.toLowerCase();
  const tables = tenantTablesTouched(text);
  if (tables.length > 0 && !WORKSPACE_CONDITION.test(text))
    throw new UnscopedQuery(statement, tables);
}

/** A D1 binding whose statements are checked by `assertScoped` before they are prepared. */
export function scopedD1(d1: D1Database): D1Database {
  return new Proxy(d1, {
    get(target, property) {
      if (property === "prepare")
        return (statement: string) => {
          assertScoped(statement);
          return target.prepare(statement);
        };
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
