import { z } from "@hono/zod-openapi";
import { multiLine, singleLine } from "./common";
import { FieldKey, TagName } from "./contacts";

/** What starts an automation and what must hold for it to run, with the pieces its steps share. */
/** The id of a row this API returned. */
export const Id = z.string().max(64);
export const Name = z.string().trim().min(1).max(100).check(singleLine);
export const Text = z.string().trim().min(1).max(4096).check(multiLine);
export const LabelName = z.string().trim().min(1).max(64).check(singleLine);
export const HourMinute = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time as HH:MM (00:00 to 23:59)")
  .openapi({ example: "09:00" });
export const Weekday = z.number().int().min(0).max(6).openapi({ description: "0 is Sunday" });
export const Timezone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "an IANA timezone such as Europe/Madrid")
  .openapi({ example: "Europe/Madrid" });
export const ChannelIds = z.array(Id).min(1).max(50);

/** Five fields (minute hour day month weekday) of numbers, ranges, lists, steps and `*`. */
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const CRON_RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return "five fields: minute hour day-of-month month day-of-week";
  for (const [i, field] of fields.entries()) {
    if (!CRON_FIELD.test(field)) return `field ${i + 1} ("${field}") is not a cron field`;
    const [min, max] = CRON_RANGES[i] ?? [0, 0];
    const numbers = field.match(/\d+/g)?.map(Number) ?? [];
    const steps = [...field.matchAll(/\/(\d+)/g)].map((m) => Number(m[1]));
    const values = numbers.filter((n) => !steps.includes(n) || field.indexOf(`/${n}`) < 0);
    if (values.some((n) => n < min || n > max))
      return `field ${i + 1} ("${field}") must stay within ${min}-${max}`;
    if (steps.some((n) => n < 1)) return `field ${i + 1} ("${field}") has a step of 0`;
  }
  return null;
}

/** A local wall-clock minute, as a cron expression reads it (weekday 0 is Sunday). */
export type CronTime = {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
};

const CRON_FIELD_INDEX = { minute: 0, hour: 1, day: 2, month: 3, weekday: 4 } as const;

function cronFieldMatches(field: string, value: number, index: number) {
  const [min, max] = CRON_RANGES[index] ?? [0, 0];
  // weekday 7 is Sunday too
  const values = index === CRON_FIELD_INDEX.weekday && value === 0 ? [0, 7] : [value];
  return field.split(",").some((part) => {
    const [range = "*", stepText] = part.split("/");
    const step = stepText ? Number(stepText) : 1;
    const [from, to] = range === "*" ? [min, max] : range.split("-").map(Number);
    const low = from ?? min;
    const high = to ?? (stepText ? max : low);
    return values.some((v) => v >= low && v <= high && (v - low) % step === 0);
  });
}

/**
 * Whether a valid expression (see `cronProblem`) names this minute. As in classic cron, when both
 * day-of-month and day-of-week are restricted, either one matching is enough.
 */
export function cronMatches(expression: string, time: CronTime) {
  const [minute = "*", hour = "*", day = "*", month = "*", weekday = "*"] = expression
    .trim()
    .split(/\s+/);
  const dayMatches = cronFieldMatches(day, time.day, CRON_FIELD_INDEX.day);
  const weekdayMatches = cronFieldMatches(weekday, time.weekday, CRON_FIELD_INDEX.weekday);
  const eitherDay =
    day.startsWith("*") || weekday.startsWith("*")
      ? dayMatches && weekdayMatches
      : dayMatches || weekdayMatches;
  return (
    cronFieldMatches(minute, time.minute, CRON_FIELD_INDEX.minute) &&
    cronFieldMatches(hour, time.hour, CRON_FIELD_INDEX.hour) &&
    cronFieldMatches(month, time.month, CRON_FIELD_INDEX.month) &&
    eitherDay
  );
}

export const Keywords = z.array(z.string().trim().min(1).max(60).check(singleLine)).min(1).max(50);

export const TriggerSchema = z
  .discriminatedUnion("type", [
    z
      .strictObject({
        type: z.literal("message.received"),
        keywords: Keywords.optional().openapi({
          description:
            "Any of these, as whole words, ignoring case and accents: `precio` matches “¿Cuál es el PRECIO?” but not “precios”",
        }),
        match: z.enum(["word", "exact", "starts_with"]).default("word").openapi({
          description:
            "`word`: a keyword anywhere as whole words; `exact`: the whole message; `starts_with`: its first words",
        }),
        channel_ids: ChannelIds.optional(),
      })
      .openapi({
        description:
          "A customer's message. One taken as the answer to an automation's question (an `ask` step waiting in that conversation) starts no automation",
      }),
    z.strictObject({
      type: z.enum(["conversation.opened", "conversation.closed", "conversation.assigned"]),
      channel_ids: ChannelIds.optional(),
    }),
    z.strictObject({ type: z.literal("contact.created") }),
    z.strictObject({
      type: z.enum(["contact.tag_added", "contact.tag_removed"]),
      tag: TagName,
    }),
    z.strictObject({ type: z.literal("contact.field_changed"), field: FieldKey }),
    z.strictObject({ type: z.literal("broadcast.replied") }),
    z
      .strictObject({
        type: z.literal("csat.answered"),
        max_score: z.number().int().min(0).max(10).optional().openapi({
          description:
            "Only scores up to this one (a low score: 2 on the 1–5 scale, 6 on the 0–10 one)",
        }),
        channel_ids: ChannelIds.optional(),
      })
      .openapi({
        description:
          "The customer scored the satisfaction survey sent after a close; steps read `{{trigger.data.score}}` and `{{trigger.data.scale}}`",
      }),
    z.strictObject({
      type: z.literal("webhook"),
      secret: z.string().min(16).max(200).check(singleLine).optional().openapi({
        description:
          "Signs incoming calls with HMAC-SHA256; write-only (`has_secret` says whether one is set)",
      }),
    }),
    z
      .strictObject({
        type: z.literal("schedule"),
        cron: z
          .string()
          .max(100)
          .superRefine((cron, ctx) => {
            const problem = cronProblem(cron);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          })
          .openapi({ example: "0 9 * * 1-5" }),
        timezone: Timezone.optional().openapi({ description: "The workspace's when absent" }),
      })
      .openapi({
        description:
          "Fires at each minute the cron names in the timezone (each minute once, late ticks caught up within 5 minutes). When the conditions name contact facts (tags, fields) it runs for each contact matching the conditions, in pages through the queue; otherwise it makes one run without a contact.",
      }),
    z.strictObject({ type: z.literal("manual") }),
  ])
  .openapi("AutomationTrigger");
export type Trigger = z.infer<typeof TriggerSchema>;
export type TriggerType = Trigger["type"];

export const FieldValue = z.union([z.string().max(1000).check(multiLine), z.number(), z.boolean()]);

export const ConditionSchema = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("field"),
      field: FieldKey,
      operator: z.enum(["eq", "ne", "contains", "gt", "gte", "lt", "lte", "set", "unset"]),
      value: FieldValue.optional(),
    }),
    z.strictObject({ type: z.literal("tag"), operator: z.enum(["has", "lacks"]), tag: TagName }),
    z.strictObject({ type: z.literal("channel"), channel_ids: ChannelIds }),
    z.strictObject({
      type: z.literal("business_hours"),
      state: z.enum(["open", "closed"]),
      business_hours_id: Id.optional().openapi({
        description: "The workspace's business hours when absent",
      }),
    }),
    z.strictObject({ type: z.literal("time_of_day"), from: HourMinute, to: HourMinute }),
    z.strictObject({ type: z.literal("day_of_week"), days: z.array(Weekday).min(1).max(7) }),
    z.strictObject({
      type: z.literal("variable"),
      name: z
        .string()
        .regex(/^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)*$/, "a saved value such as order.status")
        .max(200),
      operator: z.enum(["eq", "ne", "contains", "gt", "gte", "lt", "lte", "set", "unset"]),
      value: FieldValue.optional(),
    }),
    z.strictObject({
      type: z.literal("agents_available"),
      available: z.boolean(),
      team_id: Id.optional().openapi({ description: "Any agent of the workspace when absent" }),
    }),
    z.strictObject({ type: z.literal("customer_replied"), replied: z.boolean() }),
  ])
  .openapi("AutomationCondition", {
    description:
      "`time_of_day` and `day_of_week` are read in the workspace's timezone; `variable` reads a value an earlier step saved (an HTTP request's `save_as`); `agents_available`: an online agent (of the team) has room below their capacity, as routing counts it; `customer_replied`: the customer wrote in the conversation since the run started",
  });
export type Condition = z.infer<typeof ConditionSchema>;

export const ConditionsSchema = z
  .strictObject({
    match: z.enum(["all", "any"]).default("all"),
    groups: z
      .array(
        z.strictObject({
          match: z.enum(["all", "any"]).default("all"),
          rules: z.array(ConditionSchema).min(1).max(20),
        }),
      )
      .max(10),
  })
  .openapi("AutomationConditions", {
    description: "Groups of rules: each group needs all or any of its rules; `match` joins groups",
  });
export type Conditions = z.infer<typeof ConditionsSchema>;
