import type { z } from "@hono/zod-openapi";
import { and, asc, eq, gt, inArray, lt, lte, sql } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import { acrossWorkspaces } from "../../db/client";
import { broadcastRecipients, broadcasts, contacts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import type { BroadcastStats, RecipientQuery, RecipientSchema } from "../../schemas/broadcasts";
import { toIso } from "../../schemas/common";
import { hubFor } from "../messaging/stubs";
import { type BroadcastRow, getBroadcast, transition } from "./broadcasts";
import { completeIfDone, queueJobs } from "./dispatch";

const jobOf = (row: BroadcastRow) => ({
  workspaceId: row.workspaceId,
  broadcastId: row.id,
  after: null,
});

/** Starts sending: the audience goes into the ledger page by page, sends follow each page. */
export async function startBroadcast(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  now: number,
) {
  const row = await transition(
    db,
    workspaceId,
    id,
    { from: ["draft", "scheduled"], to: "running", now, verb: "started" },
    { startedAt: now },
  );
  await queueJobs(env, [{ kind: "expand", ...jobOf(row) }]);
  // replies in the workspace matter from now on: the hub asks its listeners again
  await hubFor(env, workspaceId).interestChanged();
  return row;
}

/** Stops further sends: each send claims its recipient only while the broadcast runs. */
export const pauseBroadcast = (db: Db, workspaceId: string, id: string, now: number) =>
  transition(db, workspaceId, id, { from: ["running"], to: "paused", now, verb: "paused" });

export async function resumeBroadcast(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  now: number,
) {
  const row = await transition(db, workspaceId, id, {
    from: ["paused"],
    to: "running",
    now,
    verb: "resumed",
  });
  await queueJobs(env, [{ kind: "requeue", ...jobOf(row) }]);
  return row;
}

/** Stops it for good; what was sent stays counted, what was waiting stays `queued`. */
export const cancelBroadcast = (db: Db, workspaceId: string, id: string, now: number) =>
  transition(
    db,
    workspaceId,
    id,
    { from: ["draft", "scheduled", "running", "paused"], to: "cancelled", now, verb: "cancelled" },
    { finishedAt: now },
  );

/** Failed recipients are queued again; a completed broadcast runs again for them. */
export async function retryFailed(db: Db, env: Env, workspaceId: string, id: string, now: number) {
  const current = await getBroadcast(db, workspaceId, id);
  if (current.status === "completed")
    await transition(
      db,
      workspaceId,
      id,
      { from: ["completed"], to: "running", now, verb: "retried" },
      { finishedAt: null },
    );
  else
    await transition(db, workspaceId, id, {
      from: ["running", "paused"],
      to: current.status,
      now,
      verb: "retried",
    });
  const requeued = await db
    .update(broadcastRecipients)
    .set({
      status: "queued",
      reason: null,
      attempts: 0,
      round: sql`${broadcastRecipients.round} + 1`,
      updatedAt: now,
    })
    .where(
      inWorkspace(
        broadcastRecipients,
        workspaceId,
        eq(broadcastRecipients.broadcastId, id),
        eq(broadcastRecipients.status, "failed"),
      ),
    )
    .returning({ id: broadcastRecipients.contactId });
  await queueJobs(env, [{ kind: "requeue", ...jobOf(current) }]);
  return { requeued: requeued.length };
}

export async function broadcastStats(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<z.infer<typeof BroadcastStats>> {
  const broadcast = await getBroadcast(db, workspaceId, id);
  const groups = await db
    .select({
      status: broadcastRecipients.status,
      reason: broadcastRecipients.reason,
      n: sql<number>`count(*)`,
      delivered: sql<number>`count(${broadcastRecipients.deliveredAt})`,
      read: sql<number>`count(${broadcastRecipients.readAt})`,
      replied: sql<number>`count(${broadcastRecipients.repliedAt})`,
    })
    .from(broadcastRecipients)
    .where(inWorkspace(broadcastRecipients, workspaceId, eq(broadcastRecipients.broadcastId, id)))
    .groupBy(broadcastRecipients.status, broadcastRecipients.reason);
  const stats = {
    status: broadcast.status,
    targeted: 0,
    excluded: 0,
    excluded_by_reason: {} as Record<string, number>,
    queued: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    replied: 0,
    failed: 0,
  };
  for (const group of groups) {
    stats.targeted += group.n;
    stats.delivered += group.delivered;
    stats.read += group.read;
    stats.replied += group.replied;
    if (group.status === "excluded") {
      stats.excluded += group.n;
      const reason = group.reason ?? "other";
      stats.excluded_by_reason[reason] = (stats.excluded_by_reason[reason] ?? 0) + group.n;
    } else if (group.status === "queued" || group.status === "sending") stats.queued += group.n;
    else stats[group.status] += group.n;
  }
  return stats;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : toIso(ms));

/** The names of a page of contacts, by id. */
async function contactNames(db: Db, workspaceId: string, ids: string[]) {
  const rows = await readInChunks(ids, (chunk) =>
    db
      .select({ id: contacts.id, name: contacts.name })
      .from(contacts)
      .where(inWorkspace(contacts, workspaceId, inArray(contacts.id, chunk))),
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** The ledger, in contact id order, `limit` at a time after the cursor. */
export async function listRecipients(
  db: Db,
  workspaceId: string,
  id: string,
  query: z.infer<typeof RecipientQuery>,
) {
  await getBroadcast(db, workspaceId, id);
  const rows = await db.query.broadcastRecipients.findMany({
    where: inWorkspace(
      broadcastRecipients,
      workspaceId,
      eq(broadcastRecipients.broadcastId, id),
      query.status === "queued"
        ? inArray(broadcastRecipients.status, ["queued", "sending"])
        : query.status
          ? eq(broadcastRecipients.status, query.status)
          : undefined,
      query.cursor ? gt(broadcastRecipients.contactId, query.cursor) : undefined,
    ),
    orderBy: asc(broadcastRecipients.contactId),
    limit: query.limit + 1,
  });
  const shown = rows.slice(0, query.limit);
  const names = await contactNames(
    db,
    workspaceId,
    shown.map((row) => row.contactId),
  );
  const data: z.infer<typeof RecipientSchema>[] = shown.map((row) => ({
    contact_id: row.contactId,
    contact_name: names.get(row.contactId) ?? null,
    status: row.status,
    reason: row.reason,
    message_id: row.messageId,
    conversation_id: row.conversationId,
    sent_at: isoOrNull(row.sentAt),
    delivered_at: isoOrNull(row.deliveredAt),
    read_at: isoOrNull(row.readAt),
    replied_at: isoOrNull(row.repliedAt),
  }));
  const last = data.at(-1);
  return { data, next_cursor: rows.length > query.limit && last ? last.contact_id : null };
}

/**
 * The minute's cron: starts scheduled broadcasts that are due, and sends again for running ones
 * whose sends were left held by a worker that died (their lease ran out).
 */
export async function runDueBroadcasts(db: Db, env: Env, now: number) {
  const every = acrossWorkspaces(db);
  const due = await every
    .select({ id: broadcasts.id, workspaceId: broadcasts.workspaceId })
    .from(broadcasts)
    .where(and(eq(broadcasts.status, "scheduled"), lte(broadcasts.sendAt, now)))
    .limit(100);
  for (const row of due)
    await startBroadcast(db, env, row.workspaceId, row.id, now).catch(() => undefined);
  const stuck = await every
    .selectDistinct({
      broadcastId: broadcastRecipients.broadcastId,
      workspaceId: broadcastRecipients.workspaceId,
    })
    .from(broadcastRecipients)
    .innerJoin(broadcasts, eq(broadcasts.id, broadcastRecipients.broadcastId))
    .where(
      and(
        eq(broadcasts.status, "running"),
        eq(broadcastRecipients.status, "sending"),
        lt(broadcastRecipients.leaseUntil, now),
      ),
    )
    .limit(100);
  await queueJobs(
    env,
    stuck.map((row) => ({ kind: "requeue" as const, ...row, after: null })),
  );
  for (const row of stuck) await completeIfDone(db, row.workspaceId, row.broadcastId, now);
}
