import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

/** What a row does when its phone or email is already a contact's. */
export const IMPORT_POLICIES = ["skip", "fill_empty", "overwrite"] as const;
export type ImportPolicy = (typeof IMPORT_POLICIES)[number];

/**
 * uploaded: mapping may change; preparing: the file is being checked and cut into parts;
 * importing: parts are written one after another; done; failed.
 */
export const IMPORT_STATUSES = ["uploaded", "preparing", "importing", "done", "failed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/**
 * A CSV of contacts: the file in storage, what each column becomes, and how far the import
 * went. `cursor` counts the parts written; a part's contacts and the cursor's move are one
 * transaction, taken only while the cursor is where the part began.
 */
export const contactImports = sqliteTable(
  "contact_imports",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    filename: text("filename").notNull(),
    status: text("status", { enum: IMPORT_STATUSES }).notNull().default("uploaded"),
    /** the header's column names, in file order */
    headers: text("headers", { mode: "json" }).$type<string[]>().notNull(),
    /** per column, what it becomes (`name`, `phone`, `field:plan`, `consent:sms` …) or null */
    mapping: text("mapping", { mode: "json" }).$type<(string | null)[]>().notNull(),
    policy: text("policy", { enum: IMPORT_POLICIES }).notNull().default("skip"),
    /** tags every imported or updated contact gets */
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** the first rows below the header, to show beside the mapping */
    sample: text("sample", { mode: "json" }).$type<string[][]>().notNull(),
    /** rows below the header */
    rowsInFile: integer("rows_in_file").notNull(),
    parts: integer("parts").notNull().default(0),
    cursor: integer("cursor").notNull().default(0),
    rowsDone: integer("rows_done").notNull().default(0),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    invalid: integer("invalid").notNull().default(0),
    duplicates: integer("duplicates").notNull().default(0),
    error: text("error"),
    requestedBy: text("requested_by"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
    finishedAt: millis("finished_at"),
  },
  (t) => [index("contact_imports_workspace_idx").on(t.workspaceId, t.createdAt)],
);
