import { z } from "@hono/zod-openapi";
import { BROADCAST_RUN_STATUSES, BROADCAST_STATUSES, RECIPIENT_STATUSES } from "../db/schema";
import { pageOf, pageQuery } from "../lib/pagination";
import { HourMinute, Timezone, Weekday } from "./automation-rules";
import { multiLine, singleLine, Timestamp } from "./common";
import { TagName } from "./contacts";
import { AgentMessageFields } from "./conversations";

const Name = z.string().trim().min(1).max(100).check(singleLine);
const Id = z.string().max(64);

/** Broadcasts name at most this many contacts one by one; larger audiences are segments. */
export const MAX_AUDIENCE_CONTACTS = 1000;

export const BroadcastAudience = z
  .strictObject({
    segment_id: Id.optional(),
    tags: z.array(TagName).min(1).max(20).optional(),
    contact_ids: z.array(Id).min(1).max(MAX_AUDIENCE_CONTACTS).optional(),
    csv: z.literal(true).optional().openapi({
      description: "The contacts uploaded with `POST …/{id}/audience/csv` (set by the upload)",
    }),
  })
  .superRefine((audience, ctx) => {
    if (audience.segment_id && audience.tags)
      ctx.addIssue({ code: "custom", path: ["tags"], message: "give a segment or tags, not both" });
    if (!audience.segment_id && !audience.tags && !audience.contact_ids && !audience.csv)
      ctx.addIssue({ code: "custom", message: "give a segment_id, tags, contact_ids or csv" });
  })
  .openapi("BroadcastAudience", {
    description:
      "A saved segment or contacts with any of the tags, and/or contacts by id. Opted-out contacts and contacts the channel cannot reach are excluded and counted",
  });

export const BroadcastMessage = z
  .strictObject({
    text: z.string().trim().min(1).max(4096).check(multiLine).optional(),
    snippet_id: Id.optional(),
    template: AgentMessageFields.shape.template,
    message_template_id: Id.optional().openapi({
      description: "A message template of the channel's kind, filled per contact",
    }),
  })
  .superRefine((message, ctx) => {
    const given = [
      message.text,
      message.snippet_id,
      message.template,
      message.message_template_id,
    ].filter((part) => part !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: "custom",
        message: "give one of text, snippet_id, template or message_template_id",
      });
  })
  .openapi("BroadcastMessage", {
    description:
      "One of: text (variables like `{{contact.first_name|there}}` filled per contact), a saved snippet, an approved WhatsApp template (the only message WhatsApp allows outside the 24-hour window), or a message template of the channel's kind",
  });

export const MAX_VARIANTS = 4;

export const BroadcastVariant = z
  .strictObject({
    key: z
      .string()
      .regex(/^[A-Z]$/, "one capital letter")
      .openapi({ example: "A" }),
    message: BroadcastMessage,
  })
  .openapi("BroadcastVariant");

export const BroadcastSplit = z
  .strictObject({
    sample_percent: z.number().int().min(1).max(100).openapi({
      description: "The share of the audience the variants go to first, split evenly",
    }),
    winner_by: z.enum(["replies", "clicks"]).openapi({
      description: "The variant with the most replies (or clicks) per message sent wins",
    }),
    decide_after_hours: z.number().int().min(1).max(720).openapi({
      description: "Hours after the start when the winner is picked and the rest is sent",
    }),
  })
  .openapi("BroadcastSplit");

const Variants = z
  .array(BroadcastVariant)
  .min(2)
  .max(MAX_VARIANTS)
  .superRefine((variants, ctx) => {
    const seen = new Set<string>();
    for (const [i, variant] of variants.entries()) {
      if (seen.has(variant.key))
        ctx.addIssue({ code: "custom", path: [i, "key"], message: "is given twice" });
      seen.add(variant.key);
    }
  })
  .openapi({ description: "An A/B test's messages (2 to 4), instead of `message`" });

const TrackClicks = z.boolean().openapi({
  description:
    "Links in the text go out as short links that count each recipient's first click (default true)",
});

/** Either one message or an A/B test's variants with their split, never both. */
const checkMessageOrVariants = (
  input: {
    message?: unknown;
    variants?: unknown;
    split?: unknown;
    schedule?: { recurrence?: unknown } | null | undefined;
  },
  ctx: z.RefinementCtx,
) => {
  if (input.message !== undefined && input.variants !== undefined)
    ctx.addIssue({ code: "custom", path: ["variants"], message: "give message or variants" });
  if (input.variants !== undefined && input.split === undefined)
    ctx.addIssue({ code: "custom", path: ["split"], message: "variants need a split" });
  if (input.split !== undefined && input.variants === undefined)
    ctx.addIssue({ code: "custom", path: ["split"], message: "a split needs variants" });
  if (input.variants && input.schedule?.recurrence)
    ctx.addIssue({
      code: "custom",
      path: ["schedule", "recurrence"],
      message: "an A/B test is sent once, not again each period",
    });
};

const SendAt = Timestamp.openapi({
  description:
    "Start then (within the minute); without it, the broadcast starts when asked. With a recurrence: its first run is not before",
});

const RECURRENCE_FIELDS = {
  daily: [],
  weekly: ["days_of_week"],
  monthly: ["day_of_month"],
  yearly: ["month", "day_of_month"],
} as const;
const PERIOD_FIELDS = ["days_of_week", "day_of_month", "month"] as const;

export const BroadcastRecurrence = z
  .strictObject({
    every: z.enum(["daily", "weekly", "monthly", "yearly"]),
    days_of_week: z.array(Weekday).min(1).max(7).optional(),
    day_of_month: z
      .number()
      .int()
      .min(1)
      .max(31)
      .optional()
      .openapi({ description: "Past the month's end means its last day" }),
    month: z.number().int().min(1).max(12).optional().openapi({ description: "For yearly" }),
    time: HourMinute.openapi({ description: "Local time of each run" }),
    timezone: Timezone.optional().openapi({ description: "The workspace's when absent" }),
    ends: z
      .strictObject({
        at: Timestamp.optional().openapi({ description: "No run at or after it" }),
        after_runs: z.number().int().min(1).max(10_000).optional(),
      })
      .optional(),
  })
  .superRefine((recurrence, ctx) => {
    const needed: readonly string[] = RECURRENCE_FIELDS[recurrence.every];
    for (const field of PERIOD_FIELDS) {
      const given = recurrence[field] !== undefined;
      if (needed.includes(field) && !given)
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `needed when every is ${recurrence.every}`,
        });
      if (!needed.includes(field) && given)
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `not used when every is ${recurrence.every}`,
        });
    }
  })
  .openapi("BroadcastRecurrence", {
    description:
      "Sends the broadcast again each period at `time` on the local clock (09:00 stays 09:00 across DST), one run per period however late the tick: daily, weekly on `days_of_week`, monthly on `day_of_month`, yearly on `month` and `day_of_month`",
  });

const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, "a local date and time as YYYY-MM-DDTHH:MM")
  .refine((local) => {
    const at = new Date(`${local}:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(local);
  }, "not a date on the calendar")
  .openapi({
    example: "2030-06-01T09:00",
    description:
      "Each recipient gets it at this wall time in their own timezone (the workspace's when they have none)",
  });

export const BroadcastScheduleSchema = z
  .strictObject({
    recurrence: BroadcastRecurrence.optional(),
    send_at_local: LocalDateTime.optional(),
  })
  .superRefine((schedule, ctx) => {
    if ((schedule.recurrence === undefined) === (schedule.send_at_local === undefined))
      ctx.addIssue({ code: "custom", message: "give one of recurrence or send_at_local" });
  })
  .openapi("BroadcastSchedule");

export const BroadcastCreate = z
  .strictObject({
    name: Name,
    channel_id: Id,
    audience: BroadcastAudience,
    message: BroadcastMessage.optional(),
    variants: Variants.optional(),
    split: BroadcastSplit.optional(),
    track_clicks: TrackClicks.optional(),
    send_at: SendAt.nullish(),
    schedule: BroadcastScheduleSchema.nullish(),
  })
  .superRefine((input, ctx) => {
    if (input.message === undefined && input.variants === undefined)
      ctx.addIssue({ code: "custom", path: ["message"], message: "give message or variants" });
    checkMessageOrVariants(input, ctx);
  })
  .openapi("BroadcastCreate");

export const BroadcastPatch = z
  .strictObject({
    name: Name.optional(),
    channel_id: Id.optional(),
    audience: BroadcastAudience.optional(),
    message: BroadcastMessage.optional(),
    variants: Variants.nullish(),
    split: BroadcastSplit.nullish(),
    track_clicks: TrackClicks.optional(),
    send_at: SendAt.nullish(),
    schedule: BroadcastScheduleSchema.nullish(),
  })
  .openapi("BroadcastPatch", { description: "Only a draft or a scheduled broadcast changes" });

export const BroadcastSchema = z
  .object({
    id: z.string().openapi({ example: "brd_01JD0000000000000000000000" }),
    name: z.string(),
    channel_id: z.string(),
    audience: BroadcastAudience,
    message: BroadcastMessage.openapi({ description: "With variants, the first one's" }),
    variants: z.array(BroadcastVariant).nullable(),
    split: BroadcastSplit.nullable(),
    winner: z.string().nullable().openapi({ description: "The A/B test's winning variant" }),
    track_clicks: z.boolean(),
    status: z.enum(BROADCAST_STATUSES),
    send_at: Timestamp.nullable(),
    schedule: BroadcastScheduleSchema.nullable(),
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Broadcast");

export const BroadcastList = pageOf(BroadcastSchema).openapi("BroadcastList");
export const BroadcastListQuery = z.object(pageQuery);

const Rate = z.number().min(0).max(1);

export const VariantStats = z
  .object({
    key: z.string(),
    sent: z.number().int(),
    delivered: z.number().int(),
    read: z.number().int(),
    replied: z.number().int(),
    clicked: z.number().int(),
    delivered_rate: Rate,
    read_rate: Rate,
    reply_rate: Rate,
    click_rate: Rate.openapi({ description: "Per message sent, as each rate" }),
  })
  .openapi("BroadcastVariantStats");

export const BroadcastStats = z
  .object({
    status: z.enum(BROADCAST_STATUSES),
    targeted: z.number().int().openapi({ description: "Every contact of the audience" }),
    excluded: z.number().int(),
    excluded_by_reason: z.record(z.string(), z.number().int()).openapi({
      example: { opted_out: 3, no_address: 1 },
    }),
    queued: z.number().int().openapi({ description: "Waiting to be sent, or being sent" }),
    held: z.number().int().openapi({ description: "Waiting for the A/B test's winner" }),
    sent: z.number().int(),
    delivered: z.number().int(),
    read: z.number().int(),
    replied: z.number().int(),
    clicked: z.number().int().openapi({ description: "Recipients who opened a short link" }),
    failed: z.number().int(),
    winner: z.string().nullable(),
    variants: z.array(VariantStats),
    waiting_reason: z.enum(["max_per_window"]).nullable().openapi({
      description:
        "Why sends wait: `max_per_window`, the sender's cap for the window is reached (of the run asked for, else the latest)",
    }),
    waiting_until: Timestamp.nullable().openapi({ description: "When they go on" }),
  })
  .openapi("BroadcastStats");

const RunNumber = z.coerce.number().int().min(1).max(1_000_000);

export const StatsQuery = z.object({
  run: RunNumber.optional().openapi({ description: "One run's counts; every run's without it" }),
});

export const BroadcastRunSchema = BroadcastStats.omit({
  status: true,
  winner: true,
  variants: true,
})
  .extend({
    run: z.number().int(),
    period_key: z.string().openapi({
      description:
        "`once`, the local date (month, year) of a recurrence's period, or `manual:` and when",
    }),
    status: z.enum(BROADCAST_RUN_STATUSES),
    started_at: Timestamp,
    finished_at: Timestamp.nullable(),
  })
  .openapi("BroadcastRun");

export const BroadcastRunList = z
  .object({ data: z.array(BroadcastRunSchema) })
  .openapi("BroadcastRunList");

export const RecipientSchema = z
  .object({
    contact_id: z.string(),
    contact_name: z
      .string()
      .nullable()
      .openapi({ description: "The contact's name now (null when unnamed or deleted)" }),
    status: z.enum(RECIPIENT_STATUSES),
    reason: z.string().nullable(),
    message_id: z.string().nullable(),
    conversation_id: z.string().nullable(),
    sent_at: Timestamp.nullable(),
    delivered_at: Timestamp.nullable(),
    read_at: Timestamp.nullable(),
    replied_at: Timestamp.nullable(),
    variant: z.string().nullable(),
    clicked_at: Timestamp.nullable(),
  })
  .openapi("BroadcastRecipient");

export const RecipientQuery = z.object({
  status: z.enum(RECIPIENT_STATUSES).optional(),
  run: RunNumber.optional().openapi({ description: "The latest run's without it" }),
  cursor: Id.optional().openapi({ description: "`next_cursor` of the previous page" }),
  limit: pageQuery.limit,
});

export const RecipientPage = z
  .object({ data: z.array(RecipientSchema), next_cursor: z.string().nullable() })
  .openapi("BroadcastRecipientPage");

export const RetryResult = z.object({ requeued: z.number().int() }).openapi("BroadcastRetryResult");

export const PickWinner = z
  .strictObject({ variant: z.string().max(1).openapi({ example: "B" }) })
  .openapi("BroadcastPickWinner");
