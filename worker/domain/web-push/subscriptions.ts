import { eq } from "drizzle-orm";
import { contactIdentities, webPushSubscriptions } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Visitor } from "../../lib/context";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { PushSubscriptionInput } from "../../schemas/web-push";
import { type ChannelRow, getPublicChannel } from "../channels/channels";
import { identityKind } from "../channels/ledger";
import { setConsent } from "../contacts/consent";
import { record } from "../events/record";
import { liveOf, type SubscriptionRow, unlinkIdentity } from "./reach";

/** The visitor's workspace's web push channel named by the widget; 404 for any other. */
async function pushChannelOf(db: Db, visitor: Visitor, channelId: string) {
  const channel = await getPublicChannel(db, channelId, "web_push");
  if (channel.workspaceId !== visitor.workspaceId) throw notFound("Channel");
  return channel;
}

const byEndpoint = (db: Db, workspaceId: string, endpoint: string) =>
  db.query.webPushSubscriptions.findFirst({
    where: inWorkspace(
      webPushSubscriptions,
      workspaceId,
      eq(webPushSubscriptions.endpoint, endpoint),
    ),
  });

/** The subscription is how the contact is known on the channel: segments and broadcasts see it. */
async function linkIdentity(db: Db, channel: ChannelRow, subscription: SubscriptionRow) {
  const kind = identityKind(channel);
  await db
    .delete(contactIdentities)
    .where(
      inWorkspace(
        contactIdentities,
        channel.workspaceId,
        eq(contactIdentities.kind, kind),
        eq(contactIdentities.value, subscription.id),
      ),
    );
  await db.insert(contactIdentities).values({
    workspaceId: channel.workspaceId,
    kind,
    value: subscription.id,
    contactId: subscription.contactId,
  });
}

async function recordConsent(
  db: Db,
  env: Env,
  channel: ChannelRow,
  contactId: string,
  status: "opted_in" | "opted_out",
  now: number,
) {
  await setConsent(db, channel, contactId, status, now, "widget");
  await record({ db, env }, channel.workspaceId, {
    type: "contact.consent_changed",
    contact_id: contactId,
    channel: "web_push",
    status,
  });
}

/**
 * The browser's subscription, given with the visitor's consent: stored for their contact (a
 * browser subscribing again, or for another visitor, moves it), consent recorded as opted in.
 */
export async function subscribe(
  db: Db,
  env: Env,
  visitor: Visitor,
  input: PushSubscriptionInput,
  now: number,
) {
  const channel = await pushChannelOf(db, visitor, input.channel_id);
  const { endpoint, keys } = input.subscription;
  const fields = {
    channelId: channel.id,
    contactId: visitor.contactId,
    p256dh: keys.p256dh,
    auth: keys.auth,
    userAgent: input.user_agent ?? null,
    removedAt: null,
    removedReason: null,
  };
  const existing = await byEndpoint(db, visitor.workspaceId, endpoint);
  const [row] = existing
    ? await db
        .update(webPushSubscriptions)
        .set(fields)
        .where(
          inWorkspace(
            webPushSubscriptions,
            visitor.workspaceId,
            eq(webPushSubscriptions.id, existing.id),
          ),
        )
        .returning()
    : await db
        .insert(webPushSubscriptions)
        .values({
          id: newId("wps", now),
          workspaceId: visitor.workspaceId,
          endpoint,
          createdAt: now,
          ...fields,
        })
        .onConflictDoNothing()
        .returning();
  if (!row) throw conflict("This subscription belongs to another site.", "subscription.endpoint");
  await linkIdentity(db, channel, row);
  await recordConsent(db, env, channel, visitor.contactId, "opted_in", now);
  return row;
}

/**
 * The visitor turned notifications off in this browser: the subscription is deleted, and with
 * none left on the channel their push consent is withdrawn.
 */
export async function unsubscribe(
  db: Db,
  env: Env,
  visitor: Visitor,
  channelId: string,
  endpoint: string,
  now: number,
) {
  const channel = await pushChannelOf(db, visitor, channelId);
  const found = await byEndpoint(db, visitor.workspaceId, endpoint);
  if (!found || found.contactId !== visitor.contactId || found.channelId !== channel.id)
    throw notFound("Subscription");
  await unlinkIdentity(db, found);
  await db
    .delete(webPushSubscriptions)
    .where(
      inWorkspace(webPushSubscriptions, visitor.workspaceId, eq(webPushSubscriptions.id, found.id)),
    );
  const left = await db.query.webPushSubscriptions.findFirst({
    where: liveOf(visitor.workspaceId, visitor.contactId, channel.id),
  });
  if (!left) await recordConsent(db, env, channel, visitor.contactId, "opted_out", now);
}
