import { index, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { channels } from "./channels";
import { createdAt, millis } from "./columns";
import { contacts } from "./contacts";
import { workspaceId } from "./workspace";

/**
 * A browser's push subscription (PushSubscription.toJSON()) to a web push channel, collected by
 * the widget with the visitor's consent. A push service answering 404 / 410 ends it: it is kept
 * removed, with the reason, until the browser subscribes again.
 */
export const webPushSubscriptions = sqliteTable(
  "web_push_subscriptions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull(),
    /** The browser's ECDH P-256 public key, base64url. */
    p256dh: text("p256dh").notNull(),
    /** The browser's 16-byte auth secret, base64url. */
    auth: text("auth").notNull(),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    lastSuccessAt: millis("last_success_at"),
    removedAt: millis("removed_at"),
    removedReason: text("removed_reason"),
  },
  (t) => [
    uniqueIndex("web_push_subscriptions_endpoint_idx").on(t.endpoint),
    index("web_push_subscriptions_contact_idx").on(t.workspaceId, t.contactId, t.channelId),
  ],
);

/** Which subscriptions already took an outbound message: a retried send skips them. */
export const webPushDeliveries = sqliteTable(
  "web_push_deliveries",
  {
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => webPushSubscriptions.id, { onDelete: "cascade" }),
    messageId: text("message_id").notNull(),
    sentAt: millis("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.subscriptionId, t.messageId] })],
);
