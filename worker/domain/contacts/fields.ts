import type { z } from "@hono/zod-openapi";
import { asc, eq, or, type SQL, sql } from "drizzle-orm";
import { writeTogether } from "../../db/client";
import { type CustomFieldValue, contactFields, contacts, type FieldType } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict, type FieldError, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type {
  ContactFieldCreate,
  ContactFieldPatch,
  FieldFilterValue,
  FieldOperator,
} from "../../schemas/contacts";

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
export const isIsoDate = (v: string) =>
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

/** Which filter operators make sense on each type of field. */
const OPERATORS_BY_TYPE: Record<FieldType, FieldOperator[]> = {
  text: ["eq", "ne", "contains", "set", "unset"],
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "set", "unset"],
  date: ["eq", "ne", "gt", "gte", "lt", "lte", "set", "unset"],
  boolean: ["eq", "set", "unset"],
  select: ["eq", "ne", "set", "unset"],
};

/** A value written as text (a filter's, an AI's), as the field's type stores it, or why it cannot be one. */
export function fieldValueFromText(
  field: FieldDefinition,
  text: string,
): CustomFieldValue | { problem: string } {
  switch (field.type) {
    case "number": {
      const n = Number(text);
      return text.trim() !== "" && Number.isFinite(n) ? n : { problem: "must be a number" };
    }
    case "boolean":
      return text === "true"
        ? true
        : text === "false"
          ? false
          : { problem: "must be true or false" };
    case "date":
      return isIsoDate(text) ? text : { problem: "must be a date (YYYY-MM-DD)" };
    case "select":
      return field.options.includes(text)
        ? text
        : { problem: `must be one of: ${field.options.join(", ")}` };
    case "text":
      return text;
  }
}

const COMPARISONS = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
const STORED_TYPES: Record<FieldType, string[]> = {
  text: ["text"],
  select: ["text"],
  date: ["text"],
  number: ["integer", "real"],
  boolean: ["true", "false"],
};

/** A field's stored value, its JSON type, and whether that type is the field's. */
export function storedField(field: FieldDefinition) {
  const path = `$.${field.key}`;
  const stored = sql`json_extract(${contacts.customFields}, ${path})`;
  const type = sql`json_type(${contacts.customFields}, ${path})`;
  // a value stored under an older definition of the key is not compared as if it were this type
  const typed = sql`${type} in (${sql.join(
    STORED_TYPES[field.type].map((t) => sql`${t}`),
    sql`, `,
  )})`;
  return { stored, type, typed };
}

export function fieldCondition(
  field: FieldDefinition,
  op: FieldOperator,
  value: CustomFieldValue,
): SQL {
  const { stored, type, typed } = storedField(field);
  const caseless = field.type === "text";
  const equal = caseless ? sql`lower(${stored}) = lower(${value})` : sql`${stored} = ${value}`;
  switch (op) {
    case "set":
      return sql`${type} is not null`;
    case "unset":
      return sql`${type} is null`;
    case "eq":
      if (typeof value === "boolean") return sql`${type} = ${value ? "true" : "false"}`;
      return sql`(${typed} and ${equal})`;
    case "ne":
      return or(sql`${type} is null`, sql`not (${typed} and ${equal})`) as SQL;
    case "contains":
      return sql`${stored} like ${`%${String(value).replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`;
    default:
      return sql`(${typed} and ${stored} ${sql.raw(COMPARISONS[op])} ${value})`;
  }
}

/**
 * The SQL conditions of custom-field filters, checked against the workspace's definitions:
 * a problem is on `path` (the list's `query.field`) and names its filter by number.
 */
export function fieldFilterConditions(
  definitions: FieldDefinition[],
  filters: FieldFilterValue[],
  path = "query.field",
) {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const errors: FieldError[] = [];
  const conditions = filters.map(({ key, op, value }, i) => {
    const refuse = (problem: string) =>
      errors.push({ path, message: `filter ${i + 1} (${key}): ${problem}` });
    const field = byKey.get(key);
    if (!field) return refuse(`no field "${key}" (see /contact-fields)`);
    if (!OPERATORS_BY_TYPE[field.type].includes(op))
      return refuse(`a ${field.type} field takes: ${OPERATORS_BY_TYPE[field.type].join(", ")}`);
    if (op === "set" || op === "unset") return fieldCondition(field, op, "");
    const typed = fieldValueFromText(field, value);
    if (typeof typed === "object") return refuse(typed.problem);
    return fieldCondition(field, op, typed);
  });
  if (errors.length) throw validationFailed(errors);
  return conditions.filter((c): c is SQL => typeof c !== "number");
}
