import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { millis } from "./columns";
import { workspaceId } from "./workspace";

/** How a survey asks: satisfaction from 1 to 5, or likelihood to recommend from 0 to 10. */
export const CSAT_SCALES = ["csat_5", "nps_10"] as const;
export type CsatScale = (typeof CSAT_SCALES)[number];

/**
 * Where a survey is: waiting for its score, waiting for the comment asked after it (platform
 * channels), or done.
 */
export const CSAT_STAGES = ["asked", "comment", "done"] as const;
export type CsatStage = (typeof CSAT_STAGES)[number];

/**
 * A satisfaction survey sent after a conversation closed, and the customer's answer: one per close
 * (`closed_at` is the close it follows).
 */
export const csatResponses = sqliteTable(
  "csat_responses",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    conversationId: text("conversation_id").notNull(),
    channelId: text("channel_id").notNull(),
    contactId: text("contact_id").notNull(),
    /** who closed the conversation, else its assignee */
    agentId: text("agent_id"),
    scale: text("scale", { enum: CSAT_SCALES }).notNull(),
    stage: text("stage", { enum: CSAT_STAGES }).notNull().default("asked"),
    score: integer("score"),
    comment: text("comment"),
    /** the language the question was asked in */
    language: text("language").notNull(),
    closedAt: millis("closed_at").notNull(),
    askedAt: millis("asked_at").notNull(),
    answeredAt: millis("answered_at"),
  },
  (t) => [
    uniqueIndex("csat_responses_close_idx").on(t.workspaceId, t.conversationId, t.closedAt),
    index("csat_responses_contact_idx").on(t.workspaceId, t.contactId, t.channelId, t.askedAt),
    index("csat_responses_asked_idx").on(t.workspaceId, t.askedAt),
  ],
);
