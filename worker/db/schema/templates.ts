import { sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

/**
 * The kinds of channel a message template is written for. WhatsApp's are the templates synced
 * from Meta (`whatsapp_templates`): they are listed beside these, never stored here.
 */
export const TEMPLATE_KINDS = [
  "sms",
  "email",
  "telegram",
  "messenger",
  "instagram",
  "webchat",
  "web_push",
  "whatsapp",
] as const;

export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** Reusable messages per channel kind and area; their variables go through the one engine. */
export const messageTemplates = sqliteTable(
  "message_templates",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    channelKind: text("channel_kind", { enum: TEMPLATE_KINDS }).notNull(),
    /** Free text the team sorts templates by: "billing", "sales" … */
    area: text("area"),
    language: text("language"),
    /** The text; for email its plain-text part, for web push the notification's body. */
    body: text("body").notNull(),
    /** Email only. */
    subject: text("subject"),
    /** Email only: sanitised when saved. */
    html: text("html"),
    /** Web push only. */
    title: text("title"),
    url: text("url"),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [uniqueIndex("message_templates_name_idx").on(t.workspaceId, t.channelKind, t.name)],
);
