import { and, eq, gte, isNull, lte, or, sql } from "drizzle-orm";
import { broadcastRecipients, broadcasts, messages } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { type EventScope, record } from "../events/record";

/** A contact's message this long after a broadcast's counts as a reply to it. */
export const REPLY_WINDOW_MS = 72 * 60 * 60 * 1000;

const messageKey = (workspaceId: string, conversationId: string, seq: number) =>
  inWorkspace(
    broadcastRecipients,
    workspaceId,
    eq(broadcastRecipients.conversationId, conversationId),
    eq(broadcastRecipients.seq, seq),
  );

/**
 * A broadcast message's status from the platform: delivered and read are counted; a failure
 * (after the outbound queue's own retries) is recorded with the platform's reason.
 */
export async function recordMessageStatus(
  db: Db,
  workspaceId: string,
  status: { conversationId: string; seq: number; status: string | null; reason: string | null },
  at: number,
) {
  const key = messageKey(workspaceId, status.conversationId, status.seq);
  if (status.status === "failed")
    await db
      .update(broadcastRecipients)
      .set({
        status: "failed",
        reason: status.reason ?? "The platform refused the message.",
        updatedAt: at,
      })
      .where(and(key, eq(broadcastRecipients.status, "sent")));
  if (status.status === "delivered" || status.status === "read")
    await db
      .update(broadcastRecipients)
      .set({
        deliveredAt: sql`coalesce(${broadcastRecipients.deliveredAt}, ${at})`,
        readAt:
          status.status === "read"
            ? sql`coalesce(${broadcastRecipients.readAt}, ${at})`
            : undefined,
        updatedAt: at,
      })
      .where(key);
}

/**
 * A refusal can come back before its send is recorded in the ledger (the outbound queue is
 * quick), and then finds no row to mark. Once the sends are recorded, their messages' statuses as
 * the history holds them (written before the status event goes out) are applied, so none is lost.
 */
export async function catchUpMessageStatuses(
  db: Db,
  workspaceId: string,
  sent: { conversationId: string; seq: number }[],
  at: number,
) {
  if (!sent.length) return;
  const rows = await db
    .select({
      conversationId: messages.conversationId,
      seq: messages.seq,
      status: messages.status,
      reason: messages.statusReason,
    })
    .from(messages)
    .where(
      inWorkspace(
        messages,
        workspaceId,
        or(
          ...sent.map((one) =>
            and(eq(messages.conversationId, one.conversationId), eq(messages.seq, one.seq)),
          ),
        ),
      ),
    );
  for (const row of rows)
    if (row.status && row.status !== "queued" && row.status !== "sent")
      await recordMessageStatus(db, workspaceId, row, at);
}

/**
 * The contact wrote in a conversation a broadcast reached in the last 72 hours: the recipient
 * is marked replied (once) and `broadcast.replied` is recorded for automations.
 */
export async function recordReply(
  scope: EventScope,
  workspaceId: string,
  conversationId: string,
  at: number,
) {
  const replied = await scope.db
    .update(broadcastRecipients)
    .set({ repliedAt: at, updatedAt: at })
    .where(
      inWorkspace(
        broadcastRecipients,
        workspaceId,
        eq(broadcastRecipients.conversationId, conversationId),
        eq(broadcastRecipients.status, "sent"),
        isNull(broadcastRecipients.repliedAt),
        lte(broadcastRecipients.sentAt, at),
        gte(broadcastRecipients.sentAt, at - REPLY_WINDOW_MS),
      ),
    )
    .returning({
      broadcastId: broadcastRecipients.broadcastId,
      contactId: broadcastRecipients.contactId,
    });
  for (const row of replied)
    await record(scope, workspaceId, {
      type: "broadcast.replied",
      broadcast_id: row.broadcastId,
      contact_id: row.contactId,
      conversation_id: conversationId,
    });
}

/** Whether the workspace has sent broadcasts: only then do its messages need looking at. */
export async function hasStartedBroadcasts(db: Db, workspaceId: string) {
  const row = await db.query.broadcasts.findFirst({
    columns: { id: true },
    where: inWorkspace(broadcasts, workspaceId, sql`${broadcasts.startedAt} is not null`),
  });
  return row !== undefined;
}
