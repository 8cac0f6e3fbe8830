import { eq, inArray, sql } from "drizzle-orm";
import { chunksFor, rowChunks } from "../../db/chunks";
import { acrossWorkspaces, writeTogether } from "../../db/client";
import { type WebhookEvent, webhookDeliveries, webhookSubscriptions } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { newId } from "../../lib/ids";
import { unseal } from "../../lib/secret-box";
import { hmacSha256Hex } from "../../lib/signed";
import { excerpt, fetchTarget, readExcerpt, TargetRefused } from "../../lib/targets";

/** A delivery waiting in the webhooks queue. */
export type WebhookJob = { deliveryId: string };

const DAY = 24 * 60 * 60 * 1000;
const BACKOFF_SECONDS = [2, 10, 60, 300, 900, 1800, 3600, 7200, 14_400, 28_800];
const TIMEOUT_MS = 10_000;
/** A queue takes at most this many messages per sendBatch. */
const QUEUE_BATCH_LIMIT = 100;
/** Deliveries that finally failed in a row before a subscription is switched off. */
export const DISABLE_AFTER = 5;

/** An event as webhook receivers get it: its id is the domain event's, the same on every redelivery. */
export type WebhookEventOut = {
  id: string;
  type: WebhookEvent;
  workspaceId: string;
  at: number;
  data: Record<string, unknown>;
};

export type ActiveSubscription = { id: string; events: WebhookEvent[] };

/** The workspace's subscriptions that are switched on, with the events each wants. */
export const activeSubscriptions = (db: Db, workspaceId: string): Promise<ActiveSubscription[]> =>
  db.query.webhookSubscriptions.findMany({
    columns: { id: true, events: true },
    where: inWorkspace(webhookSubscriptions, workspaceId, eq(webhookSubscriptions.active, true)),
  });

/**
 * Hands an event to every active subscription of the workspace that wants it: one logged
 * delivery each, queued for the webhooks consumer. Idempotent: an event seen again (a queue
 * redelivery) finds its deliveries already logged and queues none.
 */
export async function fanOut(
  db: Db,
  env: Env,
  event: WebhookEventOut,
  subscriptions: ActiveSubscription[],
  now = Date.now(),
) {
  const wanted = subscriptions.filter((s) => s.events.includes(event.type));
  if (wanted.length === 0) return;
  const payload = JSON.stringify({
    id: event.id,
    type: event.type,
    created_at: new Date(event.at).toISOString(),
    workspace_id: event.workspaceId,
    data: event.data,
  });
  const rows = wanted.map((s) => ({
    id: newId("dlv", now),
    workspaceId: event.workspaceId,
    subscriptionId: s.id,
    eventId: event.id,
    eventType: event.type,
    payload,
    createdAt: now,
    updatedAt: now,
  }));
  const [first, ...rest] = rowChunks(webhookDeliveries, rows).map((chunk) =>
    db
      .insert(webhookDeliveries)
      .values(chunk)
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id }),
  );
  const inserted = first ? (await db.batch([first, ...rest])).flat() : [];
  await queueDeliveries(
    db,
    env,
    event.workspaceId,
    inserted.map((d) => d.id),
  );
}

/**
 * Queues new deliveries; the ones that could not be queued are taken back out of the log, so a
 * redelivered event logs and queues them again rather than leaving them pending for ever.
 */
async function queueDeliveries(db: Db, env: Env, workspaceId: string, ids: string[]) {
  for (let i = 0; i < ids.length; i += QUEUE_BATCH_LIMIT) {
    const batch = ids.slice(i, i + QUEUE_BATCH_LIMIT);
    try {
      await env.WEBHOOKS.sendBatch(batch.map((deliveryId) => ({ body: { deliveryId } })));
    } catch (error) {
      const unqueued = ids.slice(i);
      await writeTogether(
        db,
        chunksFor(unqueued, 1, 1).map((chunk) =>
          db
            .delete(webhookDeliveries)
            .where(
              inWorkspace(webhookDeliveries, workspaceId, inArray(webhookDeliveries.id, chunk)),
            ),
        ),
      );
      throw error;
    }
  }
}

/** `Conversa-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`. */
export async function signatureHeader(secret: string, body: string, now: number) {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${await hmacSha256Hex(secret, `${t}.${body}`)}`;
}

type Attempt = {
  status: number | null;
  latencyMs: number;
  response: string | null;
  error: string | null;
};

/** One POST through the URL guard (a redirect answer is not followed); only an excerpt of the answer is kept. */
async function post(
  env: Env,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<Attempt> {
  const started = Date.now();
  try {
    const response = await fetchTarget(env, url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return {
      status: response.status,
      latencyMs: Date.now() - started,
      response: await readExcerpt(response).catch(() => null),
      error: null,
    };
  } catch (error) {
    const message = error instanceof TargetRefused ? `The URL ${error.message}` : String(error);
    return {
      status: null,
      latencyMs: Date.now() - started,
      response: null,
      error: excerpt(message),
    };
  }
}

async function finalFailure(db: Db, workspaceId: string, subscriptionId: string) {
  const where = inWorkspace(
    webhookSubscriptions,
    workspaceId,
    eq(webhookSubscriptions.id, subscriptionId),
  );
  const [row] = await db
    .update(webhookSubscriptions)
    .set({ consecutiveFailures: sql`${webhookSubscriptions.consecutiveFailures} + 1` })
    .where(where)
    .returning({ failures: webhookSubscriptions.consecutiveFailures });
  if ((row?.failures ?? 0) >= DISABLE_AFTER)
    await db
      .update(webhookSubscriptions)
      .set({
        active: false,
        disabledReason: `Disabled after ${row?.failures} deliveries in a row failed for 24 hours; fix the endpoint and re-enable it.`,
      })
      .where(where);
}

/**
 * One attempt at a delivery. Succeeds on any 2xx; otherwise it is retried with exponential
 * backoff until 24 hours after the event, then counted against the subscription.
 * Returns the delay before the next attempt, or null when the delivery is settled.
 */
export async function attemptDelivery(db: Db, env: Env, deliveryId: string, now = Date.now()) {
  // the id a job of ours carries names the delivery, and the delivery its workspace
  const delivery = await acrossWorkspaces(db).query.webhookDeliveries.findFirst({
    where: eq(webhookDeliveries.id, deliveryId),
  });
  if (delivery?.state !== "pending") return null;
  const { workspaceId } = delivery;
  const subscription = await db.query.webhookSubscriptions.findFirst({
    where: inWorkspace(
      webhookSubscriptions,
      workspaceId,
      eq(webhookSubscriptions.id, delivery.subscriptionId),
    ),
  });
  const settle = (values: Partial<typeof webhookDeliveries.$inferInsert>) =>
    db
      .update(webhookDeliveries)
      .set({ ...values, updatedAt: Date.now() })
      .where(inWorkspace(webhookDeliveries, workspaceId, eq(webhookDeliveries.id, deliveryId)));
  if (!subscription?.active) {
    await settle({ state: "failed", lastError: "The subscription is disabled." });
    return null;
  }
  const { secret } = await unseal(env, subscription.secret);
  const headers = {
    "content-type": "application/json",
    "user-agent": "Conversa-Webhooks/1.0",
    "conversa-event-id": delivery.eventId,
    "conversa-event-type": delivery.eventType,
    "conversa-signature": await signatureHeader(secret ?? "", delivery.payload, now),
  };
  const attempt = await post(env, subscription.url, delivery.payload, headers);
  const attempts = delivery.attempts + 1;
  const logged = {
    attempts,
    lastStatus: attempt.status,
    lastLatencyMs: attempt.latencyMs,
    lastResponse: attempt.response,
    lastError: attempt.error,
  };
  if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) {
    await settle({ ...logged, state: "succeeded", nextAttemptAt: null });
    await db
      .update(webhookSubscriptions)
      .set({ consecutiveFailures: 0 })
      .where(
        inWorkspace(
          webhookSubscriptions,
          workspaceId,
          eq(webhookSubscriptions.id, subscription.id),
        ),
      );
    return null;
  }
  const delay = BACKOFF_SECONDS[Math.min(attempts - 1, BACKOFF_SECONDS.length - 1)] ?? 28_800;
  if (Date.now() + delay * 1000 > delivery.createdAt + DAY) {
    await settle({ ...logged, state: "failed", nextAttemptAt: null });
    await finalFailure(db, workspaceId, subscription.id);
    return null;
  }
  await settle({ ...logged, nextAttemptAt: Date.now() + delay * 1000 });
  return delay;
}

/** Sends a logged delivery again (same event id, so receivers can dedupe). */
export async function replayDelivery(db: Db, env: Env, workspaceId: string, deliveryId: string) {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ state: "pending", nextAttemptAt: null, updatedAt: Date.now() })
    .where(inWorkspace(webhookDeliveries, workspaceId, eq(webhookDeliveries.id, deliveryId)))
    .returning();
  if (row) await env.WEBHOOKS.send({ deliveryId } satisfies WebhookJob);
  return row ?? null;
}
