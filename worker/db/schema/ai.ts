import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { conversations } from "./messaging";
import { workspaceId, workspaces } from "./workspace";

export const AI_FEATURES = ["assistant", "copilot", "embedding", "automation"] as const;

export type AiFeature = (typeof AI_FEATURES)[number];

/**
 * A workspace's AI provider: any OpenAI-compatible endpoint, its models, and the budgets that
 * stop spending. No row means AI is off.
 */
export const aiSettings = sqliteTable("ai_settings", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
  baseUrl: text("base_url").notNull(),
  model: text("model").notNull(),
  embeddingModel: text("embedding_model").notNull(),
  /** `{api_key}`, AES-GCM sealed (lib/secret-box); never returned by the API. */
  apiKey: text("api_key"),
  /** The key's last 4 characters, so people can tell which key is set. */
  apiKeyLast4: text("api_key_last4"),
  /** Tokens per calendar month (UTC) across every feature; null: no limit. */
  monthlyTokenBudget: integer("monthly_token_budget"),
  /** Tokens one conversation may use; null: no limit. */
  conversationTokenBudget: integer("conversation_token_budget"),
  timeoutMs: integer("timeout_ms").notNull(),
  /** Personal data is masked in the prompts Conversa stores. */
  redactPii: integer("redact_pii", { mode: "boolean" }).notNull().default(false),
  /** A conversation's first customer message is classified into the workspace's labels. */
  classifyOnArrival: integer("classify_on_arrival", { mode: "boolean" }).notNull().default(false),
  updatedAt: millis("updated_at").notNull(),
});

/** One call to the provider: what it cost, for which feature and conversation. */
export const aiUsage = sqliteTable(
  "ai_usage",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    conversationId: text("conversation_id").references(() => conversations.id, {
      onDelete: "set null",
    }),
    feature: text("feature", { enum: AI_FEATURES }).notNull(),
    model: text("model").notNull(),
    promptTokens: integer("prompt_tokens").notNull(),
    completionTokens: integer("completion_tokens").notNull(),
    at: millis("at").notNull(),
  },
  (t) => [
    index("ai_usage_at_idx").on(t.workspaceId, t.at),
    index("ai_usage_conversation_idx").on(t.workspaceId, t.conversationId),
  ],
);

export const AI_CALL_OUTCOMES = ["ok", "timeout", "provider_error", "budget"] as const;

export type AiCallOutcome = (typeof AI_CALL_OUTCOMES)[number];

/** A message as a call stored it: its role and its text (tool calls as JSON). */
export type StoredAiMessage = { role: string; content: string };

/**
 * One chat completion as it was asked and answered, for the call log; kept for a retention
 * window only. With `redacted`, personal data in `messages` and `answer` was masked before it
 * was stored (what the provider got was not changed).
 */
export const aiCalls = sqliteTable(
  "ai_calls",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    /** The usage row the call's tokens were counted in; null when none was (no answer). */
    usageId: text("usage_id"),
    conversationId: text("conversation_id").references(() => conversations.id, {
      onDelete: "set null",
    }),
    feature: text("feature", { enum: AI_FEATURES }).notNull(),
    model: text("model").notNull(),
    messages: text("messages", { mode: "json" }).$type<StoredAiMessage[]>().notNull(),
    answer: text("answer"),
    /** Some of the text was cut to keep the stored call bounded. */
    truncated: integer("truncated", { mode: "boolean" }).notNull().default(false),
    redacted: integer("redacted", { mode: "boolean" }).notNull().default(false),
    promptTokens: integer("prompt_tokens").notNull(),
    completionTokens: integer("completion_tokens").notNull(),
    durationMs: integer("duration_ms").notNull(),
    outcome: text("outcome", { enum: AI_CALL_OUTCOMES }).notNull(),
    at: millis("at").notNull(),
  },
  (t) => [
    index("ai_calls_workspace_idx").on(t.workspaceId, t.id),
    index("ai_calls_conversation_idx").on(t.workspaceId, t.conversationId),
    index("ai_calls_at_idx").on(t.at),
    index("ai_calls_workspace_at_idx").on(t.workspaceId, t.at),
  ],
);

export const ASSISTANT_ACTIVATIONS = ["always", "keyword", "out_of_hours"] as const;

export type AssistantActivation = (typeof ASSISTANT_ACTIVATIONS)[number];

/**
 * An AI assistant that answers a channel's new conversations from the knowledge base before
 * people do, and hands them to a team through routing.
 */
export const aiAssistants = sqliteTable(
  "ai_assistants",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** Persona and instructions, added to Conversa's own rules (which they cannot change). */
    instructions: text("instructions").notNull().default(""),
    /** The channels whose new conversations it takes; one enabled assistant per channel. */
    channelIds: text("channel_ids", { mode: "json" }).$type<string[]>().notNull(),
    /**
     * The teams whose new conversations it takes when routing brings them there (by the chat menu
     * or the channel's team), before the team's people; one enabled assistant per team.
     */
    teamIds: text("team_ids", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** Where handoffs go; null: the team it answers for, else the channel's routing. */
    teamId: text("team_id"),
    activation: text("activation", { enum: ASSISTANT_ACTIVATIONS }).notNull().default("always"),
    /** For `keyword` activation: words that start it (any of them, case and accents ignored). */
    keywords: text("keywords", { mode: "json" }).$type<string[]>().notNull(),
    handoffEnabled: integer("handoff_enabled", { mode: "boolean" }).notNull().default(true),
    handoffMessage: text("handoff_message").notNull(),
    /** What the customer hears when asking for a person while handoff is off. */
    noHandoffMessage: text("no_handoff_message").notNull(),
    /** Answers before it hands the conversation to people on its own. */
    maxTurns: integer("max_turns").notNull().default(10),
    /** Contact fields it asks for and fills in (`name`, `email`, `phone` or custom field keys). */
    collectFields: text("collect_fields", { mode: "json" }).$type<string[]>().notNull(),
    /** Close the conversation when the assistant settles it. */
    resolveCloses: integer("resolve_closes", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("ai_assistants_workspace_idx").on(t.workspaceId)],
);

export const ASSISTANT_ACTIVITY_KINDS = ["answer", "handoff", "resolved"] as const;

export type AssistantActivityKind = (typeof ASSISTANT_ACTIVITY_KINDS)[number];

/** Who ended the assistant's part: itself, the customer asking for a person, an agent, or a failure. */
export const HANDOFF_BY = ["assistant", "customer", "agent", "error"] as const;

export type HandoffBy = (typeof HANDOFF_BY)[number];

/**
 * What the assistant did in a conversation, one row each time, for reports: an answer to the
 * customer, a handoff to people (and who asked for it), a question it settled.
 */
export const aiAssistantActivity = sqliteTable(
  "ai_assistant_activity",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    conversationId: text("conversation_id").references(() => conversations.id, {
      onDelete: "set null",
    }),
    assistantId: text("assistant_id"),
    kind: text("kind", { enum: ASSISTANT_ACTIVITY_KINDS }).notNull(),
    /** A handoff's: who ended the assistant's part. */
    by: text("by", { enum: HANDOFF_BY }),
    at: millis("at").notNull(),
  },
  (t) => [index("ai_assistant_activity_at_idx").on(t.workspaceId, t.at)],
);
