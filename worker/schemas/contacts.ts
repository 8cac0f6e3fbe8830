import { z } from "@hono/zod-openapi";
import { CHANNEL_TYPES, CONSENT_CHANNELS, FIELD_TYPES } from "../db/schema";
import { multiLine, singleLine, Timestamp } from "./common";

export const isTimeZone = (tz: string) => {
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

export const ContactFields = z.strictObject({
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
    last_activity_at: Timestamp.openapi({
      description: "When they last wrote or were written to; their creation until then",
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Contact");

export type ContactResource = z.infer<typeof Contact>;

export const ContactPage = z
  .object({
    data: z.array(
      Contact.extend({
        channel_types: z
          .array(z.enum(CHANNEL_TYPES))
          .openapi({ description: "The kinds of channel they have conversations on" }),
      }).openapi("ContactListItem"),
    ),
    next_cursor: z.string().nullable(),
    total: z.number().int().nullable().openapi({
      description: `How many contacts match, up to 10,000 (see total_capped); on the first page only`,
    }),
    total_capped: z.boolean().openapi({ description: "More than `total` match" }),
  })
  .openapi("ContactPage");

export const ContactIdentity = z
  .object({
    channel_id: z.string().nullable(),
    channel_type: z.string(),
    channel_name: z.string().nullable(),
    value: z.string().openapi({ description: "How the platform knows them (a PSID, a chat id…)" }),
  })
  .openapi("ContactIdentity");

export const FieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "lower-case letters, digits and _, starting with a letter");

export const CONTACT_SORTS = ["created", "name", "last_activity"] as const;
export const FIELD_OPERATORS = [
  "eq",
  "ne",
  "contains",
  "gt",
  "gte",
  "lt",
  "lte",
  "set",
  "unset",
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

const NOT_A_CURSOR = "not a cursor returned by this API";

/** Where a page ends, for the sort it was read in: the sort key's value and the id. */
const ContactCursor = z
  .string()
  .max(1000)
  .transform((text, ctx) => {
    try {
      const [sort, order, value, id] = JSON.parse(atob(text.replace(/-/g, "+").replace(/_/g, "/")));
      const valid =
        CONTACT_SORTS.includes(sort) &&
        (order === "asc" || order === "desc") &&
        (typeof value === "string" || typeof value === "number") &&
        typeof id === "string" &&
        /^ct_[0-9A-Z]{26}$/.test(id);
      if (valid) return { sort, order, value, id } as ContactCursorValue;
    } catch {}
    ctx.addIssue({ code: "custom", message: NOT_A_CURSOR });
    return z.NEVER;
  })
  .openapi({ type: "string", description: "`next_cursor` of the previous page" });

export type ContactCursorValue = {
  sort: (typeof CONTACT_SORTS)[number];
  order: "asc" | "desc";
  value: string | number;
  id: string;
};

export const encodeContactCursor = (c: ContactCursorValue) =>
  btoa(JSON.stringify([c.sort, c.order, c.value, c.id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

export const FilterText = z.string().max(300).check(singleLine);

/** `key:operator:value`, e.g. `plan:eq:gold`, `balance:gte:100`, `vip:eq:true`, `email_opt:set`. */
function parseFieldFilter(text: string): FieldFilterValue | string {
  const printable = FilterText.safeParse(text);
  if (!printable.success) return printable.error.issues[0]?.message ?? "not a filter";
  const [key = "", op = "", ...rest] = text.split(":");
  const value = rest.join(":");
  if (!FieldKey.safeParse(key).success) return "starts with a field key: key:operator:value";
  if (!(FIELD_OPERATORS as readonly string[]).includes(op))
    return `operator must be one of: ${FIELD_OPERATORS.join(", ")}`;
  const needsValue = op !== "set" && op !== "unset";
  if (needsValue && value === "") return `${op} needs a value: key:${op}:value`;
  if (!needsValue && value !== "") return `${op} takes no value`;
  return { key, op: op as FieldOperator, value };
}

export type FieldFilterValue = { key: string; op: FieldOperator; value: string };

/** Field filters' texts parsed; a problem names the filter by its number. */
export function parseFieldFilters(texts: string[] | undefined, ctx: z.RefinementCtx) {
  if (!texts) return undefined;
  const filters: FieldFilterValue[] = [];
  texts.forEach((text, i) => {
    const parsed = parseFieldFilter(text);
    if (typeof parsed === "string")
      ctx.addIssue({ code: "custom", message: `filter ${i + 1}: ${parsed}` });
    else filters.push(parsed);
  });
  return filters;
}

/** The `field` parameter, given once or repeated. */
export const FieldFilters = z
  .preprocess(
    (v) => (v === undefined || Array.isArray(v) ? v : [v]),
    z.array(z.string()).max(10, "at most 10 field filters").optional(),
  )
  .transform(parseFieldFilters);

export const ContactListQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100)
    .check(singleLine)
    .optional()
    .openapi({ description: "Matches name, phone or email" }),
  tag: TagName.optional(),
  segment_id: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "Only the contacts this segment takes in" }),
  field: FieldFilters.openapi({
    description:
      "Custom field filters, `key:operator:value` (repeatable, all must hold). Operators by type — text: eq, ne, contains; number and date: eq, ne, gt, gte, lt, lte; boolean: eq (true/false); select: eq, ne; any: set, unset.",
    example: ["plan:eq:gold"],
    type: "array",
    items: { type: "string" },
  }),
  sort: z.enum(CONTACT_SORTS).default("created"),
  order: z
    .enum(["asc", "desc"])
    .optional()
    .openapi({ description: "By name A→Z, otherwise newest first, unless given" }),
  cursor: ContactCursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export type ContactListFilter = z.output<typeof ContactListQuery>;

export const TagsBody = z
  .strictObject({ tags: z.array(TagName).min(1).max(50) })
  .openapi("TagsBody");

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
