import {
  hasStartedBroadcasts,
  recordMessageStatus,
  recordReply,
} from "../domain/broadcasts/responses";
import type { EventType, Interest, Listener } from "../domain/events/record";

/** Who wrote a message the customer sent. */
const CUSTOMERS = ["contact", "visitor"];

/** What broadcasts follow: their messages' statuses, and the customers' replies. */
export const BROADCAST_SOURCES = [
  "message.status",
  "message.received",
] as const satisfies EventType[];

export const followBroadcasts: Listener = async (scope, event) => {
  if (event.type === "message.status")
    await recordMessageStatus(
      scope.db,
      event.workspace_id,
      {
        conversationId: event.conversation_id,
        seq: event.seq,
        status: event.status,
        reason: event.reason,
      },
      event.at,
    );
  if (event.type === "message.received" && CUSTOMERS.includes(event.message.sender_type))
    await recordReply(scope, event.workspace_id, event.conversation_id, event.at);
};

/** A workspace that never started a broadcast has nothing for this listener. */
export const broadcastInterest: Interest = async ({ db }, workspaceId) =>
  new Set((await hasStartedBroadcasts(db, workspaceId)) ? BROADCAST_SOURCES : []);
