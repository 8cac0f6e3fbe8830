import { and, eq, lt, lte, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { conversations, type MessageKind, messages, type SenderType } from "../db/schema";
import type { ConversationDto } from "../schemas/conversations";
import { conversationFromReads, conversationReads } from "./conversations";

type ProjectedMessage = {
  id: string;
  seq: number;
  kind: MessageKind;
  senderType: SenderType;
  senderId: string | null;
  text: string | null;
  hasAttachment: boolean;
  createdAt: number;
};
type ConversationRef = { conversationId: string; workspaceId: string };

const CUSTOMER: SenderType[] = ["visitor", "contact"];
const PREVIEW_LENGTH = 140;

function preview(message: ProjectedMessage): string | null {
  if (message.kind === "text") return (message.text ?? "").slice(0, PREVIEW_LENGTH);
  if (message.kind === "file") return message.text?.slice(0, PREVIEW_LENGTH) || "📎 Attachment";
  return null;
}

/**
 * Writes one message into the D1 projection. Safe to repeat: the message insert ignores a
 * seq it already has, and the conversation update only applies to a newer seq.
 */
export async function projectMessage(
  d1: D1Database,
  ref: ConversationRef,
  message: ProjectedMessage,
): Promise<ConversationDto | null> {
  const db = createDb(d1);
  const fromCustomer = CUSTOMER.includes(message.senderType);
  const text = preview(message);
  const touchesActivity = message.kind !== "event";
  const [conversationRow, labels] = conversationReads(db, ref.workspaceId, ref.conversationId);
  // one round trip: write, then read back what the live inbox shows
  const [, , rows, labelRows] = await db.batch([
    db
      .insert(messages)
      .values({
        id: message.id,
        workspaceId: ref.workspaceId,
        conversationId: ref.conversationId,
        seq: message.seq,
        kind: message.kind,
        senderType: message.senderType,
        senderId: message.senderId,
        text: message.text,
        createdAt: message.createdAt,
      })
      .onConflictDoNothing(),
    db
      .update(conversations)
      .set({
        lastSeq: message.seq,
        ...(text !== null
          ? {
              lastMessagePreview: text,
              lastMessageSenderType: message.senderType,
              lastMessageAt: message.createdAt,
            }
          : {}),
        ...(touchesActivity ? { lastActivityAt: message.createdAt } : {}),
        ...(fromCustomer
          ? {
              unreadCount: sql`${conversations.unreadCount} + 1`,
              // a customer writing wakes a snoozed or pending conversation
              status: sql`CASE WHEN ${conversations.status} IN ('snoozed', 'pending') THEN 'open' ELSE ${conversations.status} END`,
              snoozeUntil: null,
            }
          : {}),
      })
      .where(
        and(
          eq(conversations.workspaceId, ref.workspaceId),
          eq(conversations.id, ref.conversationId),
          lt(conversations.lastSeq, message.seq),
        ),
      ),
    conversationRow,
    labels,
  ]);
  return conversationFromReads(rows, labelRows);
}

export async function resetUnread(d1: D1Database, ref: ConversationRef) {
  await createDb(d1)
    .update(conversations)
    .set({ unreadCount: 0 })
    .where(
      and(eq(conversations.workspaceId, ref.workspaceId), eq(conversations.id, ref.conversationId)),
    );
}

/** Wakes a snoozed conversation whose time has come; false when it was already changed. */
export async function reopenSnoozed(d1: D1Database, ref: ConversationRef, now: number) {
  const rows = await createDb(d1)
    .update(conversations)
    .set({ status: "open", snoozeUntil: null, lastActivityAt: now })
    .where(
      and(
        eq(conversations.workspaceId, ref.workspaceId),
        eq(conversations.id, ref.conversationId),
        eq(conversations.status, "snoozed"),
        lte(conversations.snoozeUntil, now),
      ),
    )
    .returning({ id: conversations.id });
  return rows.length > 0;
}
