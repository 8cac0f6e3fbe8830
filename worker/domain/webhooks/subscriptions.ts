import { desc, eq } from "drizzle-orm";
import { type WebhookEvent, webhookDeliveries, webhookSubscriptions } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { randomToken } from "../../lib/crypto";
import { notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { seal } from "../../lib/secret-box";
import { targetFieldError } from "../../lib/targets";
import { isoOrNull, toIso } from "../../schemas/common";
import { hubFor } from "../messaging/stubs";
import { audit } from "../workspace/audit";

type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export const toSubscriptionDto = (row: SubscriptionRow) => ({
  id: row.id,
  url: row.url,
  events: row.events,
  description: row.description,
  active: row.active,
  disabled_reason: row.disabledReason,
  created_at: toIso(row.createdAt),
});

export const toDeliveryDto = (row: DeliveryRow) => ({
  id: row.id,
  event_id: row.eventId,
  event_type: row.eventType,
  state: row.state,
  attempts: row.attempts,
  last_status: row.lastStatus,
  last_latency_ms: row.lastLatencyMs,
  last_response: row.lastResponse,
  last_error: row.lastError,
  next_attempt_at: isoOrNull(row.nextAttemptAt),
  created_at: toIso(row.createdAt),
});

async function checkUrl(env: Env, url: string) {
  const error = await targetFieldError(env, url, "url");
  if (error) throw validationFailed([error]);
}

const newSecret = () => `whsec_${randomToken(24)}`;

export async function createSubscription(
  db: Db,
  env: Env,
  principal: Principal,
  input: { url: string; events: WebhookEvent[]; description?: string | undefined },
  now: number,
) {
  await checkUrl(env, input.url);
  const secret = newSecret();
  const [row] = await db
    .insert(webhookSubscriptions)
    .values({
      id: newId("whk", now),
      workspaceId: principal.workspaceId,
      url: input.url,
      events: [...new Set(input.events)],
      description: input.description ?? null,
      secret: await seal(env, { secret }),
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await hubFor(env, principal.workspaceId).interestChanged();
  await audit(
    db,
    principal,
    "webhook.created",
    { type: "webhook", id: row.id },
    { url: row.url, events: row.events },
    now,
  );
  return { row, secret };
}

export async function getSubscription(db: Db, workspaceId: string, id: string) {
  const row = await db.query.webhookSubscriptions.findFirst({
    where: inWorkspace(webhookSubscriptions, workspaceId, eq(webhookSubscriptions.id, id)),
  });
  if (!row) throw notFound("Webhook subscription");
  return row;
}

export const listSubscriptions = (db: Db, workspaceId: string) =>
  db.query.webhookSubscriptions.findMany({
    where: inWorkspace(webhookSubscriptions, workspaceId),
    orderBy: desc(webhookSubscriptions.createdAt),
  });

/**
 * Changes a subscription. A new URL gets a new signing secret (returned once), so a secret only
 * ever signs for the receiver it was issued to; the old one stops working at once.
 */
export async function updateSubscription(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  patch: {
    url?: string | undefined;
    events?: WebhookEvent[] | undefined;
    description?: string | null | undefined;
    active?: boolean | undefined;
  },
) {
  const current = await getSubscription(db, principal.workspaceId, id);
  const url = patch.url !== undefined && patch.url !== current.url ? patch.url : null;
  if (url) await checkUrl(env, url);
  const secret = url ? newSecret() : null;
  const values = {
    ...(url && secret ? { url, secret: await seal(env, { secret }) } : {}),
    ...(patch.events ? { events: [...new Set(patch.events)] } : {}),
    // an empty description is no description
    ...(patch.description !== undefined ? { description: patch.description || null } : {}),
    // re-enabling clears the failure streak and the notice
    ...(patch.active !== undefined
      ? {
          active: patch.active,
          ...(patch.active ? { consecutiveFailures: 0, disabledReason: null } : {}),
        }
      : {}),
  };
  if (Object.keys(values).length === 0) return { row: current, secret: null };
  const [row] = await db
    .update(webhookSubscriptions)
    .set(values)
    .where(
      inWorkspace(webhookSubscriptions, principal.workspaceId, eq(webhookSubscriptions.id, id)),
    )
    .returning();
  await hubFor(env, principal.workspaceId).interestChanged();
  await audit(
    db,
    principal,
    "webhook.updated",
    { type: "webhook", id },
    { ...patch, ...(secret ? { secret_rotated: true } : {}) },
  );
  return { row: row ?? current, secret };
}

export async function deleteSubscription(db: Db, env: Env, principal: Principal, id: string) {
  await getSubscription(db, principal.workspaceId, id);
  await db
    .delete(webhookSubscriptions)
    .where(
      inWorkspace(webhookSubscriptions, principal.workspaceId, eq(webhookSubscriptions.id, id)),
    );
  await hubFor(env, principal.workspaceId).interestChanged();
  await audit(db, principal, "webhook.deleted", { type: "webhook", id });
}

export async function listDeliveries(db: Db, workspaceId: string, subscriptionId: string) {
  await getSubscription(db, workspaceId, subscriptionId);
  return db.query.webhookDeliveries.findMany({
    where: inWorkspace(
      webhookDeliveries,
      workspaceId,
      eq(webhookDeliveries.subscriptionId, subscriptionId),
    ),
    orderBy: desc(webhookDeliveries.createdAt),
    limit: 100,
  });
}
