import type {
  Attachment,
  DeliveryStatus,
  MessageKind,
  MessageOrigin,
  SenderType,
  SystemEvent,
} from "../../db/schema";
import type { MessageDto } from "../../schemas/conversations";

/**
 * What the Worker and a conversation object say to each other: the object's methods take and
 * give these, so both sides share one definition without the Worker importing the object.
 */

/** Who watches a conversation: its agents, or the visitor (who sees no notes). */
export type Audience = "agent" | "visitor";

export type ConversationMeta = {
  conversationId: string;
  workspaceId: string;
  channelId: string;
  contactId: string;
};

/** How an outbound message is to be sent (template, HUMAN_AGENT tag, email subject …). */
export type OutboundOptions = {
  template?: { name: string; language: string; variables: string[] };
  humanAgentTag?: boolean;
  subject?: string;
  area?: string;
  /** Email: an HTML part beside the text, already sanitised. */
  html?: string;
};

export type AppendInput = {
  kind: MessageKind;
  sender: { type: SenderType; id: string | null; name: string | null };
  text?: string | null;
  attachment?: Attachment | null;
  event?: SystemEvent | null;
  status?: DeliveryStatus | null;
  /** A platform or client message id: the same id from the same sender is stored once. */
  externalId?: string | null;
  /** Who stands behind a sender without an id of their own (the API key of a `bot` message). */
  senderKey?: string | null;
  outbound?: OutboundOptions | null;
  /** How an outbound message came to be sent, when its sender type alone does not tell. */
  origin?: MessageOrigin | null;
  /** Written by the AI assistant: which one, and the knowledge it cites. */
  ai?: AiMark | null;
};

export type AiMark = NonNullable<MessageDto["ai"]>;

/** A delivery status report for one message; the status only ever moves forward. */
export type DeliveryUpdate = {
  status: DeliveryStatus;
  reason?: string | null;
  event?: string | null;
  at?: number;
};

/** A due time at which the object checks an SLA target. */
export type SlaCheck = { target: "first_response" | "resolution"; at: number };
