import { and, eq, exists, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { isPlatformChannel } from "../../channels/index";
import { broadcastRate, type SendWindow, sendRate, sendWindow } from "../../channels/rules";
import { leaseLapsed, takeLease } from "../../db/lease";
import { broadcastRecipients, broadcasts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { getChannelRow } from "../channels/channels";
import { expandPage, firstPass, passAfter } from "./audience";
import type { BroadcastRow } from "./broadcasts";
import { type BroadcastJob, queueJobs, sendJobs } from "./jobs";
import { catchUpMessageStatus } from "./responses";
import { completeIfDone, ledgerOfRun, markExpanded, markWaiting, type RunRef } from "./runs";
import { Refused, sendToRecipient } from "./send";

/** How long a send holds its ledger row before it is taken for dead and may be taken again. */
export const SEND_LEASE_MS = 60_000;
/** A pacer wait up to this long is slept through; a longer one goes back to the queue. */
const INLINE_WAIT_MS = 2_000;
/** Tries of one recipient whose send failed for a passing reason, before it is recorded failed. */
export const MAX_SEND_ATTEMPTS = 5;

const recipientKey = (ref: RunRef, contactId: string) =>
  and(ledgerOfRun(ref), eq(broadcastRecipients.contactId, contactId));

type Claim =
  | { kind: "claimed"; round: number; variant: string | null }
  | { kind: "held"; until: number }
  | { kind: "gone" };

/**
 * Takes the recipient's ledger row for this send (`queued` and due, or `sending` whose holder's lease
 * ran out) while the broadcast runs, as one statement: of two deliveries of the same batch only
 * one gets it. A row another send still holds is `held`; one already done, or a broadcast no
 * longer running, is `gone`.
 */
export async function claimRecipient(
  db: Db,
  job: RunRef,
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
    .set(takeLease(broadcastRecipients, now, SEND_LEASE_MS))
    .where(
      and(
        recipientKey(job, contactId),
        isNull(broadcastRecipients.dueAt),
        or(eq(broadcastRecipients.status, "queued"), leaseLapsed(broadcastRecipients, now)),
        exists(running),
      ),
    )
    .returning({ round: broadcastRecipients.round, variant: broadcastRecipients.variant });
  if (claimed) return { kind: "claimed", ...claimed };
  const row = await db.query.broadcastRecipients.findFirst({
    columns: { status: true, leaseUntil: true },
    where: recipientKey(job, contactId),
  });
  return row?.status === "sending" && row.leaseUntil !== null
    ? { kind: "held", until: row.leaseUntil }
    : { kind: "gone" };
}

/** Records what became of a claimed row; only the holder's `sending` row changes. */
const settle = (
  db: Db,
  job: RunRef,
  contactId: string,
  change: Partial<typeof broadcastRecipients.$inferInsert>,
  now: number,
) =>
  db
    .update(broadcastRecipients)
    .set({ leaseUntil: null, updatedAt: now, ...change })
    .where(and(recipientKey(job, contactId), eq(broadcastRecipients.status, "sending")));

/**
 * Waits for the channel's broadcast pacer (see `BROADCAST_SHARE`): the time it let the send go,
 * or null when the wait is long enough to give the batch back to the queue.
 */
async function paced(
  env: Env,
  channelId: string,
  rate: { perSecond: number; window: SendWindow | null },
) {
  const pacer = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(channelId));
  for (;;) {
    const { waitMs, at, full } = await pacer.pace("broadcast", rate.perSecond, rate.window);
    if (waitMs === 0) return at;
    if (full) return { retryInMs: waitMs, until: at + waitMs };
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
  const rate = {
    perSecond: broadcastRate(sendRate(channel.type, channel.config)),
    window: sendWindow(channel.type, channel.config),
  };
  const later: string[] = [];
  let laterAt = 0;
  let going = false;
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
      if (at.until) await markWaiting(db, job, { reason: "max_per_window", until: at.until });
      const rest = job.contactIds.slice(i);
      await queueJobs(env, sendJobs(job, rest), at.retryInMs / 1000);
      break;
    }
    if (!going) await markWaiting(db, job, null);
    going = true;
    const send = { broadcast, channel, contactId, round: claim.round, variant: claim.variant, at };
    await sendOne(db, env, job, send, now);
  }
  if (later.length) await queueJobs(env, sendJobs(job, later), (laterAt - now()) / 1000);
  await completeIfDone(db, job, now());
}

async function sendOne(
  db: Db,
  env: Env,
  job: RunRef,
  send: {
    broadcast: BroadcastRow;
    channel: Awaited<ReturnType<typeof getChannelRow>>;
    contactId: string;
    round: number;
    variant: string | null;
    at: number;
  },
  now: () => number,
) {
  const { broadcast, channel, contactId } = send;
  try {
    const recipient = { contactId, run: job.run, round: send.round, variant: send.variant };
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
      where: recipientKey(job, contactId),
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
  const page = { run: job.run, pass, after: job.after };
  const { queued, next } = await expandPage(db, broadcast, page, now);
  const nextPass = passAfter(broadcast.audience, pass);
  const following: BroadcastJob[] = next
    ? [{ ...job, pass, after: next }]
    : nextPass
      ? [{ ...job, pass: nextPass, after: null }]
      : [];
  await queueJobs(env, [...sendJobs(job, queued), ...following]);
  if (following.length) return;
  await markExpanded(db, job, now);
  await completeIfDone(db, job, now);
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
      and(
        ledgerOfRun(job),
        inArray(broadcastRecipients.status, ["queued", "sending"]),
        isNull(broadcastRecipients.dueAt),
        job.after ? gt(broadcastRecipients.contactId, job.after) : undefined,
      ),
    )
    .orderBy(broadcastRecipients.contactId)
    .limit(REQUEUE_PAGE);
  const ids = rows.map((r) => r.id);
  const last = ids.at(-1);
  const following: BroadcastJob[] =
    ids.length === REQUEUE_PAGE && last ? [{ ...job, after: last }] : [];
  await queueJobs(env, [...sendJobs(job, ids), ...following]);
  await completeIfDone(db, job, now);
}
