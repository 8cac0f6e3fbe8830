import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

export const CHANNEL_TYPES = [
  "webchat",
  "whatsapp",
  "messenger",
  "instagram",
  "telegram",
  "twilio_sms",
  "email",
  "custom",
  "web_push",
] as const;

export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Public settings of a channel; secrets live apart so they are never echoed back. */
export type WebchatConfig = {
  greeting?: string;
  brand_color?: string;
  position?: "right" | "left";
  require_identity?: boolean;
  away?: boolean;
  away_message?: string;
  language?: "en" | "es" | "pt-BR" | "fr" | "ar" | "tr";
  prechat?: Record<PrechatField, "off" | "optional" | "required">;
};

export type PrechatField = "name" | "email" | "phone";

export type ChatMenu = {
  prompt: string;
  options: { key: string; label: string; team_id: string }[];
  max_attempts: number;
  default_team_id: string | null;
};

export type ChannelRouting = {
  team_id?: string | null;
  business_hours_id?: string | null;
  menu?: ChatMenu | null;
};

export const channels = sqliteTable(
  "channels",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    type: text("type", { enum: CHANNEL_TYPES }).notNull(),
    name: text("name").notNull(),
    config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** Credentials and signing secrets, AES-GCM sealed (lib/secret-box); never returned by the API. */
    secrets: text("secrets").notNull(),
    /** Where new conversations go: a team, the channel's hours, a numbered chat menu. */
    routing: text("routing", { mode: "json" }).$type<ChannelRouting>(),
    /** Disconnected channels keep their conversations; they stop receiving and sending. */
    deletedAt: millis("deleted_at"),
    /**
     * Visitor tokens carry the version they were issued at and are refused once it moved on:
     * it moves when the channel is disconnected or starts to require identity.
     */
    securityVersion: integer("security_version").notNull().default(1),
    /** When an admin last checked the credentials with the platform, and what it said. */
    checkedAt: millis("checked_at"),
    /** The platform's refusal at the last check; null when it accepted them. */
    checkError: text("check_error"),
    createdAt: createdAt(),
  },
  (t) => [index("channels_workspace_idx").on(t.workspaceId, t.id)],
);

export const TEMPLATE_STATUSES = ["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"] as const;

/** WhatsApp message templates, synced from the business account. */
export const whatsappTemplates = sqliteTable(
  "whatsapp_templates",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    name: text("name").notNull(),
    language: text("language").notNull(),
    category: text("category"),
    status: text("status").notNull(),
    /** The body text with {{1}}, {{2}} … placeholders. */
    body: text("body").notNull(),
    variableCount: integer("variable_count").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [uniqueIndex("whatsapp_templates_name_idx").on(t.channelId, t.name, t.language)],
);

/** Emails sent per sender account, for caps of N emails per H hours. */
export const emailSends = sqliteTable(
  "email_sends",
  {
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    sender: text("sender").notNull(),
    /** The outbound job it belongs to: a redelivered job is counted once. */
    messageKey: text("message_key").notNull(),
    sentAt: millis("sent_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.messageKey] }),
    index("email_sends_sender_idx").on(t.channelId, t.sender, t.sentAt),
  ],
);
