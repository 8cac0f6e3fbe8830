import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import { isPlatformChannel } from "../../channels/index";
import { broadcastRate, type SendWindow, sendRate, sendWindow } from "../../channels/rules";
import { broadcastRecipients, broadcasts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { inOrderPerKey } from "../../lib/in-order";
import { findChannelRow, getChannelRow } from "../channels/channels";
import { expandPage, firstPass, passAfter } from "./audience";
import { type BroadcastRow, isRunning } from "./broadcasts";
import { type Claimed, claimRecipients, type RecipientChange, release, settle } from "./claims";
import { type BroadcastJob, queueJobs, sendJobs } from "./jobs";
import { catchUpMessageStatuses } from "./responses";
import { completeIfDone, ledgerOfRun, markExpanded, markWaiting, type RunRef } from "./runs";
import {
  type RecipientFacts,
  Refused,
  recipientsFacts,
  sendAgainLater,
  sendAtTurn,
  sendToRecipient,
} from "./send";

/** A pacer wait up to this long is booked and slept through; a longer one goes back to the queue. */
const INLINE_WAIT_MS = 2_000;
/** Tries of one recipient whose send failed for a passing reason, before it is recorded failed. */
export const MAX_SEND_ATTEMPTS = 5;

/** Sends of one batch under way at once, each waiting for its own turn from the pacer. */
const SENDS_IN_FLIGHT = 4;

type Wait = { retryInMs: number; until?: number };

/**
 * Waits for the send's turn from the channel's broadcast pacer (see `BROADCAST_SHARE`), which
 * books turns one after another: the time it goes, or the wait when that is long enough to give
 * the batch back to the queue. Only sends whose turn has come are written, so the work under way
 * follows the channel's pace, not the number of batches.
 */
async function paced(
  env: Env,
  channelId: string,
  rate: { perSecond: number; window: SendWindow | null },
): Promise<number | Wait> {
  const pacer = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(channelId));
  const { waitMs, at, full } = await pacer.pace(
    "broadcast",
    rate.perSecond,
    rate.window,
    undefined,
    INLINE_WAIT_MS,
  );
  if (full) return { retryInMs: waitMs, until: at + waitMs };
  if (waitMs > INLINE_WAIT_MS) return { retryInMs: waitMs };
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  return at + waitMs;
}

async function loadRunning(db: Db, job: { workspaceId: string; broadcastId: string }) {
  const broadcast = await db.query.broadcasts.findFirst({
    where: inWorkspace(broadcasts, job.workspaceId, eq(broadcasts.id, job.broadcastId)),
  });
  return broadcast?.status === "running" ? broadcast : null;
}

type Channel = Awaited<ReturnType<typeof getChannelRow>>;

/** What became of one claimed recipient's send: the change its row takes, and a passing failure. */
type Sent = {
  contactId: string;
  change: RecipientChange;
  written?: { conversationId: string; seq: number };
  error?: unknown;
};

/** The claimed recipients of one batch, sent side by side, each in its turn from the pacer. */
type Sending = {
  broadcast: BroadcastRow;
  channel: Channel;
  rate: { perSecond: number; window: SendWindow | null };
  claimed: Claimed[];
  facts: Map<string, RecipientFacts>;
};

/**
 * One send message: its recipients claimed together, then sent a few at a time, each when the
 * pacer gives its turn. A pause or cancel stops the sends still waiting for their turn (they go
 * back to the queue) and the batches after (their claims fail). A pacer wait too long (or a sender's window full) puts the recipients not
 * yet sent back and queues them for later. A passing failure puts its row back and throws, so
 * the queue retries the message with backoff; the platform's own refusals come back later as
 * message statuses (see `recordMessageStatus`).
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
  const { claimed, held } = await claimRecipients(db, job, job.contactIds, now());
  const facts = claimed.length
    ? await recipientsFacts(
        db,
        channel,
        claimed.map((claim) => claim.contactId),
      )
    : new Map<string, RecipientFacts>();
  const sending = { broadcast, channel, rate, claimed, facts };
  const { sent, unsent } = await sendClaimed(db, env, job, sending, now);
  await catchUp(db, job, sent, now());
  if (sent.length) await markWaiting(db, job, null);
  await putBack(db, env, job, unsent, now());
  if (unsent.pacerError) throw unsent.pacerError.error;
  const failure = sent.find((one) => one.error !== undefined);
  if (failure) throw failure.error;
  await queueHeld(env, job, held, now());
  await completeIfDone(db, job, now());
}

/**
 * A broadcast's written message that the platform turned away for a passing reason goes again at
 * a broadcast turn of its own, like the first sends, so retries never push the broadcast past its
 * pace nor wait in the live replies' queue. It goes even if the broadcast was paused since: the
 * message is already in the contact's conversation.
 */
export async function resendMessage(
  db: Db,
  env: Env,
  job: Extract<BroadcastJob, { kind: "resend" }>,
  now: () => number,
) {
  const channel = await findChannelRow(db, job.workspaceId, job.channelId);
  if (!channel || !isPlatformChannel(channel.type)) return;
  const perSecond = broadcastRate(sendRate(channel.type, channel.config));
  const turn = await paced(env, channel.id, { perSecond, window: null });
  if (typeof turn !== "number") return queueJobs(env, [job], turn.retryInMs / 1000);
  const outcome = await sendAtTurn(db, env, job.message, job.attempt, now());
  await sendAgainLater(env, job, job.attempt, outcome);
}

/** Rows another send still holds are tried again once its lease has run out. */
async function queueHeld(
  env: Env,
  job: RunRef,
  held: { contactId: string; until: number }[],
  now: number,
) {
  if (!held.length) return;
  const until = Math.max(...held.map((row) => row.until));
  const ids = held.map((row) => row.contactId);
  await queueJobs(env, sendJobs(job, ids), (until - now) / 1000);
}

/**
 * The recipients not sent: the pacer turned them away (or could not pace them), or the broadcast
 * stopped running (a pause or cancel) before their turn came.
 */
type Unsent = {
  contactIds: string[];
  wait: Wait | null;
  pacerError: { error: unknown } | null;
  stopped: boolean;
};

/**
 * Sends the claimed recipients, at most `SENDS_IN_FLIGHT` at once. Once the pacer turns one away
 * (or fails), those not yet paced are left unsent.
 */
async function sendClaimed(db: Db, env: Env, job: RunRef, sending: Sending, now: () => number) {
  const sent: Sent[] = [];
  const unsent: Unsent = { contactIds: [], wait: null, pacerError: null, stopped: false };
  const turnOf = () =>
    paced(env, sending.channel.id, sending.rate).catch((error: unknown) => {
      unsent.pacerError ??= { error };
      return null;
    });
  await inOrderPerKey(
    sending.claimed,
    (c) => c.contactId,
    SENDS_IN_FLIGHT,
    async (claim) => {
      const turn = unsent.wait || unsent.pacerError || unsent.stopped ? null : await turnOf();
      if (typeof turn === "number" && (await isRunning(db, job))) {
        const one = await sendOne(db, env, job, { ...sending, claim, at: turn }, now);
        await settle(db, job, one.contactId, one.change, now());
        sent.push(one);
        return;
      }
      if (typeof turn === "number") unsent.stopped = true;
      else if (turn) unsent.wait ??= turn;
      unsent.contactIds.push(claim.contactId);
    },
  );
  return { sent, unsent };
}

/** Sends one claimed recipient; whatever happens comes back as the change its row takes. */
async function sendOne(
  db: Db,
  env: Env,
  job: RunRef,
  send: Omit<Sending, "claimed" | "rate"> & { claim: Claimed; at: number },
  now: () => number,
): Promise<Sent> {
  const { broadcast, channel, claim } = send;
  const { contactId } = claim;
  try {
    const recipient = { contactId, run: job.run, round: claim.round, variant: claim.variant };
    const facts = send.facts.get(contactId);
    const written = await sendToRecipient(db, env, broadcast, channel, recipient, facts, now());
    return { contactId, change: { status: "sent", sentAt: send.at, ...written }, written };
  } catch (error) {
    if (error instanceof Refused)
      return { contactId, change: { status: "failed", reason: error.message } };
    if (claim.attempts >= MAX_SEND_ATTEMPTS)
      return { contactId, change: { status: "failed", reason: String(error) } };
    return { contactId, change: { status: "queued" }, error };
  }
}

/** Catches up the statuses that came back for the batch's messages before their rows were settled. */
function catchUp(db: Db, job: RunRef, sent: Sent[], now: number) {
  const written = sent.flatMap((one) => (one.written ? [one.written] : []));
  return catchUpMessageStatuses(db, job.workspaceId, written, now);
}

/**
 * The recipients the pacer turned away go back to the queue: again after its wait, the run
 * marked waiting when the sender's window is full; when the pacer failed, the queue retries the
 * whole batch.
 */
async function putBack(db: Db, env: Env, job: RunRef, unsent: Unsent, now: number) {
  if (!unsent.contactIds.length) return;
  await release(db, job, unsent.contactIds, now);
  const { wait } = unsent;
  if (!wait || unsent.pacerError) return;
  if (wait.until) await markWaiting(db, job, { reason: "max_per_window", until: wait.until });
  await queueJobs(env, sendJobs(job, unsent.contactIds), wait.retryInMs / 1000);
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
