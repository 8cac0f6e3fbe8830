import type { EventType, Listener, Wiring } from "../domain/events/record";
import { offerFreedCapacity } from "./assignment";
import { ASSISTANT_SOURCES, assistantInterest, assistantTakes, followAssistant } from "./assistant";
import { AUTOMATION_SOURCES, automationInterest, startAutomations } from "./automations";
import {
  BROADCAST_SOURCES,
  broadcastInterest,
  broadcastTakes,
  followBroadcasts,
} from "./broadcasts";
import {
  CLASSIFY_SOURCES,
  classifyConversation,
  classifyInterest,
  classifyTakes,
} from "./classify";
import { CSAT_SOURCES, csatTakes, sendSurveys } from "./csat";
import { pushConversation } from "./realtime";
import { cancelRepliedSequences, SCHEDULED_SOURCES, scheduledInterest } from "./scheduled-messages";
import { deliverWebhooks, WEBHOOK_SOURCES, webhookInterest } from "./webhooks";

/** Every listener of domain events, in one place: what reacts at once and what goes by queue. */
const immediate: Partial<Record<EventType, Listener[]>> = {
  "conversation.assigned": [pushConversation, offerFreedCapacity],
  "conversation.closed": [pushConversation, offerFreedCapacity],
  "conversation.snoozed": [pushConversation, offerFreedCapacity],
  "conversation.pending": [pushConversation, offerFreedCapacity],
  "conversation.reopened": [pushConversation, offerFreedCapacity],
  "conversation.labels_changed": [pushConversation],
  "conversation.routed": [pushConversation],
  "conversation.transferred": [pushConversation],
  "conversation.read": [pushConversation],
  "member.updated": [offerFreedCapacity],
};

/** Listeners that do I/O off the message path, by the name their queue messages carry. */
const listeners: Record<string, Listener> = {
  webhooks: deliverWebhooks,
  automations: startAutomations,
  broadcasts: followBroadcasts,
  "scheduled-messages": cancelRepliedSequences,
  assistant: followAssistant,
  classify: classifyConversation,
  csat: sendSurveys,
};

const queued: Partial<Record<EventType, string[]>> = {};
const queue = (types: readonly EventType[], listener: string) => {
  for (const type of types) queued[type] = [...(queued[type] ?? []), listener];
};
queue(WEBHOOK_SOURCES, "webhooks");
queue(AUTOMATION_SOURCES, "automations");
queue(BROADCAST_SOURCES, "broadcasts");
queue(SCHEDULED_SOURCES, "scheduled-messages");
queue(ASSISTANT_SOURCES, "assistant");
queue(CLASSIFY_SOURCES, "classify");
queue(CSAT_SOURCES, "csat");

const interest: Wiring["interest"] = {
  webhooks: webhookInterest,
  automations: automationInterest,
  broadcasts: broadcastInterest,
  "scheduled-messages": scheduledInterest,
  assistant: assistantInterest,
  classify: classifyInterest,
};

const takes: Wiring["takes"] = {
  broadcasts: broadcastTakes,
  assistant: assistantTakes,
  classify: classifyTakes,
  csat: csatTakes,
};

export const LISTENERS: Wiring = { immediate, queued, listeners, interest, takes };
