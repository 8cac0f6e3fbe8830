import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

export const REPORT_EMAIL_FREQUENCIES = ["weekly", "daily"] as const;
export type ReportEmailFrequency = (typeof REPORT_EMAIL_FREQUENCIES)[number];

/**
 * A workspace's summary e-mail: sent through one of its email channels to the members chosen,
 * weekly (on `weekday`, 0 Sunday) or daily at `time` in the workspace's timezone. A period is
 * claimed by writing its key to `last_sent_period` before anything is sent, so it goes once.
 */
export const reportEmailSchedules = sqliteTable("report_email_schedules", {
  workspaceId: workspaceId().primaryKey(),
  channelId: text("channel_id").notNull(),
  /** users chosen; only active supervisors, admins and owners among them receive it */
  recipientIds: text("recipient_ids", { mode: "json" }).$type<string[]>().notNull(),
  frequency: text("frequency", { enum: REPORT_EMAIL_FREQUENCIES }).notNull(),
  weekday: integer("weekday").notNull(),
  /** HH:MM, local */
  time: text("time").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  /** the local date of the last period claimed */
  lastSentPeriod: text("last_sent_period"),
  lastSentAt: millis("last_sent_at"),
  /** the recipients the last send could not reach, and why; null when all were */
  lastError: text("last_error"),
  createdAt: createdAt(),
  updatedAt: millis("updated_at").notNull(),
});
