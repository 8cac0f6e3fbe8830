import { desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { replyWindowClosesAt } from "../../channels/rules";
import { readInChunks } from "../../db/chunks";
import { preparedOnce, Reusable } from "../../db/client";
import { channels, contacts, conversationLabels, conversations } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { isoOrNull, toIso } from "../../schemas/common";
import type { ConversationDto } from "../../schemas/conversations";
import { record } from "../events/record";
import { writeCounting } from "../reports/rollups";
import { conversationStub } from "./stubs";

export const listColumns = {
  conversation: conversations,
  channelType: channels.type,
  contactName: contacts.name,
  contactPhone: contacts.phone,
  contactEmail: contacts.email,
};

export type ListRow = {
  conversation: typeof conversations.$inferSelect;
  channelType: typeof channels.$inferSelect.type;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
};

export function toDto(row: ListRow, labels: string[]): ConversationDto {
  const c = row.conversation;
  return {
    id: c.id,
    number: c.number,
    channel_id: c.channelId,
    channel_type: row.channelType,
    contact: {
      id: c.contactId,
      name: row.contactName,
      phone: row.contactPhone,
      email: row.contactEmail,
    },
    status: c.status,
    assignee_id: c.assigneeId,
    team_id: c.teamId,
    labels,
    last_message:
      c.lastMessagePreview !== null && c.lastMessageAt !== null && c.lastMessageSenderType !== null
        ? {
            preview: c.lastMessagePreview,
            at: toIso(c.lastMessageAt),
            sender_type: c.lastMessageSenderType,
          }
        : null,
    last_activity_at: toIso(c.lastActivityAt),
    unread_count: c.unreadCount,
    last_seq: c.lastSeq,
    snooze_until: c.snoozeUntil ? toIso(c.snoozeUntil) : null,
    last_inbound_at: isoOrNull(c.lastInboundAt),
    sla: {
      first_response_due_at: isoOrNull(c.firstResponseDueAt),
      first_response_at: isoOrNull(c.firstResponseAt),
      resolution_due_at: isoOrNull(c.resolutionDueAt),
    },
    reply_window_closes_at: isoOrNull(replyWindowClosesAt(row.channelType, c.lastInboundAt)),
    ai: c.aiState ? { state: c.aiState, assistant_id: c.aiAssistantId } : null,
    created_at: toIso(c.createdAt),
  };
}

export async function labelsOf(db: Db, workspaceId: string, ids: string[]) {
  const byConversation = new Map<string, string[]>(ids.map((id) => [id, []]));
  const rows = await readInChunks(ids, (chunk) =>
    db
      .select()
      .from(conversationLabels)
      .where(
        inWorkspace(
          conversationLabels,
          workspaceId,
          inArray(conversationLabels.conversationId, chunk),
        ),
      )
      .orderBy(conversationLabels.label),
  );
  for (const row of rows) byConversation.get(row.conversationId)?.push(row.label);
  return byConversation;
}

/** Conversations with their channel and contact, as the inbox lists them (plus `extra` columns). */
export function baseQuery<Extra extends Record<string, SQL.Aliased>>(
  db: Db,
  extra: Extra = {} as Extra,
) {
  return db
    .select({ ...listColumns, ...extra })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .$dynamic();
}

const byId = { workspaceId: sql.placeholder("workspaceId"), id: sql.placeholder("id") };

/** A conversation's labels as a JSON array, in order, read along with its row. */
const labelsJson = sql<string>`(SELECT json_group_array(label) FROM (SELECT ${conversationLabels.label} AS label FROM ${conversationLabels} WHERE ${conversationLabels.workspaceId} = ${conversations.workspaceId} AND ${conversationLabels.conversationId} = ${conversations.id} ORDER BY ${conversationLabels.label}))`;

/** One conversation as the inbox shows it, built once: it is read back on every projected message. */
const conversationStatement = preparedOnce(
  (db) =>
    new Reusable(
      db,
      baseQuery(db, { labels: labelsJson.as("labels") })
        .where(inWorkspace(conversations, byId.workspaceId, eq(conversations.id, byId.id)))
        .prepare(),
    ),
);

/** The read behind one conversation, to run in a batch with others (one round trip to D1). */
export function conversationRead(db: Db, workspaceId: string, id: string) {
  return conversationStatement(db).bind({ workspaceId, id });
}

/** The conversation from the batch result of `conversationRead`, or null when it is gone. */
export function conversationFromRead(db: Db, result: D1Result): ConversationDto | null {
  const [row] = conversationStatement(db).read(result);
  return row ? toDto(row, JSON.parse(row.labels) as string[]) : null;
}

export async function getConversation(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<ConversationDto> {
  const conversation = conversationFromRead(db, await conversationRead(db, workspaceId, id).all());
  if (!conversation) throw notFound("Conversation");
  return conversation;
}

/**
 * The workspace's next conversation number, read inside the insert itself: D1 runs one
 * statement at a time, so two conversations opened together never get the same number.
 */
const nextNumber = (workspaceId: string) =>
  sql<number>`(SELECT COALESCE(MAX(${conversations.number}), 0) + 1 FROM ${conversations} WHERE ${conversations.workspaceId} = ${workspaceId})`;

/** Opens a new conversation: the D1 row first, then its Durable Object. */
export async function openConversation(
  db: Db,
  env: Env,
  ref: { workspaceId: string; channelId: string; contactId: string },
  now: number,
) {
  const id = newId("cv", now);
  const insert = db.insert(conversations).values({
    id,
    ...ref,
    number: nextNumber(ref.workspaceId),
    lastActivityAt: now,
    createdAt: now,
  });
  const opened = { workspaceId: ref.workspaceId, conversationId: id, at: now };
  await writeCounting(db, insert, { after: [{ ...opened, metric: "conversations_opened" }] });
  await conversationStub(env, id).init({ conversationId: id, ...ref });
  await record({ db, env }, ref.workspaceId, {
    type: "conversation.opened",
    conversation: { id, channel_id: ref.channelId, contact_id: ref.contactId },
  });
  return id;
}

/** The contact's latest conversation on the channel that is not closed, if any. */
export async function findActiveConversation(
  db: Db,
  workspaceId: string,
  contactId: string,
  channelId: string,
) {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      inWorkspace(
        conversations,
        workspaceId,
        eq(conversations.contactId, contactId),
        eq(conversations.channelId, channelId),
        inArray(conversations.status, ["open", "pending", "snoozed"]),
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row?.id ?? null;
}
