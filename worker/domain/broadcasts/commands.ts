import type { z } from "@hono/zod-openapi";
import { and, asc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import { broadcastRecipients, broadcasts, contacts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict } from "../../lib/errors";
import type { RecipientQuery, RecipientSchema } from "../../schemas/broadcasts";
import { isoOrNull, toIso } from "../../schemas/common";
import { hubFor } from "../messaging/stubs";
import { getBroadcast, transition } from "./broadcasts";
import { queueJobs } from "./jobs";
import { latestRun, ledgerOfRun, ONCE, openRun, type RunRef, setLatestRunStatus } from "./runs";

const jobOf = (ref: RunRef) => ({
  workspaceId: ref.workspaceId,
  broadcastId: ref.broadcastId,
  run: ref.run,
  after: null,
});

/** The run pause, resume and retry act on: the broadcast's latest. */
async function currentRun(db: Db, workspaceId: string, id: string): Promise<RunRef> {
  const run = await latestRun(db, workspaceId, id);
  if (!run) throw conflict("The broadcast has not run yet.");
  return run;
}

/**
 * Starts a run (the period's, for a recurring broadcast): the audience goes into the ledger
 * page by page, sends follow each page. A period that already has its run is a 409.
 */
export async function startBroadcast(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  now: number,
  periodKey = ONCE,
) {
  const row = await transition(db, workspaceId, id, {
    from: ["draft", "scheduled"],
    to: "running",
    now,
    verb: "started",
  });
  // a recurring broadcast started by hand makes an extra run of its own
  const key = row.recurrence && periodKey === ONCE ? `manual:${toIso(now)}` : periodKey;
  const run = await openRun(db, row, key, now);
  if (!run) {
    await transition(db, workspaceId, id, { from: ["running"], to: "scheduled", now, verb: "" });
    throw conflict("This period was sent already.");
  }
  if (row.startedAt === null)
    await db
      .update(broadcasts)
      .set({ startedAt: now })
      .where(
        inWorkspace(broadcasts, workspaceId, eq(broadcasts.id, id), isNull(broadcasts.startedAt)),
      );
  await queueJobs(env, [{ kind: "expand", ...jobOf(run) }]);
  // replies in the workspace matter from now on: the hub asks its listeners again
  await hubFor(env, workspaceId).interestChanged();
  return { ...row, startedAt: row.startedAt ?? now };
}

/** Stops further sends: each send claims its recipient only while the broadcast runs. */
export async function pauseBroadcast(db: Db, workspaceId: string, id: string, now: number) {
  const row = await transition(db, workspaceId, id, {
    from: ["running"],
    to: "paused",
    now,
    verb: "paused",
  });
  await setLatestRunStatus(db, workspaceId, id, { from: ["running"], to: "paused", now });
  return row;
}

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
  await setLatestRunStatus(db, workspaceId, id, { from: ["paused"], to: "running", now });
  await queueJobs(env, [{ kind: "requeue", ...jobOf(await currentRun(db, workspaceId, id)) }]);
  return row;
}

/** Stops it for good, no more runs; what was sent stays counted, what waited stays `queued`. */
export async function cancelBroadcast(db: Db, workspaceId: string, id: string, now: number) {
  const row = await transition(
    db,
    workspaceId,
    id,
    { from: ["draft", "scheduled", "running", "paused"], to: "cancelled", now, verb: "cancelled" },
    { finishedAt: now },
  );
  await setLatestRunStatus(db, workspaceId, id, {
    from: ["running", "paused"],
    to: "cancelled",
    now,
  });
  return row;
}

/**
 * The latest run's failed recipients are queued again; a completed broadcast (or a recurring
 * one waiting for its next period) runs again for them.
 */
export async function retryFailed(db: Db, env: Env, workspaceId: string, id: string, now: number) {
  const current = await getBroadcast(db, workspaceId, id);
  const run = await currentRun(db, workspaceId, id);
  const between =
    current.status === "completed" ||
    (current.recurrence !== null && current.status === "scheduled");
  if (between) {
    await transition(
      db,
      workspaceId,
      id,
      { from: [current.status], to: "running", now, verb: "retried" },
      { finishedAt: null },
    );
    await setLatestRunStatus(db, workspaceId, id, { from: ["completed"], to: "running", now });
  } else
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
    .where(and(ledgerOfRun(run), eq(broadcastRecipients.status, "failed")))
    .returning({ id: broadcastRecipients.contactId });
  await queueJobs(env, [{ kind: "requeue", ...jobOf(run) }]);
  return { requeued: requeued.length };
}

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
  const run = query.run ?? (await latestRun(db, workspaceId, id))?.run ?? 1;
  const rows = await db.query.broadcastRecipients.findMany({
    where: and(
      ledgerOfRun({ workspaceId, broadcastId: id, run }),
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
    variant: row.variant,
    clicked_at: isoOrNull(row.clickedAt),
  }));
  const last = data.at(-1);
  return { data, next_cursor: rows.length > query.limit && last ? last.contact_id : null };
}
