import type { ConversationStatus } from "../db/schema";
import type { Listener } from "../domain/events/record";
import { offerCapacity } from "../domain/routing/assignment";

const WORKING: ConversationStatus[] = ["open", "pending"];

/**
 * An agent has room again — a conversation handed over or no longer open, more capacity, other
 * teams — so their teams' waiting conversations move.
 */
export const offerFreedCapacity: Listener = async ({ db, env }, event) => {
  const workspaceId = event.workspace_id;
  if (event.type === "conversation.assigned") {
    if (event.from && event.conversation.status !== "closed")
      await offerCapacity(db, env, workspaceId, event.from);
    return;
  }
  if (event.type === "member.updated") {
    if (event.capacity_changed || event.teams_changed)
      await offerCapacity(db, env, workspaceId, event.user_id);
    return;
  }
  if (
    event.type === "conversation.closed" ||
    event.type === "conversation.snoozed" ||
    event.type === "conversation.pending" ||
    event.type === "conversation.reopened"
  ) {
    const { assignee_id, status } = event.conversation;
    const freed = WORKING.includes(event.from) && !WORKING.includes(status);
    if (freed && assignee_id) await offerCapacity(db, env, workspaceId, assignee_id);
  }
};
