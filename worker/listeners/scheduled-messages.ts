import { eq } from "drizzle-orm";
import { conversations } from "../db/schema";
import { inWorkspace } from "../db/scope";
import type { EventType, Interest, Listener } from "../domain/events/record";
import { cancelOnReply, hasReplyCancellable } from "../domain/scheduled-messages/store";

/** Who wrote a message the customer sent. */
const CUSTOMERS = ["contact", "visitor"];

/** A customer's message cancels their sequences' steps still waiting (`cancel_on_reply`). */
export const SCHEDULED_SOURCES = ["message.received"] as const satisfies EventType[];

export const cancelRepliedSequences: Listener = async ({ db }, event) => {
  if (event.type !== "message.received" || !CUSTOMERS.includes(event.message.sender_type)) return;
  const conversation = await db.query.conversations.findFirst({
    columns: { contactId: true },
    where: inWorkspace(
      conversations,
      event.workspace_id,
      eq(conversations.id, event.conversation_id),
    ),
  });
  if (conversation) await cancelOnReply(db, event.workspace_id, conversation.contactId, event.at);
};

/** A workspace with nothing waiting to be cancelled by a reply has nothing for this listener. */
export const scheduledInterest: Interest = async ({ db }, workspaceId) =>
  new Set((await hasReplyCancellable(db, workspaceId)) ? SCHEDULED_SOURCES : []);
