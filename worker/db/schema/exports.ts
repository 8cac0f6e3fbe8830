import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

export const EXPORT_KINDS = ["contacts", "conversations"] as const;
export const EXPORT_STATUSES = ["running", "done", "failed"] as const;

/**
 * A CSV export written in the background, page by page: each page is one part of the file in
 * storage (`parts` so far), `cursor` where the next page starts.
 */
export const dataExports = sqliteTable(
  "exports",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    kind: text("kind", { enum: EXPORT_KINDS }).notNull(),
    status: text("status", { enum: EXPORT_STATUSES }).notNull().default("running"),
    /** the list's filters, as the API parsed them */
    filters: text("filters", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    cursor: text("cursor"),
    parts: integer("parts").notNull().default(0),
    rowsDone: integer("rows_done").notNull().default(0),
    rowsTotal: integer("rows_total").notNull(),
    requestedBy: text("requested_by"),
    error: text("error"),
    createdAt: createdAt(),
    finishedAt: millis("finished_at"),
  },
  (t) => [index("exports_workspace_idx").on(t.workspaceId, t.createdAt)],
);
