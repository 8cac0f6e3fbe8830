import type { z } from "@hono/zod-openapi";
import { and, asc, eq, gt, gte, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { channels, contacts, type ScheduledStatus, scheduledMessages } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict, notFound } from "../../lib/errors";
import { toIso } from "../../schemas/common";
import type {
  ScheduledListItem,
  ScheduledListQuery,
  ScheduledMessageSchema,
} from "../../schemas/scheduled-messages";

export type ScheduledRow = typeof scheduledMessages.$inferSelect;

export const toScheduledDto = (row: ScheduledRow): z.infer<typeof ScheduledMessageSchema> => ({
  id: row.id,
  channel_id: row.channelId,
  contact_id: row.contactId,
  conversation_id: row.conversationId,
  message: row.message,
  attachment: row.attachment ?? null,
  fallback_template: row.fallbackTemplate ?? null,
  open_conversation: row.openConversation,
  requested_at: toIso(row.requestedAt),
  send_at: toIso(row.sendAt),
  business_hours:
    row.businessHoursId === null
      ? null
      : row.businessHoursId
        ? { hours_id: row.businessHoursId }
        : {},
  repeat: row.repeat ?? null,
  occurrence: row.occurrence,
  sequence_id: row.sequenceId,
  step: row.step,
  cancel_on_reply: row.cancelOnReply,
  status: row.status,
  reason: row.reason,
  message_id: row.messageId,
  sent_conversation_id: row.sentConversationId,
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
});

export const scheduledKey = (workspaceId: string, id: string) =>
  inWorkspace(scheduledMessages, workspaceId, eq(scheduledMessages.id, id));

export async function getScheduled(db: Db, workspaceId: string, id: string) {
  const row = await db.query.scheduledMessages.findFirst({ where: scheduledKey(workspaceId, id) });
  if (!row) throw notFound("Scheduled message");
  return row;
}

const cursorOf = (row: ScheduledRow) => `${row.sendAt}~${row.id}`;

type ListedRow = {
  scheduled: ScheduledRow;
  contactName: string | null;
  channelName: string;
  channelType: (typeof channels.$inferSelect)["type"];
  sequenceSteps: number | null;
};

export const toListItemDto = (row: ListedRow): z.infer<typeof ScheduledListItem> => ({
  ...toScheduledDto(row.scheduled),
  contact: { id: row.scheduled.contactId, name: row.contactName },
  channel: { id: row.scheduled.channelId, kind: row.channelType, name: row.channelName },
  sequence_steps: row.scheduled.sequenceId ? row.sequenceSteps : null,
});

/** How many steps the row's sequence has (a sequence's steps never repeat: one row each). */
function sequenceStepsOf(workspaceId: string) {
  const sibling = alias(scheduledMessages, "sibling");
  const t = scheduledMessages;
  return sql<
    number | null
  >`(select count(*) from ${t} "sibling" where ${sibling.workspaceId} = ${workspaceId} and ${sibling.sequenceId} = ${t.sequenceId})`;
}

/** The calendar: scheduled messages by send time (then id), filtered, a page at a time. */
export async function listScheduled(
  db: Db,
  workspaceId: string,
  query: z.infer<typeof ScheduledListQuery>,
) {
  const t = scheduledMessages;
  const [afterAt, afterId] = query.cursor?.split("~") ?? [];
  const rows: ListedRow[] = await db
    .select({
      scheduled: t,
      contactName: contacts.name,
      channelName: channels.name,
      channelType: channels.type,
      sequenceSteps: sequenceStepsOf(workspaceId),
    })
    .from(t)
    .innerJoin(contacts, and(eq(contacts.id, t.contactId), eq(contacts.workspaceId, workspaceId)))
    .innerJoin(channels, and(eq(channels.id, t.channelId), eq(channels.workspaceId, workspaceId)))
    .where(
      inWorkspace(
        t,
        workspaceId,
        query.contact_id ? eq(t.contactId, query.contact_id) : undefined,
        query.conversation_id ? eq(t.conversationId, query.conversation_id) : undefined,
        query.sequence_id ? eq(t.sequenceId, query.sequence_id) : undefined,
        query.status ? eq(t.status, query.status) : undefined,
        query.from ? gte(t.sendAt, Date.parse(query.from)) : undefined,
        query.to ? lt(t.sendAt, Date.parse(query.to)) : undefined,
        afterId
          ? or(gt(t.sendAt, Number(afterAt)), and(eq(t.sendAt, Number(afterAt)), gt(t.id, afterId)))
          : undefined,
      ),
    )
    .orderBy(asc(t.sendAt), asc(t.id))
    .limit(query.limit + 1);
  const data = rows.slice(0, query.limit);
  const last = data.at(-1);
  return {
    data,
    next_cursor: rows.length > query.limit && last ? cursorOf(last.scheduled) : null,
  };
}

/** Moves pending messages matched by `where` to cancelled, as one statement. */
async function cancelWhere(
  db: Db,
  where: ReturnType<typeof inWorkspace>,
  reason: string,
  now: number,
) {
  const pending: ScheduledStatus = "pending";
  return db
    .update(scheduledMessages)
    .set({ status: "cancelled", reason, leaseUntil: null, updatedAt: now })
    .where(and(where, eq(scheduledMessages.status, pending)))
    .returning();
}

export async function cancelScheduled(db: Db, workspaceId: string, id: string, now: number) {
  const [row] = await cancelWhere(db, scheduledKey(workspaceId, id), "cancelled", now);
  if (row) return row;
  const current = await getScheduled(db, workspaceId, id);
  throw conflict(`A ${current.status} scheduled message cannot be cancelled.`);
}

export async function sequenceRows(db: Db, workspaceId: string, sequenceId: string) {
  const rows = await db.query.scheduledMessages.findMany({
    where: inWorkspace(
      scheduledMessages,
      workspaceId,
      eq(scheduledMessages.sequenceId, sequenceId),
    ),
    orderBy: [asc(scheduledMessages.step), asc(scheduledMessages.occurrence)],
  });
  if (!rows.length) throw notFound("Sequence");
  return rows;
}

/** Cancels the steps of a sequence still waiting; those sent or failed stay as they are. */
export async function cancelSequence(db: Db, workspaceId: string, sequenceId: string, now: number) {
  await sequenceRows(db, workspaceId, sequenceId);
  const where = inWorkspace(
    scheduledMessages,
    workspaceId,
    eq(scheduledMessages.sequenceId, sequenceId),
  );
  await cancelWhere(db, where, "cancelled", now);
  return sequenceRows(db, workspaceId, sequenceId);
}

/** The customer wrote: their waiting `cancel_on_reply` messages are cancelled as "replied". */
export async function cancelOnReply(db: Db, workspaceId: string, contactId: string, now: number) {
  const where = inWorkspace(
    scheduledMessages,
    workspaceId,
    eq(scheduledMessages.contactId, contactId),
    eq(scheduledMessages.cancelOnReply, true),
  );
  return cancelWhere(db, where, "replied", now);
}

/** Whether anything in the workspace waits to be cancelled by a reply. */
export async function hasReplyCancellable(db: Db, workspaceId: string) {
  const row = await db.query.scheduledMessages.findFirst({
    columns: { id: true },
    where: inWorkspace(
      scheduledMessages,
      workspaceId,
      eq(scheduledMessages.cancelOnReply, true),
      eq(scheduledMessages.status, "pending"),
    ),
  });
  return row !== undefined;
}
