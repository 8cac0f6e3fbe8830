import { eq } from "drizzle-orm";
import {
  type ConsentByChannel,
  type ConsentStatus,
  consentChannelOf,
  contacts,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import type { ChannelRow } from "../channels/channels";
import { record } from "../events/record";
import { conversationStub } from "../messaging/stubs";
import { sayToCustomer } from "../routing/routing";

const CONFIRMATIONS = {
  stop: "You are unsubscribed and will receive no more messages. Reply START to subscribe again.",
  start: "You are subscribed again. Reply STOP to unsubscribe, HELP for help.",
  help: "Reply STOP to unsubscribe, START to subscribe again.",
} as const;

/** Does this consent record opt the contact out of messages on this kind of channel? */
export const optedOutOf = (consent: ConsentByChannel, channel: ChannelRow) =>
  consent[consentChannelOf(channel.type)]?.status === "opted_out";

/** Is the contact opted out of messages on this kind of channel? */
export async function isOptedOut(
  db: Db,
  workspaceId: string,
  contactId: string,
  channel: ChannelRow,
) {
  const row = await db.query.contacts.findFirst({
    columns: { consent: true },
    where: inWorkspace(contacts, workspaceId, eq(contacts.id, contactId)),
  });
  return row ? optedOutOf(row.consent, channel) : false;
}

/** Records the contact's consent on the channel's kind, and where it was given or withdrawn. */
export async function setConsent(
  db: Db,
  channel: ChannelRow,
  contactId: string,
  status: ConsentStatus,
  now: number,
  source = "keyword",
) {
  const row = await db.query.contacts.findFirst({
    columns: { consent: true },
    where: inWorkspace(contacts, channel.workspaceId, eq(contacts.id, contactId)),
  });
  if (!row) return;
  const consent = {
    ...row.consent,
    [consentChannelOf(channel.type)]: { status, at: now, source },
  };
  await db
    .update(contacts)
    .set({ consent, updatedAt: now })
    .where(inWorkspace(contacts, channel.workspaceId, eq(contacts.id, contactId)));
}

/** STOP / START / HELP from the customer: consent is updated, recorded and confirmed to them. */
export async function recordKeywordConsent(
  db: Db,
  env: Env,
  channel: ChannelRow,
  contactId: string,
  conversationId: string,
  keyword: keyof typeof CONFIRMATIONS,
  now: number,
) {
  const stub = conversationStub(env, conversationId);
  if (keyword !== "help") {
    const status = keyword === "stop" ? "opted_out" : "opted_in";
    await setConsent(db, channel, contactId, status, now);
    await stub.append({
      kind: "event",
      sender: { type: "system", id: null, name: null },
      event: { type: "consent_changed", data: { channel: consentChannelOf(channel.type), status } },
    });
    await record({ db, env }, channel.workspaceId, {
      type: "contact.consent_changed",
      contact_id: contactId,
      channel: consentChannelOf(channel.type),
      status,
    });
  }
  await sayToCustomer(env, { id: conversationId }, channel, CONFIRMATIONS[keyword]);
}
