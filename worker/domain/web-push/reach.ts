import { eq, isNull } from "drizzle-orm";
import { contactIdentities, webPushSubscriptions } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import type { ChannelRow } from "../channels/channels";

export type SubscriptionRow = typeof webPushSubscriptions.$inferSelect;

/** The subscription no longer names the contact on the channel. */
export async function unlinkIdentity(db: Db, subscription: SubscriptionRow) {
  await db
    .delete(contactIdentities)
    .where(
      inWorkspace(
        contactIdentities,
        subscription.workspaceId,
        eq(contactIdentities.kind, `web_push:${subscription.channelId}`),
        eq(contactIdentities.value, subscription.id),
      ),
    );
}

export const liveOf = (workspaceId: string, contactId: string, channelId: string) =>
  inWorkspace(
    webPushSubscriptions,
    workspaceId,
    eq(webPushSubscriptions.contactId, contactId),
    eq(webPushSubscriptions.channelId, channelId),
    isNull(webPushSubscriptions.removedAt),
  );

/** The contact's subscriptions on the channel that a push may still reach. */
export const liveSubscriptions = (db: Db, channel: ChannelRow, contactId: string) =>
  db.query.webPushSubscriptions.findMany({
    where: liveOf(channel.workspaceId, contactId, channel.id),
  });

/** The push service says the subscription is gone for good: kept removed, with its answer. */
export async function removeSubscription(
  db: Db,
  subscription: SubscriptionRow,
  reason: string,
  now: number,
) {
  await unlinkIdentity(db, subscription);
  await db
    .update(webPushSubscriptions)
    .set({ removedAt: now, removedReason: reason })
    .where(
      inWorkspace(
        webPushSubscriptions,
        subscription.workspaceId,
        eq(webPushSubscriptions.id, subscription.id),
      ),
    );
}
