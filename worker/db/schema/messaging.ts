import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { channels } from "./channels";
import { createdAt, millis } from "./columns";
import { contacts } from "./contacts";
import { users, workspaceId } from "./workspace";

export const CONVERSATION_STATUSES = ["open", "pending", "snoozed", "closed"] as const;

export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const SENDER_TYPES = ["visitor", "contact", "agent", "system", "bot"] as const;

export type SenderType = (typeof SENDER_TYPES)[number];

/** With the assistant (`active`), handed to people (`handed_off`), or settled by it (`resolved`). */
export const AI_STATES = ["active", "handed_off", "resolved"] as const;

export type AiState = (typeof AI_STATES)[number];

/** The inbox projection of a conversation; its Durable Object owns the messages. */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id),
    /** The ticket number people say ("#1042"): sequential per workspace, given on insert. */
    number: integer("number").notNull().default(0),
    status: text("status", { enum: CONVERSATION_STATUSES }).notNull().default("open"),
    assigneeId: text("assignee_id"),
    teamId: text("team_id"),
    snoozeUntil: millis("snooze_until"),
    lastSeq: integer("last_seq").notNull().default(0),
    lastMessagePreview: text("last_message_preview"),
    lastMessageSenderType: text("last_message_sender_type", { enum: SENDER_TYPES }),
    lastMessageAt: millis("last_message_at"),
    lastActivityAt: millis("last_activity_at").notNull(),
    unreadCount: integer("unread_count").notNull().default(0),
    /** When the customer last wrote: platforms' reply windows (WhatsApp 24 h, Messenger) count from it. */
    lastInboundAt: millis("last_inbound_at"),
    /** Chat menu answers so far; null once routed (or when the channel has no menu). */
    menuAttempts: integer("menu_attempts"),
    awayNotifiedAt: millis("away_notified_at"),
    busyNotifiedAt: millis("busy_notified_at"),
    firstResponseAt: millis("first_response_at"),
    /** the agent whose reply was the first response, and the business hours it took */
    firstResponseBy: text("first_response_by"),
    firstResponseBusinessMs: integer("first_response_business_ms"),
    /**
     * The team it was with at its first response and at its close, and whether each met the
     * team's SLA target then (null: there was none)
     */
    firstResponseTeamId: text("first_response_team_id"),
    firstResponseSlaMet: integer("first_response_sla_met", { mode: "boolean" }),
    closedTeamId: text("closed_team_id"),
    resolutionSlaMet: integer("resolution_sla_met", { mode: "boolean" }),
    /**
     * When it was last closed, by whom (null: by Conversa) and the business hours from its
     * opening; null while not closed.
     */
    closedAt: millis("closed_at"),
    closedBy: text("closed_by"),
    resolutionBusinessMs: integer("resolution_business_ms"),
    /** SLA targets of the team, counted in business hours. */
    firstResponseDueAt: millis("first_response_due_at"),
    resolutionDueAt: millis("resolution_due_at"),
    /** The AI assistant talking with the customer, and whether it still is (see domain/ai/assistant). */
    aiAssistantId: text("ai_assistant_id"),
    aiState: text("ai_state", { enum: AI_STATES }),
    /** The assistant's answers so far in its current context. */
    aiTurns: integer("ai_turns").notNull().default(0),
    /** The first message the assistant reads: a conversation reopened starts a fresh context. */
    aiContextSeq: integer("ai_context_seq").notNull().default(0),
    /** The last customer message the assistant took a turn on: a redelivered event takes none. */
    aiAnsweredSeq: integer("ai_answered_seq").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("conversations_number_idx").on(t.workspaceId, t.number),
    index("conversations_activity_idx").on(t.workspaceId, t.lastActivityAt, t.id),
    index("conversations_status_idx").on(t.workspaceId, t.status, t.lastActivityAt, t.id),
    index("conversations_assignee_idx").on(t.workspaceId, t.assigneeId, t.lastActivityAt, t.id),
    index("conversations_assignee_status_idx").on(
      t.workspaceId,
      t.assigneeId,
      t.status,
      t.lastActivityAt,
      t.id,
    ),
    index("conversations_contact_idx").on(t.workspaceId, t.contactId, t.channelId, t.status),
    index("conversations_team_queue_idx").on(
      t.workspaceId,
      t.teamId,
      t.status,
      t.assigneeId,
      t.createdAt,
    ),
  ],
);

export const conversationLabels = sqliteTable(
  "conversation_labels",
  {
    workspaceId: workspaceId(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    label: text("label").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.label] }),
    index("conversation_labels_label_idx").on(t.workspaceId, t.label, t.conversationId),
  ],
);

/** The workspace's label catalogue: the names conversations are labelled with, and their colours. */
export const labels = sqliteTable(
  "labels",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    /** lower-case, as conversation labels are stored */
    name: text("name").notNull(),
    /** #rrggbb */
    colour: text("colour").notNull(),
    description: text("description"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("labels_name_idx").on(t.workspaceId, t.name)],
);

export const MESSAGE_KINDS = ["text", "file", "note", "event"] as const;

export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const DELIVERY_STATUSES = ["queued", "sent", "delivered", "read", "failed"] as const;

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Who sent an outbound message, as the sent-message history tells them apart: a person or an
 * API key by hand, or Conversa on its own (automations, bots' auto-replies, broadcasts, schedules),
 * or a template's test send.
 */
export const MESSAGE_ORIGINS = [
  "agent",
  "ai",
  "api",
  "automation",
  "bot",
  "broadcast",
  "scheduled",
  "test",
] as const;

export type MessageOrigin = (typeof MESSAGE_ORIGINS)[number];

export type Attachment = { key: string; name: string; content_type: string; size: number };

export type EventValue = string | number | boolean | null | string[];

export type SystemEvent = { type: string; data: Record<string, EventValue> };

/** Projection of each conversation's messages, for search and reports. */
export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    kind: text("kind", { enum: MESSAGE_KINDS }).notNull(),
    senderType: text("sender_type", { enum: SENDER_TYPES }).notNull(),
    senderId: text("sender_id"),
    text: text("text"),
    /** Set on outbound messages only (agent and Conversa messages to the customer). */
    origin: text("origin", { enum: MESSAGE_ORIGINS }),
    senderName: text("sender_name"),
    status: text("status", { enum: DELIVERY_STATUSES }),
    statusReason: text("status_reason"),
    attachmentCount: integer("attachment_count").notNull().default(0),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("messages_conversation_seq_idx").on(t.conversationId, t.seq),
    // the sent-message history, newest first (ids are time-ordered), overall and by status
    index("messages_outbound_idx").on(t.workspaceId, t.id).where(sql`${t.origin} IS NOT NULL`),
    index("messages_outbound_status_idx")
      .on(t.workspaceId, t.status, t.id)
      .where(sql`${t.origin} IS NOT NULL`),
  ],
);

/** An agent named in a note: their "Mentions" view and notification, read once they open it. */
export const mentions = sqliteTable(
  "mentions",
  {
    workspaceId: workspaceId(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    /** the note's seq in the conversation */
    seq: integer("seq").notNull(),
    mentionedUserId: text("mentioned_user_id")
      .notNull()
      .references(() => users.id),
    /** null when an API key wrote the note */
    byUserId: text("by_user_id").references(() => users.id),
    createdAt: millis("created_at").notNull(),
    readAt: millis("read_at"),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq, t.mentionedUserId] }),
    index("mentions_user_idx").on(t.workspaceId, t.mentionedUserId, t.createdAt),
  ],
);

export const DIRECTIONS = ["in", "out"] as const;

/**
 * Every platform message id Conversa has seen or been given, per channel: inbound deliveries are
 * stored once however often the platform retries, and status webhooks find their message.
 */
export const channelMessages = sqliteTable(
  "channel_messages",
  {
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    externalId: text("external_id").notNull(),
    workspaceId: workspaceId(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    direction: text("direction", { enum: DIRECTIONS }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.externalId] }),
    index("channel_messages_conversation_idx").on(t.conversationId, t.seq),
  ],
);

/** Canned replies: `/shortcut` in the composer expands to the body, variables filled. */
export const snippets = sqliteTable(
  "snippets",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    shortcut: text("shortcut").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [uniqueIndex("snippets_shortcut_idx").on(t.workspaceId, t.shortcut)],
);

/** Filters of the inbox list with a name, kept per person: `SavedViewFilters` in the API. */
export type SavedViewFilters = {
  view?: string;
  status?: string;
  team_id?: string;
  label?: string;
  sort?: string;
};

/** Where a saved view applies: the inbox's conversation list or the sent-message history. */
export const SAVED_VIEW_SCREENS = ["inbox", "sent_messages"] as const;

export type SavedViewScreen = (typeof SAVED_VIEW_SCREENS)[number];

/** An agent's own named filter sets, listed under the inbox's built-in views or the history's. */
export const savedViews = sqliteTable(
  "saved_views",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    screen: text("screen", { enum: SAVED_VIEW_SCREENS }).notNull().default("inbox"),
    name: text("name").notNull(),
    filters: text("filters", { mode: "json" })
      .$type<SavedViewFilters | Record<string, string>>()
      .notNull(),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [uniqueIndex("saved_views_name_idx").on(t.workspaceId, t.userId, t.screen, t.name)],
);
