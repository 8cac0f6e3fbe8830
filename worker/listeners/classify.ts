import { eq } from "drizzle-orm";
import { aiSettings } from "../db/schema";
import { classifyOnArrival } from "../domain/ai/classify";
import type { EventType, Interest, Listener, Recorded } from "../domain/events/record";

/** A conversation's first customer message is what gets classified. */
export const CLASSIFY_SOURCES = ["message.received"] as const satisfies EventType[];

const fromCustomer = (event: Recorded) =>
  event.type === "message.received" &&
  (event.message.sender_type === "contact" || event.message.sender_type === "visitor");

/** Only customer messages with text are queued for it. */
export const classifyTakes = (event: Recorded) =>
  fromCustomer(event) && event.type === "message.received" && Boolean(event.message.text?.trim());

/** Classification failing (AI off, over budget, the provider down) only logs: agents label by hand. */
export const classifyConversation: Listener = async ({ db, env }, event) => {
  if (event.type !== "message.received" || !fromCustomer(event)) return;
  try {
    await classifyOnArrival(db, env, {
      workspaceId: event.workspace_id,
      conversationId: event.conversation_id,
      seq: event.message.seq,
      text: event.message.text,
    });
  } catch (error) {
    console.warn(`classifying ${event.conversation_id} failed:`, (error as Error).message);
  }
};

/** Workspaces that classify on arrival, with AI on, want customer messages. */
export const classifyInterest: Interest = async ({ db }, workspaceId) => {
  const row = await db.query.aiSettings.findFirst({
    columns: { enabled: true, classifyOnArrival: true },
    where: eq(aiSettings.workspaceId, workspaceId),
  });
  return new Set(row?.enabled && row.classifyOnArrival ? CLASSIFY_SOURCES : []);
};
