import type { z } from "@hono/zod-openapi";
import { asc, eq, sql } from "drizzle-orm";
import { writeTogether } from "../db/client";
import { type CustomFieldValue, contactFields, contacts } from "../db/schema";
import { inWorkspace } from "../db/scope";
import type { Db } from "../lib/context";
import { conflict, type FieldError, notFound, validationFailed } from "../lib/errors";
import { newId } from "../lib/ids";
import type { ContactFieldCreate, ContactFieldPatch } from "../schemas/contacts";

export type FieldDefinition = typeof contactFields.$inferSelect;

export const listContactFields = (db: Db, workspaceId: string) =>
  db.query.contactFields.findMany({
    where: inWorkspace(contactFields, workspaceId),
    orderBy: asc(contactFields.key),
  });

export async function getContactField(db: Db, workspaceId: string, id: string) {
  const field = await db.query.contactFields.findFirst({
    where: inWorkspace(contactFields, workspaceId, eq(contactFields.id, id)),
  });
  if (!field) throw notFound("Contact field");
  return field;
}

export async function createContactField(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof ContactFieldCreate>,
  now: number,
) {
  const taken = await db.query.contactFields.findFirst({
    where: inWorkspace(contactFields, workspaceId, eq(contactFields.key, input.key)),
  });
  if (taken) throw conflict(`A field with key "${input.key}" exists.`, "key");
  const [row] = await db
    .insert(contactFields)
    .values({
      id: newId("fld", now),
      workspaceId,
      ...input,
      options: input.options ?? [],
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function updateContactField(
  db: Db,
  workspaceId: string,
  id: string,
  patch: z.infer<typeof ContactFieldPatch>,
) {
  const field = await getContactField(db, workspaceId, id);
  if (patch.options && field.type !== "select") {
    throw validationFailed([{ path: "options", message: "only select fields have options" }]);
  }
  if (patch.label === undefined && patch.options === undefined) return field;
  const [row] = await db
    .update(contactFields)
    .set(patch)
    .where(inWorkspace(contactFields, workspaceId, eq(contactFields.id, id)))
    .returning();
  return row ?? field;
}

/** Values already stored on contacts stay; they are just no longer validated or offered. */
/** Deletes the definition and every contact's value for it, together. */
export async function deleteContactField(db: Db, workspaceId: string, id: string) {
  const field = await getContactField(db, workspaceId, id);
  const path = `$.${field.key}`;
  await writeTogether(db, [
    db
      .delete(contactFields)
      .where(inWorkspace(contactFields, workspaceId, eq(contactFields.id, id))),
    db
      .update(contacts)
      .set({ customFields: sql`json_remove(${contacts.customFields}, ${path})` })
      .where(
        inWorkspace(
          contacts,
          workspaceId,
          sql`json_type(${contacts.customFields}, ${path}) is not null`,
        ),
      ),
  ]);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isIsoDate = (v: string) =>
  ISO_DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

function checkValue(field: FieldDefinition, value: CustomFieldValue): string | null {
  switch (field.type) {
    case "text":
      return typeof value === "string" ? null : "must be text";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "must be a number";
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "date":
      return typeof value === "string" && isIsoDate(value) ? null : "must be a date (YYYY-MM-DD)";
    case "select":
      return typeof value === "string" && field.options.includes(value)
        ? null
        : `must be one of: ${field.options.join(", ")}`;
  }
}

/**
 * Checks values against the workspace's definitions and merges them over `current`;
 * a null value removes the key.
 */
export function mergeCustomFields(
  definitions: FieldDefinition[],
  current: Record<string, CustomFieldValue>,
  input: Record<string, CustomFieldValue | null>,
): { values: Record<string, CustomFieldValue>; errors: FieldError[] } {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const values = { ...current };
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(input)) {
    const path = `custom_fields.${key}`;
    if (value === null) {
      delete values[key];
      continue;
    }
    const field = byKey.get(key);
    const problem = field
      ? checkValue(field, value)
      : "no such field (define it under /contact-fields)";
    if (problem) errors.push({ path, message: problem });
    else values[key] = value;
  }
  return { values, errors };
}
