import { createDb } from "./db/client";
import { type AutomationJob, continueRun } from "./domain/automations/runner";
import { runSchedulePage, type ScheduleJob } from "./domain/automations/schedule";
import { expandBatch, requeueBatch, resendMessage, sendBatch } from "./domain/broadcasts/dispatch";
import type { BroadcastJob } from "./domain/broadcasts/jobs";
import { channelNamedPublicly } from "./domain/channels/channels";
import { type InboundJob, ingestEvent, NotYetKnown } from "./domain/channels/inbound";
import { deliverOutbound, type OutboundJob, queueOutbound } from "./domain/channels/outbound";
import { continueImport, failImport, type ImportJob } from "./domain/contacts/imports";
import { deliverQueued, type EventJob, subjectOf } from "./domain/events/record";
import { continueExport, type ExportJob, failExport } from "./domain/exports/exports";
import { attemptDelivery, type WebhookJob } from "./domain/webhooks/delivery";
import { inBatch } from "./lib/batch-memo";
import { type Clock, systemClock } from "./lib/clock";
import { inOrderPerKey } from "./lib/in-order";

export const INBOUND_QUEUE = "conversa-inbound";
export const OUTBOUND_QUEUE = "conversa-outbound";
export const WEBHOOKS_QUEUE = "conversa-webhooks";
export const EVENTS_QUEUE = "conversa-events";
export const AUTOMATIONS_QUEUE = "conversa-automations";
export const BROADCASTS_QUEUE = "conversa-broadcasts";
export const EXPORTS_QUEUE = "conversa-exports";
export const IMPORTS_QUEUE = "conversa-imports";

/** A status can overtake the send that created its message id: it waits this long, this often. */
const EARLY_STATUS_DELAY_SECONDS = 2;
const EARLY_STATUS_ATTEMPTS = 10;
const RETRY_SECONDS = [2, 10, 60, 300, 900];

const retryDelay = (attempts: number) =>
  RETRY_SECONDS[Math.min(attempts - 1, RETRY_SECONDS.length - 1)] ?? 900;

/** One message at a time, in order, so a conversation's messages keep the platform's order. */
async function consumeInbound(batch: MessageBatch<InboundJob>, env: Env) {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    const job = message.body;
    const channel = await channelNamedPublicly(db, job.channelId);
    if (!channel || channel.deletedAt !== null) {
      message.ack();
      continue;
    }
    try {
      await ingestEvent(db, env, channel, job);
      message.ack();
    } catch (error) {
      if (error instanceof NotYetKnown) {
        if (message.attempts < EARLY_STATUS_ATTEMPTS)
          message.retry({ delaySeconds: EARLY_STATUS_DELAY_SECONDS });
        else message.ack();
        continue;
      }
      console.error(`inbound ${job.event.type} on ${job.channelId} failed`, error);
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

/** How many conversations' outbound messages a batch sends side by side. */
const OUTBOUND_LANES = 8;

/**
 * A conversation's messages go one after another, in order; different conversations side by
 * side, so a live reply does not wait behind other conversations' sends and retries.
 */
async function consumeOutbound(batch: MessageBatch<OutboundJob>, env: Env) {
  const db = createDb(env.DB);
  const conversationOf = (message: Message<OutboundJob>) => message.body.conversationId;
  await inOrderPerKey(batch.messages, conversationOf, OUTBOUND_LANES, async (message) => {
    try {
      const outcome = await deliverOutbound(db, env, message.body, message.attempts, Date.now());
      if (outcome.kind === "retry") {
        message.retry({ delaySeconds: outcome.delaySeconds });
        return;
      }
      if (outcome.kind === "wait") await queueOutbound(env, message.body, outcome.delaySeconds);
      message.ack();
    } catch (error) {
      console.error(`outbound ${message.body.conversationId}#${message.body.seq} failed`, error);
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  });
}

/** Each delivery is attempted once per message; the next attempt is a new, delayed message. */
async function consumeWebhooks(batch: MessageBatch<WebhookJob>, env: Env) {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    try {
      const delay = await attemptDelivery(db, env, message.body.deliveryId);
      if (delay !== null) await env.WEBHOOKS.send(message.body, { delaySeconds: delay });
      message.ack();
    } catch (error) {
      console.error(`webhook delivery ${message.body.deliveryId} failed`, error);
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

/** How many subjects' events a batch of the events queue handles side by side. */
const EVENT_LANES = 16;

/**
 * Each message is one event for one listener; a failing listener gets it again, alone. A
 * conversation's (or contact's) events are handled in order, different ones side by side.
 */
async function consumeEvents(batch: MessageBatch<EventJob>, env: Env) {
  const scope = { db: createDb(env.DB), env };
  await inOrderPerKey(
    batch.messages,
    (message) => subjectOf(message.body.event),
    EVENT_LANES,
    async (message) => {
      try {
        await deliverQueued(scope, message.body);
        message.ack();
      } catch (error) {
        const { listener, event } = message.body;
        console.error(`${listener} could not handle ${event.type} ${event.id}`, error);
        message.retry({ delaySeconds: retryDelay(message.attempts) });
      }
    },
  );
}

const isScheduleJob = (job: AutomationJob | ScheduleJob): job is ScheduleJob =>
  "kind" in job && job.kind === "schedule";

/**
 * Wake-ups of waiting automation runs, and pages of contacts a schedule starts runs for. A run's
 * steps are logged before they act, so a message delivered twice never repeats one.
 */
export async function consumeAutomations(
  batch: MessageBatch<AutomationJob | ScheduleJob>,
  env: Env,
  clock: Clock = systemClock,
) {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    const job = message.body;
    try {
      if (isScheduleJob(job)) await runSchedulePage(db, env, job, clock.now());
      else await continueRun(db, env, job, clock.now());
      message.ack();
    } catch (error) {
      const what = isScheduleJob(job) ? `schedule page of ${job.automationId}` : `run ${job.runId}`;
      console.error(`automation ${what} failed to continue`, error);
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

/** How many of a batch's broadcast jobs run side by side: the channel's pacer keeps the pace. */
const BROADCAST_LANES = 10;

/**
 * Broadcast work: audience pages into the ledger, and small batches of sends, side by side. Each
 * send claims its ledger row first, so a batch delivered twice, or retried after a crash, sends
 * nothing twice.
 */
export async function consumeBroadcasts(
  batch: MessageBatch<BroadcastJob>,
  env: Env,
  clock: Clock = systemClock,
) {
  const db = createDb(env.DB);
  await inOrderPerKey(
    batch.messages,
    (message) => message.id,
    BROADCAST_LANES,
    async (message) => {
      const job = message.body;
      try {
        if (job.kind === "send") await sendBatch(db, env, job, () => clock.now());
        else if (job.kind === "expand") await expandBatch(db, env, job, clock.now());
        else if (job.kind === "resend") await resendMessage(db, env, job, () => clock.now());
        else await requeueBatch(db, env, job, clock.now());
        message.ack();
      } catch (error) {
        console.error(`broadcast ${job.broadcastId} ${job.kind} failed`, error);
        message.retry({ delaySeconds: retryDelay(message.attempts) });
      }
    },
  );
}

/** Tries before an export is given up as failed, with the reason. */
const EXPORT_ATTEMPTS = 5;

/** An export's next pages; one that keeps failing is marked failed rather than retried forever. */
export async function consumeExports(batch: MessageBatch<ExportJob>, env: Env) {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    try {
      await continueExport(db, env, message.body, Date.now());
      message.ack();
    } catch (error) {
      console.error(`export ${message.body.exportId} failed`, error);
      if (message.attempts >= EXPORT_ATTEMPTS) {
        await failExport(db, message.body, String(error), Date.now());
        message.ack();
      } else message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

/** Tries before an import is given up as failed, with the reason. */
const IMPORT_ATTEMPTS = 8;

/**
 * An import's next parts; a part written twice lands once (see `continueImport`), so a retried
 * turn resumes where the last one stopped. One that keeps failing is marked failed.
 */
export async function consumeImports(batch: MessageBatch<ImportJob>, env: Env) {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    try {
      await continueImport(db, env, message.body, Date.now());
      message.ack();
    } catch (error) {
      console.error(`import ${message.body.importId} failed`, error);
      if (message.attempts >= IMPORT_ATTEMPTS) {
        await failImport(db, message.body, String(error), Date.now());
        message.ack();
      } else message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

/** Each batch's work shares its reads (see `inBatch`). */
export function handleQueue(batch: MessageBatch, env: Env) {
  return inBatch(() => consume(batch, env));
}

async function consume(batch: MessageBatch, env: Env) {
  if (batch.queue === AUTOMATIONS_QUEUE)
    return consumeAutomations(batch as MessageBatch<AutomationJob | ScheduleJob>, env);
  if (batch.queue === BROADCASTS_QUEUE)
    return consumeBroadcasts(batch as MessageBatch<BroadcastJob>, env);
  if (batch.queue === EXPORTS_QUEUE) return consumeExports(batch as MessageBatch<ExportJob>, env);
  if (batch.queue === IMPORTS_QUEUE) return consumeImports(batch as MessageBatch<ImportJob>, env);
  if (batch.queue === WEBHOOKS_QUEUE)
    return consumeWebhooks(batch as MessageBatch<WebhookJob>, env);
  if (batch.queue === EVENTS_QUEUE) return consumeEvents(batch as MessageBatch<EventJob>, env);
  if (batch.queue === INBOUND_QUEUE) return consumeInbound(batch as MessageBatch<InboundJob>, env);
  if (batch.queue === OUTBOUND_QUEUE)
    return consumeOutbound(batch as MessageBatch<OutboundJob>, env);
  console.error(`no consumer for queue ${batch.queue}`);
  batch.retryAll();
}
