import { and, eq, lt, lte, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { conversations, type MessageKind, messages, type SenderType } from "../db/schema";
import type { ConversationDto } from "../schemas/conversations";
import { conversationFromReads, conversationReads } from "./conversations";

export type ProjectedMessage = {
  id: string;
  seq: number;
  kind: MessageKind;
  senderType: SenderType;
  senderId: string | null;
  text: string | null;
  hasAttachment: boolean;
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

export type ProjectionItem = { ref: ConversationRef; message: ProjectedMessage };

function writes(db: ReturnType<typeof createDb>, { ref, message }: ProjectionItem) {
  const fromCustomer = CUSTOMER.includes(message.senderType);
  const text = preview(message);
  return [
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
        ...(message.kind !== "event" ? { lastActivityAt: message.createdAt } : {}),
        ...(fromCustomer
          ? {
              unreadCount: sql`${conversations.unreadCount} + 1`,
              lastInboundAt: message.createdAt,
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
  ] as const;
}

/**
 * Writes messages into the D1 projection in one transaction, then reads back each touched
 * conversation as the live inbox shows it. Safe to repeat: a message insert ignores a seq it
 * already has, and a conversation update only applies to a newer seq.
 */
export async function projectMessages(
  d1: D1Database,
  items: ProjectionItem[],
): Promise<Map<string, ConversationDto>> {
  const db = createDb(d1);
  const touched = [...new Map(items.map((i) => [i.ref.conversationId, i.ref])).values()];
  const statements = [
    ...items.flatMap((item) => writes(db, item)),
    ...touched.flatMap((ref) => conversationReads(db, ref.workspaceId, ref.conversationId)),
  ];
  const [first, ...rest] = statements;
  if (!first) return new Map();
  const results = (await db.batch([first, ...rest])).slice(items.length * 2);
  const conversationsById = new Map<string, ConversationDto>();
  touched.forEach((ref, i) => {
    const dto = conversationFromReads(
      results[i * 2] as Parameters<typeof conversationFromReads>[0],
      results[i * 2 + 1] as Parameters<typeof conversationFromReads>[1],
    );
    if (dto) conversationsById.set(ref.conversationId, dto);
  });
  return conversationsById;
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
