import { and, eq, exists, gt, inArray, isNotNull, lt, notExists, or, sql } from "drizzle-orm";
import { isPlatformChannel } from "../../channels/index";
import { broadcastRate, sendRate } from "../../channels/rules";
import { broadcastRecipients, broadcasts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { getChannelRow } from "../channels/channels";
import { type AudiencePass, expandPage, firstPass, markExpanded, passAfter } from "./audience";
import type { BroadcastRow } from "./broadcasts";
import { catchUpMessageStatus } from "./responses";
import { Refused, sendToRecipient } from "./send";

/** Work on the broadcasts queue: a page of the audience into the ledger, or a few sends. */
export type BroadcastJob =
  | {
      kind: "expand";
      workspaceId: string;
      broadcastId: string;
      pass?: AudiencePass;
      after: string | null;
    }
  | { kind: "requeue"; workspaceId: string; broadcastId: string; after: string | null }
  | { kind: "send"; workspaceId: string; broadcastId: string; contactIds: string[] };

/** Recipients per send message: small, so a paused broadcast stops within a few sends. */
export const SEND_BATCH = 10;
/** How long a send holds its ledger row before it is taken for dead and may be taken again. */
export const SEND_LEASE_MS = 60_000;
/** A pacer wait up to this long is slept through; a longer one goes back to the queue. */
const INLINE_WAIT_MS = 2_000;
/** Tries of one recipient whose send failed for a passing reason, before it is recorded failed. */
export const MAX_SEND_ATTEMPTS = 5;
/** A queue takes at most this many messages per sendBatch. */
const QUEUE_BATCH_LIMIT = 100;
const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

const recipientKey = (workspaceId: string, broadcastId: string, contactId: string) =>
  inWorkspace(
    broadcastRecipients,
    workspaceId,
    eq(broadcastRecipients.broadcastId, broadcastId),
    eq(broadcastRecipients.contactId, contactId),
  );

export async function queueJobs(env: Env, jobs: BroadcastJob[], delaySeconds = 0) {
  const delay = Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH_LIMIT)
    await env.BROADCASTS.sendBatch(
      jobs.slice(i, i + QUEUE_BATCH_LIMIT).map((body) => ({ body, delaySeconds: delay })),
    );
}

/** Send messages for these recipients, a few per message. */
export function sendJobs(broadcast: Pick<BroadcastRow, "id" | "workspaceId">, ids: string[]) {
  const jobs: BroadcastJob[] = [];
  for (let i = 0; i < ids.length; i += SEND_BATCH)
    jobs.push({
      kind: "send",
      workspaceId: broadcast.workspaceId,
      broadcastId: broadcast.id,
      contactIds: ids.slice(i, i + SEND_BATCH),
    });
  return jobs;
}

type Claim =
  | { kind: "claimed"; round: number }
  | { kind: "held"; until: number }
  | { kind: "gone" };

/**
 * Takes the recipient's ledger row for this send (`queued`, or `sending` whose holder's lease
 * ran out) while the broadcast runs, as one statement: of two deliveries of the same batch only
 * one gets it. A row another send still holds is `held`; one already done, or a broadcast no
 * longer running, is `gone`.
 */
export async function claimRecipient(
  db: Db,
  job: { workspaceId: string; broadcastId: string },
  contactId: string,
  now: number,
): Promise<Claim> {
  const running = db
    .select({ one: sql`1` })
    .from(broadcasts)
    .where(
      inWorkspace(
        broadcasts,
        job.workspaceId,
        eq(broadcasts.id, job.broadcastId),
        eq(broadcasts.status, "running"),
      ),
    );
  const [claimed] = await db
    .update(broadcastRecipients)
    .set({
      status: "sending",
      leaseUntil: now + SEND_LEASE_MS,
      attempts: sql`${broadcastRecipients.attempts} + 1`,
      updatedAt: now,
    })
    .where(
      and(
        recipientKey(job.workspaceId, job.broadcastId, contactId),
        or(
          eq(broadcastRecipients.status, "queued"),
          and(eq(broadcastRecipients.status, "sending"), lt(broadcastRecipients.leaseUntil, now)),
        ),
        exists(running),
      ),
    )
    .returning({ round: broadcastRecipients.round });
  if (claimed) return { kind: "claimed", round: claimed.round };
  const row = await db.query.broadcastRecipients.findFirst({
    columns: { status: true, leaseUntil: true },
    where: recipientKey(job.workspaceId, job.broadcastId, contactId),
  });
  return row?.status === "sending" && row.leaseUntil !== null
    ? { kind: "held", until: row.leaseUntil }
    : { kind: "gone" };
}

/** Records what became of a claimed row; only the holder's `sending` row changes. */
const settle = (
  db: Db,
  job: { workspaceId: string; broadcastId: string },
  contactId: string,
  change: Partial<typeof broadcastRecipients.$inferInsert>,
  now: number,
) =>
  db
    .update(broadcastRecipients)
    .set({ leaseUntil: null, updatedAt: now, ...change })
    .where(
      and(
        recipientKey(job.workspaceId, job.broadcastId, contactId),
        eq(broadcastRecipients.status, "sending"),
      ),
    );

/**
 * Waits for the channel's broadcast pacer (see `BROADCAST_SHARE`): the time it let the send go,
 * or null when the wait is long enough to give the batch back to the queue.
 */
async function paced(env: Env, channelId: string, perSecond: number) {
  const pacer = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(channelId));
  for (;;) {
    const { waitMs, at } = await pacer.pace("broadcast", perSecond);
    if (waitMs === 0) return at;
    if (waitMs > INLINE_WAIT_MS) return { retryInMs: waitMs };
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

async function loadRunning(db: Db, job: { workspaceId: string; broadcastId: string }) {
  const broadcast = await db.query.broadcasts.findFirst({
    where: inWorkspace(broadcasts, job.workspaceId, eq(broadcasts.id, job.broadcastId)),
  });
  return broadcast?.status === "running" ? broadcast : null;
}

/** Completes a running broadcast whose audience is all in and whose sends are all done. */
export async function completeIfDone(
  db: Db,
  workspaceId: string,
  broadcastId: string,
  now: number,
) {
  const pending = db
    .select({ one: sql`1` })
    .from(broadcastRecipients)
    .where(
      inWorkspace(
        broadcastRecipients,
        workspaceId,
        eq(broadcastRecipients.broadcastId, broadcastId),
        inArray(broadcastRecipients.status, ["queued", "sending"]),
      ),
    );
  await db
    .update(broadcasts)
    .set({ status: "completed", finishedAt: now, updatedAt: now })
    .where(
      inWorkspace(
        broadcasts,
        workspaceId,
        eq(broadcasts.id, broadcastId),
        eq(broadcasts.status, "running"),
        isNotNull(broadcasts.expandedAt),
        notExists(pending),
      ),
    );
}

/**
 * One send message: each recipient is claimed, paced, written to and settled in turn. A pause
 * or cancel stops the rest (their claims fail). A passing failure puts the row back and throws,
 * so the queue retries the message with backoff; the platform's own refusals come back later
 * as message statuses (see `recordMessageStatus`).
 */
export async function sendBatch(
  db: Db,
  env: Env,
  job: Extract<BroadcastJob, { kind: "send" }>,
  now: () => number,
) {
  const broadcast = await loadRunning(db, job);
  if (!broadcast) return;
  const channel = await getChannelRow(db, job.workspaceId, broadcast.channelId);
  if (!isPlatformChannel(channel.type)) return;
  const rate = broadcastRate(sendRate(channel.type, channel.config));
  const later: string[] = [];
  let laterAt = 0;
  for (const [i, contactId] of job.contactIds.entries()) {
    const claim = await claimRecipient(db, job, contactId, now());
    if (claim.kind === "held") {
      later.push(contactId);
      laterAt = Math.max(laterAt, claim.until);
    }
    if (claim.kind !== "claimed") continue;
    const at = await paced(env, channel.id, rate);
    if (typeof at !== "number") {
      await settle(db, job, contactId, { status: "queued" }, now());
      const rest = job.contactIds.slice(i);
      await queueJobs(env, sendJobs(broadcast, rest), at.retryInMs / 1000);
      break;
    }
    await sendOne(db, env, { broadcast, channel, contactId, round: claim.round, at }, now);
  }
  if (later.length) await queueJobs(env, sendJobs(broadcast, later), (laterAt - now()) / 1000);
  await completeIfDone(db, job.workspaceId, job.broadcastId, now());
}

async function sendOne(
  db: Db,
  env: Env,
  send: {
    broadcast: BroadcastRow;
    channel: Awaited<ReturnType<typeof getChannelRow>>;
    contactId: string;
    round: number;
    at: number;
  },
  now: () => number,
) {
  const { broadcast, channel, contactId } = send;
  const job = { workspaceId: broadcast.workspaceId, broadcastId: broadcast.id };
  try {
    const recipient = { contactId, round: send.round };
    const written = await sendToRecipient(db, env, broadcast, channel, recipient, now());
    await settle(db, job, contactId, { status: "sent", sentAt: send.at, ...written }, now());
    await catchUpMessageStatus(db, job.workspaceId, written, now());
  } catch (error) {
    if (error instanceof Refused) {
      await settle(db, job, contactId, { status: "failed", reason: error.message }, now());
      return;
    }
    const row = await db.query.broadcastRecipients.findFirst({
      columns: { attempts: true },
      where: recipientKey(job.workspaceId, job.broadcastId, contactId),
    });
    if ((row?.attempts ?? 0) >= MAX_SEND_ATTEMPTS) {
      await settle(db, job, contactId, { status: "failed", reason: String(error) }, now());
      return;
    }
    await settle(db, job, contactId, { status: "queued" }, now());
    throw error;
  }
}

/** One page of the audience into the ledger; its queued recipients go to the send queue. */
export async function expandBatch(
  db: Db,
  env: Env,
  job: Extract<BroadcastJob, { kind: "expand" }>,
  now: number,
) {
  const broadcast = await db.query.broadcasts.findFirst({
    where: inWorkspace(broadcasts, job.workspaceId, eq(broadcasts.id, job.broadcastId)),
  });
  if (!broadcast || (broadcast.status !== "running" && broadcast.status !== "paused")) return;
  const pass = job.pass ?? firstPass(broadcast.audience);
  const { queued, next } = await expandPage(db, broadcast, { pass, after: job.after }, now);
  const nextPass = passAfter(broadcast.audience, pass);
  const following: BroadcastJob[] = next
    ? [{ ...job, pass, after: next }]
    : nextPass
      ? [{ ...job, pass: nextPass, after: null }]
      : [];
  await queueJobs(env, [...sendJobs(broadcast, queued), ...following]);
  if (following.length) return;
  await markExpanded(db, broadcast, now);
  await completeIfDone(db, job.workspaceId, job.broadcastId, now);
}

const REQUEUE_PAGE = 500;

/**
 * Sends again the recipients still waiting (after a resume, a retry of the failed, or a send
 * whose holder died), a page at a time. Those already being sent are skipped by their claims.
 */
export async function requeueBatch(
  db: Db,
  env: Env,
  job: Extract<BroadcastJob, { kind: "requeue" }>,
  now: number,
) {
  const broadcast = await loadRunning(db, job);
  if (!broadcast) return;
  const rows = await db
    .select({ id: broadcastRecipients.contactId })
    .from(broadcastRecipients)
    .where(
      inWorkspace(
        broadcastRecipients,
        job.workspaceId,
        eq(broadcastRecipients.broadcastId, job.broadcastId),
        inArray(broadcastRecipients.status, ["queued", "sending"]),
        job.after ? gt(broadcastRecipients.contactId, job.after) : undefined,
      ),
    )
    .orderBy(broadcastRecipients.contactId)
    .limit(REQUEUE_PAGE);
  const ids = rows.map((r) => r.id);
  const last = ids.at(-1);
  const following: BroadcastJob[] =
    ids.length === REQUEUE_PAGE && last ? [{ ...job, after: last }] : [];
  await queueJobs(env, [...sendJobs(broadcast, ids), ...following]);
  await completeIfDone(db, job.workspaceId, job.broadcastId, now);
}
