import {
  hasStartedBroadcasts,
  recordMessageStatus,
  recordReply,
} from "../domain/broadcasts/responses";
import type { EventType, Interest, Listener, Recorded } from "../domain/events/record";

/** Who wrote a message the customer sent. */
const CUSTOMERS = ["contact", "visitor"];

/** What broadcasts follow: their messages' statuses, and the customers' replies. */
export const BROADCAST_SOURCES = [
  "message.status",
  "message.received",
] as const satisfies EventType[];

/** The statuses a broadcast counts: `sent` is recorded by the send itself. */
const COUNTED_STATUSES = new Set(["delivered", "read", "failed"]);

/** Events this listener acts on: counted statuses and customers' messages. */
export const broadcastTakes = (event: Recorded) =>
  event.type === "message.status"
    ? COUNTED_STATUSES.has(event.status ?? "")
    : event.type !== "message.received" || CUSTOMERS.includes(event.message.sender_type);

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
