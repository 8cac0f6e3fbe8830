import type { Listener } from "../domain/events/record";
import { conversationStub, hubFor } from "../domain/messaging/stubs";

/**
 * A conversation changed: the workspace's live inbox hears of it, and so do the agents who have
 * it open (its object also keeps its status, wake-up and, once routed, its SLA checks in step).
 * A read only changes the inbox list's unread count.
 */
export const pushConversation: Listener = async ({ env }, event) => {
  if (!("conversation" in event) || !("status" in event.conversation)) return;
  const { conversation } = event;
  const frame = { type: "conversation" as const, conversation };
  await hubFor(env, event.workspace_id).publish(frame);
  if (event.type === "conversation.read") return;
  await conversationStub(env, conversation.id).publish(frame, {
    watchSla: event.type === "conversation.routed",
  });
};
