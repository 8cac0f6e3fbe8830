import { and, eq, inArray } from "drizzle-orm";
import { sendRate } from "../../channels/rules";
import { type Outbound, SendError } from "../../channels/types";
import { isGoneCode, type PushAddress, webPush } from "../../channels/web-push";
import { webPushDeliveries, webPushSubscriptions } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { targetFetch } from "../../lib/targets";
import type { ChannelConfigOf } from "../../schemas/channels";
import type { ChannelRow } from "../channels/channels";
import { liveSubscriptions, removeSubscription, type SubscriptionRow } from "./reach";

export type SendAttempt =
  | { kind: "sent"; externalId: string }
  /** The channel's limiter makes the rest wait; the subscriptions already reached are not sent again. */
  | { kind: "wait"; delaySeconds: number };

const addressOf = (s: SubscriptionRow): PushAddress => ({
  endpoint: s.endpoint,
  keys: { p256dh: s.p256dh, auth: s.auth },
});

/** The subscriptions that already took this message (on an earlier attempt). */
async function alreadyReached(db: Db, subscriptions: SubscriptionRow[], messageId: string) {
  if (!subscriptions.length) return new Set<string>();
  const rows = await db
    .select({ id: webPushDeliveries.subscriptionId })
    .from(webPushDeliveries)
    .where(
      and(
        eq(webPushDeliveries.messageId, messageId),
        inArray(
          webPushDeliveries.subscriptionId,
          subscriptions.map((s) => s.id),
        ),
      ),
    );
  return new Set(rows.map((r) => r.id));
}

async function markReached(db: Db, subscription: SubscriptionRow, messageId: string, now: number) {
  await db
    .insert(webPushDeliveries)
    .values({ subscriptionId: subscription.id, messageId, sentAt: now })
    .onConflictDoNothing();
  await db
    .update(webPushSubscriptions)
    .set({ lastSuccessAt: now })
    .where(
      inWorkspace(
        webPushSubscriptions,
        subscription.workspaceId,
        eq(webPushSubscriptions.id, subscription.id),
      ),
    );
}

/**
 * Sends the message to every push subscription the contact has on the channel, each through the
 * channel's limiter. A subscription the push service calls gone (404 / 410) is removed with its
 * answer; a transient failure (429, 5xx, network) is thrown for the queue to retry, and the
 * retry skips the subscriptions this message already reached. Sent when at least one took it.
 */
export async function pushToContact(
  db: Db,
  env: Env,
  channel: ChannelRow,
  config: ChannelConfigOf<"web_push">,
  outbound: Outbound,
  contactId: string,
  now: number,
): Promise<SendAttempt> {
  const subscriptions = await liveSubscriptions(db, channel, contactId);
  const reached = await alreadyReached(db, subscriptions, outbound.reference);
  const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(channel.id));
  let transient: SendError | undefined;
  let refusal: SendError | undefined;
  for (const subscription of subscriptions.filter((s) => !reached.has(s.id))) {
    const waitMs = await limiter.acquire(sendRate("web_push", config), subscription.id);
    if (waitMs > 0) return { kind: "wait", delaySeconds: Math.ceil(waitMs / 1000) };
    const to = JSON.stringify(addressOf(subscription));
    try {
      await webPush.send(config, { ...outbound, to }, targetFetch(env));
      await markReached(db, subscription, outbound.reference, now);
      reached.add(subscription.id);
    } catch (error) {
      if (!(error instanceof SendError) || error.retryable) {
        transient = error instanceof SendError ? error : new SendError(String(error), true);
      } else {
        refusal = error;
        if (isGoneCode(error.code)) await removeSubscription(db, subscription, error.message, now);
      }
    }
  }
  if (transient) throw transient;
  if (reached.size) return { kind: "sent", externalId: `web_push:${outbound.reference}` };
  throw (
    refusal ??
    new SendError("The contact has no push subscription on this channel.", false, "no_subscription")
  );
}
