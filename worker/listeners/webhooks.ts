import type { WebhookEvent } from "../db/schema";
import type { EventType, Interest, Listener, Recorded } from "../domain/events/record";
import { activeSubscriptions, fanOut } from "../domain/webhooks/delivery";
import { readOncePerBatch } from "../lib/batch-memo";

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
    case "message.status":
    case "csat.answered":
    case "ai.handoff":
    case "ai.resolved": {
      const { type, id, workspace_id, at, chain, ...data } = event;
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

/** Which domain events each public webhook name is made from (the reverse of `asWebhook`). */
const SOURCES: Record<WebhookEvent, EventType[]> = {
  "conversation.created": ["conversation.opened"],
  "conversation.assigned": ["conversation.assigned"],
  "conversation.closed": ["conversation.closed"],
  "message.created": ["message.received", "message.sent"],
  "message.status": ["message.status"],
  "contact.created": ["contact.created"],
  "contact.updated": ["contact.updated"],
  "sla.breached": ["sla.breached"],
  "ai.handoff": ["ai.handoff"],
  "ai.resolved": ["ai.resolved"],
  "csat.answered": ["csat.answered"],
};

/** The domain events that become webhooks. */
export const WEBHOOK_SOURCES: EventType[] = Object.values(SOURCES).flat();

/** The domain events the workspace's active subscriptions want. */
export const webhookInterest: Interest = async (scope, workspaceId) =>
  new Set(
    (await activeSubscriptions(scope.db, workspaceId)).flatMap((s) =>
      s.events.flatMap((name) => SOURCES[name]),
    ),
  );

/** Logs and queues one delivery per subscription that wants the event (idempotent on its id). */
export const deliverWebhooks: Listener = async (scope, event) => {
  const webhook = asWebhook(event);
  if (!webhook) return;
  const { db, env } = scope;
  const subscriptions = await readOncePerBatch(`webhooks:${event.workspace_id}`, () =>
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
