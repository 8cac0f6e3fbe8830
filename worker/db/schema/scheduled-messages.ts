import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { BroadcastMessage } from "./broadcasts";
import { channels } from "./channels";
import { millis } from "./columns";
import { workspaceId } from "./workspace";

export const SCHEDULED_STATUSES = ["pending", "sending", "sent", "failed", "cancelled"] as const;
export type ScheduledStatus = (typeof SCHEDULED_STATUSES)[number];

export const REPEAT_UNITS = ["hours", "days", "weeks", "months"] as const;

/** Every `every` `unit`s after each send, until a time and/or for a number of sends in all. */
export type ScheduledRepeat = {
  every: number;
  unit: (typeof REPEAT_UNITS)[number];
  until?: string | undefined;
  count?: number | undefined;
};

export type TemplateRef = NonNullable<BroadcastMessage["template"]>;

/**
 * One message to send later to a contact on a channel (into a given conversation when named).
 * A repeating message is a series: each occurrence is a row of its own, the next one written
 * when the previous is sent. Sequence steps share a `sequence_id`.
 */
export const scheduledMessages = sqliteTable(
  "scheduled_messages",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    contactId: text("contact_id").notNull(),
    conversationId: text("conversation_id"),
    message: text("message", { mode: "json" }).$type<BroadcastMessage>().notNull(),
    attachment: text("attachment", { mode: "json" }).$type<{ url: string; name?: string }>(),
    /** With no open conversation at send time, open one (otherwise the send fails). */
    openConversation: integer("open_conversation", { mode: "boolean" }).notNull(),
    /** Sent instead of the text when WhatsApp's 24-hour window has closed by send time. */
    fallbackTemplate: text("fallback_template", { mode: "json" }).$type<TemplateRef>(),
    /** The time asked for; `send_at` is later when it was moved into business hours. */
    requestedAt: millis("requested_at").notNull(),
    sendAt: millis("send_at").notNull(),
    /** The business hours `send_at` was moved into ("" for the workspace's), null when not. */
    businessHoursId: text("business_hours_id"),
    repeat: text("repeat", { mode: "json" }).$type<ScheduledRepeat>(),
    /** The first occurrence's id, and this one's number in the series (0 first). */
    seriesId: text("series_id").notNull(),
    occurrence: integer("occurrence").notNull().default(0),
    sequenceId: text("sequence_id"),
    step: integer("step"),
    cancelOnReply: integer("cancel_on_reply", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: SCHEDULED_STATUSES }).notNull().default("pending"),
    reason: text("reason"),
    attempts: integer("attempts").notNull().default(0),
    /** A `sending` row's worker holds it until then. */
    leaseUntil: millis("lease_until"),
    messageId: text("message_id"),
    sentConversationId: text("sent_conversation_id"),
    senderName: text("sender_name").notNull(),
    /** The address Conversa was reached at when it was scheduled: status callbacks, file links. */
    origin: text("origin").notNull(),
    createdBy: text("created_by"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    index("scheduled_messages_calendar_idx").on(t.workspaceId, t.sendAt),
    index("scheduled_messages_due_idx").on(t.status, t.sendAt),
    index("scheduled_messages_contact_idx").on(t.workspaceId, t.contactId, t.status),
    index("scheduled_messages_sequence_idx").on(t.workspaceId, t.sequenceId),
    uniqueIndex("scheduled_messages_series_idx").on(t.seriesId, t.occurrence),
  ],
);
