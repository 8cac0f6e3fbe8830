import { z } from "@hono/zod-openapi";
import { isSupportedCountry } from "libphonenumber-js";
import { ASSIGNMENT_STRATEGIES } from "../db/schema";
import { isTimezone } from "../domain/routing/hours";
import { multiLine, singleLine, Timestamp } from "./common";
import { UI_LANGUAGES } from "./languages";

const Message = z.string().trim().min(1).max(1000).check(multiLine).nullable().optional();
const Name = z.string().trim().min(1).max(100).check(singleLine);

export const TeamCreate = z
  .strictObject({
    name: Name,
    welcome_message: Message,
    away_message: Message.openapi({ description: "Sent once per opening when out of hours" }),
    busy_message: Message.openapi({ description: "Sent when every agent is at capacity" }),
    assignment: z.enum(ASSIGNMENT_STRATEGIES).default("manual"),
    business_hours_id: z.string().max(64).nullable().optional(),
    sla_first_response_minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30)
      .nullable()
      .optional()
      .openapi({
        description: "First-response target, in business minutes",
      }),
    sla_resolution_minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90)
      .nullable()
      .optional(),
    member_ids: z.array(z.string().max(64)).max(500).default([]),
  })
  .openapi("TeamCreate");

export const TeamPatch = TeamCreate.partial()
  .extend({ member_ids: z.array(z.string().max(64)).max(500).optional() })
  .openapi("TeamPatch");

export const TeamSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    welcome_message: z.string().nullable(),
    away_message: z.string().nullable(),
    busy_message: z.string().nullable(),
    assignment: z.enum(ASSIGNMENT_STRATEGIES),
    business_hours_id: z.string().nullable(),
    sla_first_response_minutes: z.number().int().nullable(),
    sla_resolution_minutes: z.number().int().nullable(),
    member_ids: z.array(z.string()),
    created_at: Timestamp,
  })
  .openapi("Team");

/** Countries phone numbers can be read for: ISO 3166 alpha-2, upper case. */
const isCountry = (code: string) => /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "HH:MM");
const LocalDate = z.iso.date();

const Weekly = z
  .array(
    z
      .strictObject({
        day: z.number().int().min(0).max(6).openapi({ description: "0 = Sunday" }),
        open: HHMM,
        close: HHMM,
      })
      .refine((w) => w.close > w.open, {
        message: "close must be after open",
        path: ["close"],
      }),
  )
  .max(50);

const Closures = z
  .array(
    z
      .strictObject({
        from: LocalDate,
        to: LocalDate,
        name: z.string().max(100).check(singleLine).optional(),
      })
      .refine((c) => c.to >= c.from, { message: "to must not be before from", path: ["to"] }),
  )
  .max(200)
  .openapi({ description: "Holidays and other closures: local dates, both ends included" });

const Timezone = z
  .string()
  .max(64)
  .refine(isTimezone, "an IANA timezone like Europe/Madrid")
  .openapi({ example: "Europe/Madrid" });

export const BusinessHoursCreate = z
  .strictObject({
    name: Name,
    timezone: Timezone,
    weekly: Weekly,
    closures: Closures.default([]),
  })
  .openapi("BusinessHoursCreate");

export const BusinessHoursPatch = z
  .strictObject({
    name: Name.optional(),
    timezone: Timezone.optional(),
    weekly: Weekly.optional(),
    closures: Closures.optional(),
  })
  .openapi("BusinessHoursPatch", { description: "`weekly` and `closures` replace the lists" });

export const BusinessHoursSchema = BusinessHoursCreate.extend({
  closures: Closures,
  id: z.string(),
  open_now: z.boolean(),
  next_opening: Timestamp.nullable().openapi({
    description:
      "When the next open period begins; while open, the one after the current period closes. Null when it never opens again.",
  }),
}).openapi("BusinessHours");

export const TransferRequest = z
  .strictObject({
    team_id: z.string().max(64).nullable().optional(),
    user_id: z.string().max(64).nullable().optional(),
    note: z.string().trim().min(1).max(5000).check(multiLine).optional(),
  })
  .refine((t) => t.team_id !== undefined || t.user_id !== undefined, {
    message: "name a team_id or a user_id",
    path: ["team_id"],
  })
  .openapi("TransferRequest");

export const ChannelRoutingSchema = z
  .strictObject({
    team_id: z.string().max(64).nullable().optional().openapi({
      description: "New conversations go to this team (after the menu, if any)",
    }),
    business_hours_id: z.string().max(64).nullable().optional(),
    menu: z
      .strictObject({
        prompt: z
          .string()
          .trim()
          .min(1)
          .max(1000)
          .check(multiLine)
          .openapi({ example: "How can we help?" }),
        options: z
          .array(
            z.strictObject({
              key: z.string().trim().min(1).max(10).check(singleLine).openapi({ example: "1" }),
              label: Name.openapi({ example: "Sales" }),
              team_id: z.string().max(64),
            }),
          )
          .min(1)
          .max(20),
        max_attempts: z.number().int().min(1).max(10).default(3),
        default_team_id: z.string().max(64).nullable().default(null),
      })
      .nullable()
      .optional(),
  })
  .openapi("ChannelRouting");

const LanguageCode = z.enum(UI_LANGUAGES);

const Country = z
  .string()
  .refine(isCountry, "an ISO 3166 country code like ES")
  .openapi({ example: "ES", description: "ISO 3166-1 alpha-2" });

export const WorkspaceSettings = z
  .strictObject({
    name: Name.optional(),
    timezone: Timezone.optional(),
    default_country: Country.optional().openapi({
      description: "Reads phone numbers written without a +country prefix",
    }),
    language: LanguageCode.nullable().optional().openapi({
      description: "For people who have not chosen their own; null follows each one's browser",
    }),
    business_hours_id: z.string().max(64).nullable().optional(),
    close_reasons: z.array(Name).max(50).optional(),
    require_close_note: z.boolean().optional(),
  })
  .openapi("WorkspaceSettings");

export const WorkspaceSettingsSchema = z
  .object({
    name: z.string(),
    timezone: z.string(),
    default_country: z.string(),
    language: LanguageCode.nullable(),
    business_hours_id: z.string().nullable(),
    close_reasons: z.array(z.string()),
    require_close_note: z.boolean(),
  })
  .openapi("WorkspaceSettingsResult");
