import { z } from "@hono/zod-openapi";
import { REPORT_EMAIL_FREQUENCIES } from "../db/schema";
import { Timestamp } from "./common";

const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM")
  .openapi({ example: "09:00" });

export const ReportEmailScheduleInput = z
  .strictObject({
    channel_id: z.string().max(64).openapi({
      description: "The email channel that sends it",
      example: "ch_01JD0000000000000000000000",
    }),
    recipient_ids: z.array(z.string().max(64)).max(50).openapi({
      description:
        "Members who receive it; each must be an active supervisor, admin or owner (whoever stops being one stops receiving it)",
    }),
    frequency: z.enum(REPORT_EMAIL_FREQUENCIES).default("weekly").openapi({
      description: "`weekly`: the 7 days before the send day; `daily`: the day before",
    }),
    weekday: z
      .number()
      .int()
      .min(0)
      .max(6)
      .default(1)
      .openapi({ description: "For `weekly`: the day it is sent, 0 Sunday" }),
    time: LocalTime.openapi({ description: "When it is sent, in the workspace's timezone" }),
    enabled: z.boolean().default(true),
  })
  .openapi("ReportEmailScheduleInput");

export const ReportEmailSchedule = z
  .object({
    channel_id: z.string().nullable().openapi({ description: "Null until the schedule is saved" }),
    recipient_ids: z.array(z.string()),
    frequency: z.enum(REPORT_EMAIL_FREQUENCIES),
    weekday: z.number().int(),
    time: z.string(),
    enabled: z.boolean(),
    timezone: z.string().openapi({ description: "The workspace's, which `time` is read in" }),
    last_sent_period: z
      .string()
      .nullable()
      .openapi({ description: "The local date of the last send day claimed" }),
    last_sent_at: Timestamp.nullable(),
    last_error: z.string().nullable().openapi({
      description: "Recipients the last send could not reach, and why; null when all were reached",
    }),
    next_send_at: Timestamp.nullable(),
  })
  .openapi("ReportEmailSchedule");

export const ReportEmailTestResult = z
  .object({
    sent_to: z.string(),
    subject: z.string(),
  })
  .openapi("ReportEmailTestResult");
