import { z } from "@hono/zod-openapi";
import { CONSENT_CHANNELS } from "../db/schema";
import { Id, Timezone } from "./automation-rules";
import { multiLine, singleLine, Timestamp } from "./common";
import { Contact, FieldKey, TagName } from "./contacts";

/** Who a segment takes in: rules over a contact's tags, fields, channels, consent and dates. */

const Days = z.number().int().min(1).max(3650);
const IsoDate = z.iso.date().openapi({ example: "2026-01-31" });
const Language = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a BCP 47 language tag such as es or pt-BR");

export const SEGMENT_FIELD_OPERATORS = [
  "eq",
  "ne",
  "contains",
  "set",
  "unset",
  "gt",
  "gte",
  "lt",
  "lte",
  "before",
  "after",
  "within_last",
  "in",
] as const;
export type SegmentFieldOperator = (typeof SEGMENT_FIELD_OPERATORS)[number];

const Choice = z.string().trim().min(1).max(100).check(singleLine);
export const SegmentFieldValue = z.union([
  z.string().max(1000).check(multiLine),
  z.number(),
  z.boolean(),
  z.array(Choice).min(1).max(100),
]);

export const SegmentRuleSchema = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("tag"),
      operator: z.enum(["has_any", "has_all", "lacks_any", "lacks_all"]),
      tags: z.array(TagName).min(1).max(20),
    }),
    z.strictObject({
      type: z.literal("field"),
      field: FieldKey,
      operator: z.enum(SEGMENT_FIELD_OPERATORS),
      value: SegmentFieldValue.optional(),
    }),
    z.strictObject({
      type: z.literal("channel_kind"),
      operator: z.enum(["has", "lacks"]),
      kind: z.enum(CONSENT_CHANNELS),
    }),
    z.strictObject({
      type: z.literal("channel"),
      operator: z.enum(["has", "lacks"]),
      channel_id: Id,
    }),
    z.strictObject({
      type: z.literal("consent"),
      channel: z.enum(CONSENT_CHANNELS),
      status: z.enum(["opted_in", "opted_out", "not_opted_out"]),
    }),
    z.strictObject({
      type: z.literal("last_activity"),
      operator: z.enum(["within", "not_within"]),
      days: Days,
    }),
    z.strictObject({
      type: z.literal("created"),
      operator: z.enum(["before", "after", "within_last"]),
      date: IsoDate.optional(),
      days: Days.optional(),
    }),
    z.strictObject({
      type: z.literal("language"),
      operator: z.enum(["in", "not_in"]),
      values: z.array(Language).min(1).max(50),
    }),
    z.strictObject({
      type: z.literal("timezone"),
      operator: z.enum(["in", "not_in"]),
      values: z.array(Timezone).min(1).max(50),
    }),
  ])
  .superRefine((rule, ctx) => {
    if (rule.type !== "created") return;
    const wantsDays = rule.operator === "within_last";
    if (wantsDays && rule.days === undefined)
      ctx.addIssue({ code: "custom", path: ["days"], message: "within_last needs days" });
    if (!wantsDays && rule.date === undefined)
      ctx.addIssue({ code: "custom", path: ["date"], message: `${rule.operator} needs a date` });
  })
  .openapi("SegmentRule", {
    description:
      "`tag`: has or lacks any or all of the tags. `field`: a custom field compared by its type — text: eq, ne, contains, set, unset; number: eq, ne, gt, gte, lt, lte, set, unset; date: before, after, within_last (value in days), eq, set, unset; boolean: eq; select: eq, ne, in (a list), set, unset. `channel_kind`: reachable on that kind of channel (a phone for whatsapp and sms, an email address for email, otherwise an identity or a conversation there). `channel`: has an identity or a conversation on that channel. `consent`: their consent on a kind of channel (`not_opted_out` includes no answer yet). `last_activity`: wrote or was written to within the last N days, or not. `created`: created before or after a date (UTC), or within the last N days.",
  });
export type SegmentRule = z.infer<typeof SegmentRuleSchema>;

export const SegmentRules = z
  .strictObject({
    match: z.enum(["all", "any"]).default("all"),
    groups: z
      .array(
        z.strictObject({
          match: z.enum(["all", "any"]).default("all"),
          rules: z.array(SegmentRuleSchema).min(1).max(20),
        }),
      )
      .max(10),
  })
  .openapi("SegmentRules", {
    description:
      "Groups of rules: each group needs all or any of its rules; `match` joins the groups. No groups: every contact",
  });
export type SegmentRulesValue = z.infer<typeof SegmentRules>;

const Name = z.string().trim().min(1).max(100).check(singleLine);
const Description = z.string().trim().max(500).check(multiLine);

export const SegmentCreate = z
  .strictObject({ name: Name, description: Description.nullish(), rules: SegmentRules })
  .openapi("SegmentCreate");

export const SegmentPatch = z
  .strictObject({
    name: Name.optional(),
    description: Description.nullish(),
    rules: SegmentRules.optional(),
  })
  .openapi("SegmentPatch");

export const SegmentSchema = z
  .object({
    id: z.string().openapi({ example: "seg_01JD0000000000000000000000" }),
    name: z.string(),
    description: z.string().nullable(),
    rules: SegmentRules,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Segment");

export const SegmentPreviewBody = z.strictObject({ rules: SegmentRules }).openapi("SegmentPreview");

export const SAMPLE_SIZE = 10;

export const SegmentPreviewSchema = z
  .object({
    count: z.number().int(),
    sample: z.array(Contact).max(SAMPLE_SIZE).openapi({ description: "The newest matches" }),
  })
  .openapi("SegmentPreviewResult");

export const SegmentContactsQuery = z.object({
  after: z
    .string()
    .regex(/^ct_[0-9A-Z]{26}$/, "a contact id from the previous page")
    .optional()
    .openapi({ description: "The last contact id of the previous page" }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const SegmentContactPage = z
  .object({
    data: z.array(Contact),
    next_after: z.string().nullable().openapi({ description: "Pass as `after` for the next page" }),
  })
  .openapi("SegmentContactPage");
