import { eq, lt, lte, sql } from "drizzle-orm";
import { createDb, preparedOnce, Reusable } from "../../db/client";
import {
  contacts,
  conversations,
  type DeliveryStatus,
  type MessageKind,
  type MessageOrigin,
  messages,
  type SenderType,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import type { ConversationDto } from "../../schemas/conversations";
import { type Fact, rollupStatements } from "../reports/rollups";
import { conversationFromRead, conversationRead } from "./conversations";

export type ProjectedMessage = {
  id: string;
  seq: number;
  kind: MessageKind;
  senderType: SenderType;
  senderId: string | null;
  text: string | null;
  senderName: string | null;
  hasAttachment: boolean;
  origin: MessageOrigin | null;
  status: DeliveryStatus | null;
  statusReason: string | null;
  createdAt: number;
};
export type ConversationRef = { conversationId: string; workspaceId: string };

const CUSTOMER: SenderType[] = ["visitor", "contact"];
const PREVIEW_LENGTH = 140;

function preview(message: ProjectedMessage): string | null {
  if (message.kind === "text") return (message.text ?? "").slice(0, PREVIEW_LENGTH);
  if (message.kind === "file") return message.text?.slice(0, PREVIEW_LENGTH) || "📎 Attachment";
  return null;
}

export type ProjectionItem = {
  ref: ConversationRef;
  message: ProjectedMessage;
  /** The conversation as the inbox now shows it is wanted back, even with no one watching. */
  wantsConversation?: boolean;
};

const ph = sql.placeholder;

/**
 * The projection's writes, built once: an idempotent message insert, and a conversation update
 * that only applies to a newer seq. Null placeholders leave a column as it is.
 */
const projectionStatements = preparedOnce((db) => ({
  insertMessage: new Reusable(
    db,
    db
      .insert(messages)
      .values({
        id: ph("id"),
        workspaceId: ph("workspaceId"),
        conversationId: ph("conversationId"),
        seq: ph("seq"),
        kind: ph("kind"),
        senderType: ph("senderType"),
        senderId: ph("senderId"),
        text: ph("text"),
        origin: ph("origin"),
        senderName: ph("senderName"),
        status: ph("status"),
        statusReason: ph("statusReason"),
        attachmentCount: ph("attachmentCount"),
        createdAt: ph("createdAt"),
      })
      .onConflictDoNothing()
      .prepare(),
  ),
  updateConversation: new Reusable(
    db,
    db
      .update(conversations)
      .set({
        lastSeq: sql`${ph("seq")}`,
        lastMessagePreview: sql`coalesce(${ph("preview")}, ${conversations.lastMessagePreview})`,
        lastMessageSenderType: sql`CASE WHEN ${ph("preview")} IS NULL THEN ${conversations.lastMessageSenderType} ELSE ${ph("senderType")} END`,
        lastMessageAt: sql`CASE WHEN ${ph("preview")} IS NULL THEN ${conversations.lastMessageAt} ELSE ${ph("createdAt")} END`,
        lastActivityAt: sql`coalesce(${ph("activityAt")}, ${conversations.lastActivityAt})`,
        // a customer writing counts as unread and wakes a snoozed or pending conversation
        unreadCount: sql`${conversations.unreadCount} + ${ph("unread")}`,
        lastInboundAt: sql`coalesce(${ph("inboundAt")}, ${conversations.lastInboundAt})`,
        status: sql`CASE WHEN ${ph("inboundAt")} IS NOT NULL AND ${conversations.status} IN ('snoozed', 'pending') THEN 'open' ELSE ${conversations.status} END`,
        snoozeUntil: sql`CASE WHEN ${ph("inboundAt")} IS NULL THEN ${conversations.snoozeUntil} END`,
      })
      .where(
        inWorkspace(
          conversations,
          ph("workspaceId"),
          eq(conversations.id, ph("conversationId")),
          lt(conversations.lastSeq, ph("seq")),
        ),
      )
      .prepare(),
  ),
  // the contact's last activity follows their conversations' (for the contacts list's sort)
  touchContact: new Reusable(
    db,
    db
      .update(contacts)
      .set({ lastActivityAt: sql`${ph("activityAt")}` })
      .where(
        inWorkspace(
          contacts,
          ph("workspaceId"),
          sql`${contacts.id} = (select ${conversations.contactId} from ${conversations} where ${conversations.workspaceId} = ${ph("workspaceId")} and ${conversations.id} = ${ph("conversationId")})`,
          sql`coalesce(${contacts.lastActivityAt}, 0) < ${ph("activityAt")}`,
        ),
      )
      .prepare(),
  ),
}));

/**
 * Messages to the customer carry their origin into the history: the one given when sent, else
 * what the sender type says (a person by hand, or Conversa's bot). Null for everything else.
 */
function outboundOrigin(message: ProjectedMessage): MessageOrigin | null {
  if (message.kind !== "text" && message.kind !== "file") return null;
  if (message.senderType === "agent") return message.origin ?? "agent";
  if (message.senderType === "bot") return message.origin ?? "bot";
  return null;
}

/** A delivery status reaching the history; a message not projected yet is left to its projection. */
export async function projectDeliveryStatus(
  d1: D1Database,
  ref: ConversationRef,
  seq: number,
  delivery: { status: DeliveryStatus; reason: string | null },
) {
  await createDb(d1)
    .update(messages)
    .set({ status: delivery.status, statusReason: delivery.reason })
    .where(
      inWorkspace(
        messages,
        ref.workspaceId,
        eq(messages.conversationId, ref.conversationId),
        eq(messages.seq, seq),
      ),
    );
}

/** What reports count of a message: a customer's message in, or a message out to the customer. */
function countedAs(item: ProjectionItem): Fact | null {
  const { message, ref } = item;
  if (message.kind !== "text" && message.kind !== "file") return null;
  const fromCustomer = CUSTOMER.includes(message.senderType);
  if (!fromCustomer && outboundOrigin(message) === null) return null;
  return {
    ...ref,
    metric: fromCustomer ? "messages_in" : "messages_out",
    at: message.createdAt,
    agentId: message.senderType === "agent" ? message.senderId : null,
    // counted with its first projection only
    when: {
      sql: "NOT EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id AND m.seq = ?)",
      params: [message.seq],
    },
  };
}

/** An item's statements, its report counters first; `insertAt` is the message insert's place. */
function writes(db: Db, item: ProjectionItem) {
  const { ref, message } = item;
  const { insertMessage, updateConversation, touchContact } = projectionStatements(db);
  const fromCustomer = CUSTOMER.includes(message.senderType);
  const keys = { workspaceId: ref.workspaceId, conversationId: ref.conversationId };
  const activityAt = message.kind !== "event" ? message.createdAt : null;
  const fact = countedAs(item);
  const counters = fact ? rollupStatements(db.$client, fact) : [];
  return {
    insertAt: counters.length,
    statements: [
      ...counters,
      insertMessage.bind({
        ...keys,
        ...message,
        origin: outboundOrigin(message),
        attachmentCount: message.hasAttachment ? 1 : 0,
      }),
      updateConversation.bind({
        ...keys,
        seq: message.seq,
        preview: preview(message),
        senderType: message.senderType,
        createdAt: message.createdAt,
        activityAt,
        unread: fromCustomer ? 1 : 0,
        inboundAt: fromCustomer ? message.createdAt : null,
      }),
      touchContact.bind({ ...keys, activityAt }),
    ],
  };
}

/**
 * Writes messages into the D1 projection in one transaction, then reads back each touched
 * conversation that `readBack` asks for, as the live inbox shows it. Safe to repeat: a message
 * insert ignores a seq it already has, and a conversation update only applies to a newer seq.
 * `created` are the items whose message was not there before (a repeat creates none).
 */
export async function projectMessages(
  d1: D1Database,
  items: ProjectionItem[],
  readBack: (item: ProjectionItem) => boolean = () => true,
): Promise<{ conversations: Map<string, ConversationDto>; created: ProjectionItem[] }> {
  const conversationsById = new Map<string, ConversationDto>();
  if (items.length === 0) return { conversations: conversationsById, created: [] };
  const db = createDb(d1);
  const touched = [
    ...new Map(items.filter(readBack).map((i) => [i.ref.conversationId, i.ref])).values(),
  ];
  const itemWrites = items.map((item) => writes(db, item));
  const insertIndexes: number[] = [];
  let written = 0;
  for (const { insertAt, statements } of itemWrites) {
    insertIndexes.push(written + insertAt);
    written += statements.length;
  }
  const results = await d1.batch([
    ...itemWrites.flatMap((w) => w.statements),
    ...touched.map((ref) => conversationRead(db, ref.workspaceId, ref.conversationId)),
  ]);
  const created = items.filter((_, i) => (results[insertIndexes[i] ?? 0]?.meta.changes ?? 0) > 0);
  const reads = results.slice(written);
  touched.forEach((ref, i) => {
    const dto = conversationFromRead(db, reads[i] as D1Result);
    if (dto) conversationsById.set(ref.conversationId, dto);
  });
  return { conversations: conversationsById, created };
}

export async function resetUnread(d1: D1Database, ref: ConversationRef) {
  await createDb(d1)
    .update(conversations)
    .set({ unreadCount: 0 })
    .where(inWorkspace(conversations, ref.workspaceId, eq(conversations.id, ref.conversationId)));
}

/** Wakes a snoozed conversation whose time has come; false when it was already changed. */
export async function reopenSnoozed(d1: D1Database, ref: ConversationRef, now: number) {
  const rows = await createDb(d1)
    .update(conversations)
    .set({ status: "open", snoozeUntil: null, lastActivityAt: now })
    .where(
      inWorkspace(
        conversations,
        ref.workspaceId,
        eq(conversations.id, ref.conversationId),
        eq(conversations.status, "snoozed"),
        lte(conversations.snoozeUntil, now),
      ),
    )
    .returning({ id: conversations.id });
  return rows.length > 0;
}
