import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

export const WEBHOOK_EVENTS = [
  "ai.handoff",
  "ai.resolved",
  "contact.created",
  "contact.updated",
  "csat.answered",
  "conversation.created",
  "conversation.assigned",
  "conversation.closed",
  "message.created",
  "message.status",
  "sla.breached",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Where a workspace wants its events delivered, signed with the subscription's secret. */
export const webhookSubscriptions = sqliteTable(
  "webhook_subscriptions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<WebhookEvent[]>().notNull(),
    /** AES-GCM sealed signing secret. */
    secret: text("secret").notNull(),
    description: text("description"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /** Deliveries that finally failed in a row; past the limit the subscription is disabled. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    disabledReason: text("disabled_reason"),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_subscriptions_workspace_idx").on(t.workspaceId, t.id)],
);

export const DELIVERY_STATES = ["pending", "succeeded", "failed"] as const;

/** Every delivery of an event to a subscription, with its last attempt: the log and the replay source. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    state: text("state", { enum: DELIVERY_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastLatencyMs: integer("last_latency_ms"),
    lastResponse: text("last_response"),
    lastError: text("last_error"),
    nextAttemptAt: millis("next_attempt_at"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    index("webhook_deliveries_subscription_idx").on(t.subscriptionId, t.createdAt),
    // an event is delivered to a subscription once, however often it reaches the fan-out
    uniqueIndex("webhook_deliveries_event_idx").on(t.subscriptionId, t.eventId),
  ],
);
