import { awaitsAnswers, takeAnswer } from "../domain/automations/intake";
import type { AutomationEvent } from "../domain/automations/runner";
import { startRunsOf } from "../domain/automations/runner";
import {
  activeAutomationsAsk,
  activeAutomationsFor,
  activeTriggerTypes,
} from "../domain/automations/store";
import type { EventType, Interest, Listener, Recorded } from "../domain/events/record";
import { readOncePerBatch } from "../lib/batch-memo";

/** Who wrote a message the customer sent: an automation's own reply never counts as one. */
const CUSTOMERS = ["contact", "visitor"];

/** The domain events automations start on (their triggers bear the same names). */
export const AUTOMATION_SOURCES = [
  "conversation.opened",
  "conversation.closed",
  "conversation.assigned",
  "message.received",
  "contact.created",
  "contact.tag_added",
  "contact.tag_removed",
  "contact.field_changed",
  "broadcast.replied",
  "csat.answered",
] as const satisfies EventType[];

/**
 * A domain event in the engine's shape. Its id is the trigger event id, so a redelivered event
 * starts no second run; its chain says which automations led to it.
 */
export function asAutomationEvent(event: Recorded): AutomationEvent | null {
  const base = {
    id: event.id,
    workspaceId: event.workspace_id,
    at: event.at,
    chain: event.chain ?? [],
  };
  switch (event.type) {
    case "conversation.opened":
      return {
        ...base,
        type: event.type,
        conversationId: event.conversation.id,
        contactId: event.conversation.contact_id,
        channelId: event.conversation.channel_id,
      };
    case "conversation.closed":
    case "conversation.assigned":
      return {
        ...base,
        type: event.type,
        conversationId: event.conversation.id,
        contactId: event.conversation.contact.id,
        channelId: event.conversation.channel_id,
      };
    case "message.received":
      if (!CUSTOMERS.includes(event.message.sender_type)) return null;
      return {
        ...base,
        type: event.type,
        conversationId: event.conversation_id,
        messageText: event.message.text ?? "",
      };
    case "contact.created":
      return { ...base, type: event.type, contactId: event.contact.id };
    case "contact.tag_added":
    case "contact.tag_removed":
      return { ...base, type: event.type, contactId: event.contact_id, tag: event.tag };
    case "contact.field_changed":
      return { ...base, type: event.type, contactId: event.contact_id, field: event.key };
    case "broadcast.replied":
      return {
        ...base,
        type: event.type,
        contactId: event.contact_id,
        conversationId: event.conversation_id,
      };
    case "csat.answered":
      return {
        ...base,
        type: event.type,
        conversationId: event.conversation_id,
        contactId: event.contact_id,
        channelId: event.channel_id,
        data: { score: event.score, scale: event.scale },
      };
    default:
      return null;
  }
}

/**
 * Starts the automations an event triggers (the engine skips the ones failing alone). A
 * customer's message goes first to the runs waiting for an answer in its conversation: taken as
 * an answer, it starts nothing else.
 */
export const startAutomations: Listener = async (scope, event) => {
  const { db, env } = scope;
  const automationEvent = asAutomationEvent(event);
  if (!automationEvent) return;
  if (event.type === "message.received") {
    const answer = {
      workspaceId: event.workspace_id,
      conversationId: event.conversation_id,
      messageId: event.message.id,
      seq: event.message.seq,
      text: event.message.text ?? "",
    };
    if (await takeAnswer(db, env, answer, event.at)) return;
  }
  // the workspace's active automations are read once for a batch of events
  const { workspaceId, type } = automationEvent;
  const candidates = await readOncePerBatch(`automations:${workspaceId}:${type}`, () =>
    activeAutomationsFor(db, workspaceId, type),
  );
  await startRunsOf(db, env, automationEvent, candidates);
};

/** The events the workspace's active automations start on, and messages that may be answers. */
export const automationInterest: Interest = async ({ db }, workspaceId) => {
  const types = new Set(await activeTriggerTypes(db, workspaceId));
  if (!types.has("message.received")) {
    const [asks, waiting] = await Promise.all([
      activeAutomationsAsk(db, workspaceId),
      awaitsAnswers(db, workspaceId),
    ]);
    if (asks || waiting) types.add("message.received");
  }
  return new Set(AUTOMATION_SOURCES.filter((type) => types.has(type)));
};
