import { z } from "@hono/zod-openapi";
import { CONSENT_CHANNELS, FIELD_TYPES } from "../db/schema";
import { multiLine, singleLine, Timestamp } from "./common";

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const TagName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .check(singleLine)
  .openapi({ example: "vip" });
export const ConsentStatus = z.enum(["opted_in", "opted_out"]);
const ConsentInput = z.union([
  ConsentStatus,
  z.strictObject({
    status: ConsentStatus,
    source: z.string().trim().min(1).max(64).check(singleLine).optional(),
  }),
]);
const CustomFieldInput = z.union([
  z.string().max(1000).check(multiLine),
  z.number(),
  z.boolean(),
  z.null(),
]);

const ContactFields = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .check(singleLine)
    .nullish()
    .openapi({ example: "Ana García" }),
  phone: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .check(singleLine)
    .nullish()
    .openapi({ description: "Any common format; stored as E.164", example: "+34 612 34 56 78" }),
  email: z.email().max(254).nullish().openapi({ example: "ana@example.com" }),
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a BCP 47 language tag such as es or pt-BR")
    .nullish(),
  timezone: z
    .string()
    .max(64)
    .refine(isTimeZone, "an IANA time zone such as Europe/Madrid")
    .nullish(),
  tags: z.array(TagName).max(50).optional().openapi({ description: "On update, replaces the set" }),
  custom_fields: z
    .record(z.string().max(40).check(singleLine), CustomFieldInput)
    .optional()
    .openapi({ description: "Values by field key (see /contact-fields); null removes a value" }),
  consent: z
    .partialRecord(z.enum(CONSENT_CHANNELS), ConsentInput)
    .optional()
    .openapi({ description: "Consent by channel type", example: { sms: "opted_in" } }),
});

export const ContactCreate = ContactFields.refine((c) => c.name || c.phone || c.email, {
  message: "a contact needs a name, a phone or an email",
  path: ["name"],
}).openapi("ContactCreate");

export const ContactPatch = ContactFields.openapi("ContactPatch");

export type ContactCreateInput = z.infer<typeof ContactCreate>;
export type ContactPatchInput = z.infer<typeof ContactPatch>;

export const ConsentRecordSchema = z
  .object({ status: ConsentStatus, at: Timestamp, source: z.string() })
  .openapi("ConsentRecord");

export const Contact = z
  .object({
    id: z.string().openapi({ example: "ct_01JD0000000000000000000000" }),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    language: z.string().nullable(),
    timezone: z.string().nullable(),
    tags: z.array(z.string()),
    custom_fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    consent: z.partialRecord(z.enum(CONSENT_CHANNELS), ConsentRecordSchema),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Contact");

export type ContactResource = z.infer<typeof Contact>;

export const ContactListQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100)
    .check(singleLine)
    .optional()
    .openapi({ description: "Matches name, phone or email" }),
  tag: TagName.optional(),
});

export const TagsBody = z
  .strictObject({ tags: z.array(TagName).min(1).max(50) })
  .openapi("TagsBody");

export const FieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "lower-case letters, digits and _, starting with a letter");

const FieldLabel = z.string().trim().min(1).max(100).check(singleLine);

export const ContactFieldCreate = z
  .strictObject({
    key: FieldKey.openapi({ example: "balance" }),
    label: FieldLabel.openapi({ example: "Balance" }),
    type: z.enum(FIELD_TYPES),
    options: z.array(FieldLabel).max(100).optional(),
  })
  .refine((f) => f.type !== "select" || (f.options?.length ?? 0) > 0, {
    message: "a select field needs options",
    path: ["options"],
  })
  .openapi("ContactFieldCreate");

export const ContactFieldPatch = z
  .strictObject({
    label: FieldLabel.optional(),
    options: z.array(FieldLabel).min(1).max(100).optional(),
  })
  .openapi("ContactFieldPatch");

export const ContactField = z
  .object({
    id: z.string(),
    key: z.string(),
    label: z.string(),
    type: z.enum(FIELD_TYPES),
    options: z.array(z.string()),
    created_at: Timestamp,
  })
  .openapi("ContactField");
