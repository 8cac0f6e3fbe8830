import type { ConsentChannel, ConsentStatus, ConversationStatus, CsatScale } from "../../db/schema";
import type { ContactResource } from "../../schemas/contacts";
import type { ConversationDto, MessageDto } from "../../schemas/conversations";

/** A conversation as it was when it opened: the inbox's full view comes with its first message. */
type OpenedConversation = { id: string; channel_id: string; contact_id: string };

/** A contact first seen on a channel, as the inbound path knows it. */
type FirstSeenContact = {
  id: string;
  name: string | null;
  phone?: string | null;
  email?: string | null;
  source: "channel";
};

/** A stored customer or agent message, as the projection wrote it to D1. */
export type ProjectedMessageView = Pick<
  MessageDto,
  "id" | "seq" | "kind" | "text" | "created_at"
> & {
  sender_type: MessageDto["sender"]["type"];
  has_attachment: boolean;
};

/**
 * Everything that happens in a workspace that something else may react to. Domain code and the
 * Durable Objects record these (`record`); listeners (realtime, webhooks, assignment,
 * automations …) react to them. Payloads carry what a listener needs without reading it back.
 */
export type DomainEvent =
  | { type: "conversation.opened"; conversation: OpenedConversation }
  | { type: "conversation.assigned"; conversation: ConversationDto; from: string | null }
  | {
      type: "conversation.closed";
      conversation: ConversationDto;
      from: ConversationStatus;
      reason: string | null;
    }
  | { type: "conversation.reopened"; conversation: ConversationDto; from: ConversationStatus }
  | { type: "conversation.snoozed"; conversation: ConversationDto; from: ConversationStatus }
  | { type: "conversation.pending"; conversation: ConversationDto; from: ConversationStatus }
  | {
      type: "conversation.labels_changed";
      conversation: ConversationDto;
      added: string[];
      removed: string[];
    }
  /** The conversation joined a team (SLA clocks start), after a chat menu or straight away. */
  | { type: "conversation.routed"; conversation: ConversationDto }
  | {
      type: "conversation.transferred";
      conversation: ConversationDto;
      from_team: string | null;
      to_team: string | null;
    }
  /** An agent read it: the unread count is back to zero. */
  | { type: "conversation.read"; conversation: ConversationDto }
  | { type: "message.received"; conversation_id: string; message: ProjectedMessageView }
  | { type: "message.sent"; conversation_id: string; message: ProjectedMessageView }
  | {
      type: "message.status";
      conversation_id: string;
      seq: number;
      status: string | null;
      reason: string | null;
      /** What the platform reported, when it was a status webhook (the status may not move back). */
      reported?: string;
      event?: string | null;
    }
  | { type: "contact.created"; contact: ContactResource | FirstSeenContact }
  | { type: "contact.updated"; contact: ContactResource }
  | { type: "contact.tag_added"; contact_id: string; tag: string }
  | { type: "contact.tag_removed"; contact_id: string; tag: string }
  | {
      type: "contact.field_changed";
      contact_id: string;
      key: string;
      from: unknown;
      to: unknown;
    }
  | {
      type: "contact.consent_changed";
      contact_id: string;
      channel: ConsentChannel;
      status: ConsentStatus;
    }
  | {
      type: "sla.breached";
      conversation_id: string;
      target: "first_response" | "resolution";
      due_at: string;
    }
  /** The contact wrote in a conversation a broadcast reached within the last 72 hours. */
  | {
      type: "broadcast.replied";
      broadcast_id: string;
      contact_id: string;
      conversation_id: string;
    }
  /** The customer scored the survey sent after a conversation closed. */
  | {
      type: "csat.answered";
      survey_id: string;
      conversation_id: string;
      contact_id: string;
      channel_id: string;
      scale: CsatScale;
      score: number;
    }
  /** The AI assistant handed the conversation to people (it asked, the customer did, an agent replied, or it failed). */
  | {
      type: "ai.handoff";
      conversation_id: string;
      assistant_id: string | null;
      reason: string;
      by: "assistant" | "customer" | "agent" | "error";
    }
  /** The AI assistant settled the customer's question on its own. */
  | { type: "ai.resolved"; conversation_id: string; assistant_id: string; reason: string }
  /** A member's capacity or teams changed: their teams' waiting conversations may move. */
  | { type: "member.updated"; user_id: string; capacity_changed: boolean; teams_changed: boolean };

export type EventType = DomainEvent["type"];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/**
 * An event as listeners get it: with its id (the same on every redelivery), workspace and time,
 * and, when automations' steps caused it, `chain`: those automations, oldest first.
 */
export type Recorded<T extends EventType = EventType> = EventOf<T> & {
  id: string;
  workspace_id: string;
  at: number;
  chain?: string[];
};
