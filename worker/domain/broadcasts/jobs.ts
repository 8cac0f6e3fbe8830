import type { OutboundJob } from "../channels/outbound";
import type { RunRef } from "./runs";

/** Which part of the audience a page is read from: the rules, the contacts named, a CSV list. */
export type AudiencePass = "rules" | "named" | "listed";

/**
 * Work on the broadcasts queue, for one run: a page of the audience into the ledger, a few sends,
 * or one written message the platform turned away for a passing reason, to send again (`attempt`).
 */
export type BroadcastJob = RunRef &
  (
    | { kind: "expand"; pass?: AudiencePass; after: string | null }
    | { kind: "requeue"; after: string | null }
    | { kind: "send"; contactIds: string[] }
    | { kind: "resend"; channelId: string; message: OutboundJob; attempt: number }
  );

/** Recipients per send message: small, so a paused broadcast stops within a few sends. */
export const SEND_BATCH = 10;
/** A queue takes at most this many messages per sendBatch. */
const QUEUE_BATCH_LIMIT = 100;
const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

export async function queueJobs(env: Env, jobs: BroadcastJob[], delaySeconds = 0) {
  const delay = Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH_LIMIT)
    await env.BROADCASTS.sendBatch(
      jobs.slice(i, i + QUEUE_BATCH_LIMIT).map((body) => ({ body, delaySeconds: delay })),
    );
}

/** Send messages for these recipients, a few per message. */
export function sendJobs(ref: RunRef, ids: string[]) {
  const jobs: BroadcastJob[] = [];
  for (let i = 0; i < ids.length; i += SEND_BATCH)
    jobs.push({
      kind: "send",
      workspaceId: ref.workspaceId,
      broadcastId: ref.broadcastId,
      run: ref.run,
      contactIds: ids.slice(i, i + SEND_BATCH),
    });
  return jobs;
}
