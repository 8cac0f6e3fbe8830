import { z } from "@hono/zod-openapi";
import { IMPORT_POLICIES, IMPORT_STATUSES } from "../db/schema";
import { PROBLEM_KINDS } from "../domain/contacts/import-rows";
import { singleLine, Timestamp } from "./common";
import { TagName } from "./contacts";

const Target = z.string().trim().min(1).max(80).check(singleLine).nullable().openapi({
  description:
    "`name`, `phone`, `email`, `language`, `timezone`, `tags`, `field:<key>` (a custom field), `consent:<channel>` (yes / no cells), or null to leave the column out",
  example: "phone",
});

export const ContactImportPatch = z
  .strictObject({
    mapping: z
      .array(Target)
      .max(200)
      .optional()
      .openapi({ description: "What each column becomes, in the file's column order" }),
    policy: z.enum(IMPORT_POLICIES).optional().openapi({
      description:
        "A row whose phone or email is a contact's already: `skip` it, `fill_empty` (set what the contact lacks) or `overwrite` (the file's non-empty values win)",
    }),
    tags: z
      .array(TagName)
      .max(20)
      .optional()
      .openapi({ description: "Tags every imported or updated contact gets" }),
  })
  .openapi("ContactImportPatch");

export const ContactImportSchema = z
  .object({
    id: z.string(),
    filename: z.string(),
    status: z.enum(IMPORT_STATUSES),
    headers: z.array(z.string()),
    mapping: z.array(z.string().nullable()),
    sample: z.array(z.array(z.string())).openapi({ description: "The first rows of the file" }),
    policy: z.enum(IMPORT_POLICIES),
    tags: z.array(z.string()),
    rows_in_file: z.number().int(),
    rows_done: z.number().int(),
    progress: z.number().openapi({ description: "0 to 1" }),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int().openapi({ description: "Rows of known contacts left as they were" }),
    invalid: z.number().int(),
    duplicates: z
      .number()
      .int()
      .openapi({ description: "Rows repeating an earlier row's phone or email" }),
    error: z.string().nullable(),
    errors_url: z
      .string()
      .nullable()
      .openapi({ description: "The refused rows as CSV, once done" }),
    created_at: Timestamp,
    finished_at: Timestamp.nullable(),
  })
  .openapi("ContactImport");

export const ContactImportPage = z
  .object({ data: z.array(ContactImportSchema) })
  .openapi("ContactImportList");

export const DryRunReport = z
  .object({
    rows: z.number().int(),
    to_create: z.number().int(),
    to_update: z.number().int(),
    to_skip: z.number().int(),
    invalid: z.number().int(),
    duplicates: z.number().int(),
    unmapped_columns: z.array(z.string()).openapi({ description: "Columns left out" }),
    problems: z.array(
      z.object({
        kind: z.enum(PROBLEM_KINDS),
        count: z.number().int(),
        examples: z.array(
          z.object({
            line: z.number().int().openapi({ description: "The header is line 1" }),
            column: z.string().nullable(),
            message: z.string(),
          }),
        ),
      }),
    ),
  })
  .openapi("ContactImportDryRun");
