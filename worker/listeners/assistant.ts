import { eq } from "drizzle-orm";
import { conversations } from "../db/schema";
import { inWorkspace } from "../db/scope";
import { takeTurn } from "../domain/ai/assistant-turn";
import { findAssistant, listAssistants } from "../domain/ai/assistants";
import { freshAssistantContext, handOff } from "../domain/ai/handoff";
import type { EventType, Interest, Listener, Recorded } from "../domain/events/record";
import { readOncePerBatch } from "../lib/batch-memo";
import type { Db } from "../lib/context";

/** Who wrote a message the customer sent. */
const CUSTOMERS = ["contact", "visitor"];

/** What the AI assistant follows: customers' messages, agents' replies, reopened conversations. */
export const ASSISTANT_SOURCES = [
  "message.received",
  "message.sent",
  "conversation.reopened",
] as const satisfies EventType[];

export const assistantTakes = (event: Recorded) =>
  event.type === "conversation.reopened" ||
  (event.type === "message.received" && CUSTOMERS.includes(event.message.sender_type)) ||
  (event.type === "message.sent" && event.message.sender_type === "agent");

/**
 * The assistant answers a customer's message in a conversation it has; an agent writing to the
 * customer takes the conversation over; a reopened conversation starts it afresh.
 */
export const followAssistant: Listener = async ({ db, env }, event) => {
  if (!assistantTakes(event)) return;
  const workspaceId = event.workspace_id;
  if (event.type === "conversation.reopened")
    return freshAssistantContext(db, { workspaceId, conversationId: event.conversation.id });
  if (event.type !== "message.received" && event.type !== "message.sent") return;
  const ref = { workspaceId, conversationId: event.conversation_id };
  if (event.type === "message.sent") {
    const conversation = await db.query.conversations.findFirst({
      columns: { aiState: true, aiAssistantId: true },
      where: inWorkspace(conversations, workspaceId, eq(conversations.id, ref.conversationId)),
    });
    if (conversation?.aiState !== "active") return;
    const assistant = await assistantNamed(db, workspaceId, conversation.aiAssistantId);
    await handOff(db, env, ref, { assistant, reason: "an agent replied", by: "agent" }, event.at);
    return;
  }
  const message = { seq: event.message.seq, text: event.message.text };
  await takeTurn(db, env, ref, message, (id) => assistantNamed(db, workspaceId, id), Date.now());
};

function assistantNamed(db: Db, workspaceId: string, id: string | null) {
  if (!id) return Promise.resolve(null);
  return readOncePerBatch(`assistant:${workspaceId}:${id}`, () =>
    findAssistant(db, workspaceId, id),
  );
}

/** A workspace without an enabled assistant has nothing for this listener. */
export const assistantInterest: Interest = async ({ db }, workspaceId) =>
  new Set((await listAssistants(db, workspaceId)).some((a) => a.enabled) ? ASSISTANT_SOURCES : []);
