import { z } from "@hono/zod-openapi";
import { ASSIGNMENT_STRATEGIES } from "../db/schema";
import { isTimezone } from "../domain/hours";
import { Timestamp } from "./common";

const Message = z.string().trim().min(1).max(1000).nullable().optional();

export const TeamCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    welcome_message: Message,
    away_message: Message.openapi({ description: "Sent once per opening when out of hours" }),
    busy_message: Message.openapi({ description: "Sent when every agent is at capacity" }),
    assignment: z.enum(ASSIGNMENT_STRATEGIES).default("manual"),
    business_hours_id: z.string().max(64).nullable().optional(),
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
    member_ids: z.array(z.string()),
    created_at: Timestamp,
  })
  .openapi("Team");

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "HH:MM");
const LocalDate = z.iso.date();

export const BusinessHoursCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    timezone: z
      .string()
      .refine(isTimezone, "an IANA timezone like Europe/Madrid")
      .openapi({ example: "Europe/Madrid" }),
    weekly: z
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
      .max(50),
    closures: z
      .array(
        z
          .strictObject({ from: LocalDate, to: LocalDate, name: z.string().max(100).optional() })
          .refine((c) => c.to >= c.from, { message: "to must not be before from", path: ["to"] }),
      )
      .max(200)
      .default([]),
  })
  .openapi("BusinessHoursCreate");

export const BusinessHoursSchema = BusinessHoursCreate.extend({
  id: z.string(),
  open_now: z.boolean(),
  next_opening: Timestamp.nullable(),
}).openapi("BusinessHours");

export const TransferRequest = z
  .strictObject({
    team_id: z.string().max(64).nullable().optional(),
    user_id: z.string().max(64).nullable().optional(),
    note: z.string().trim().min(1).max(5000).optional(),
  })
  .refine((t) => t.team_id !== undefined || t.user_id !== undefined, {
    message: "name a team_id or a user_id",
    path: ["team_id"],
  })
  .openapi("TransferRequest");
