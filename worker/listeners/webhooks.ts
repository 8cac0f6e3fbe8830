import type { WebhookEvent } from "../db/schema";
import { type EventType, type Listener, type Recorded, sharedRead } from "../domain/events/record";
import { activeSubscriptions, fanOut } from "../domain/webhooks/delivery";

type Webhook = { type: WebhookEvent; data: Record<string, unknown> };

/** The public webhook contract: which domain events subscribers get, by which name, with what. */
function asWebhook(event: Recorded): Webhook | null {
  switch (event.type) {
    case "conversation.opened":
      return { type: "conversation.created", data: { conversation: event.conversation } };
    case "conversation.assigned":
      return { type: "conversation.assigned", data: { conversation: event.conversation } };
    case "conversation.closed":
      return {
        type: "conversation.closed",
        data: { conversation: event.conversation, reason: event.reason },
      };
    case "message.received":
    case "message.sent":
      return {
        type: "message.created",
        data: { conversation_id: event.conversation_id, message: event.message },
      };
    case "message.status": {
      const { type, id, workspace_id, at, ...data } = event;
      return { type, data };
    }
    case "contact.created":
    case "contact.updated":
      return { type: event.type, data: { contact: event.contact } };
    case "sla.breached": {
      const { conversation_id, target, due_at } = event;
      return { type: event.type, data: { conversation_id, target, due_at } };
    }
    default:
      return null;
  }
}

/** The domain events that become webhooks. */
export const WEBHOOK_SOURCES: EventType[] = [
  "conversation.opened",
  "conversation.assigned",
  "conversation.closed",
  "message.received",
  "message.sent",
  "message.status",
  "contact.created",
  "contact.updated",
  "sla.breached",
];

/** Logs and queues one delivery per subscription that wants the event (idempotent on its id). */
export const deliverWebhooks: Listener = async (scope, event) => {
  const webhook = asWebhook(event);
  if (!webhook) return;
  const { db, env } = scope;
  const subscriptions = await sharedRead(scope, `webhooks:${event.workspace_id}`, () =>
    activeSubscriptions(db, event.workspace_id),
  );
  if (!subscriptions.some((s) => s.events.includes(webhook.type))) return;
  await fanOut(
    db,
    env,
    {
      id: event.id,
      type: webhook.type,
      workspaceId: event.workspace_id,
      at: event.at,
      data: webhook.data,
    },
    subscriptions,
  );
};
