/**
 * The one place automations reach into the rest of the domain: what a step does to a contact or
 * a conversation goes through the same functions an agent's action does (same rules, events and
 * realtime pushes), acting as Conversa itself for the workspace.
 */
import { eq } from "drizzle-orm";
import { isPlatformChannel } from "../../channels";
import { labels, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { type Db, systemPrincipal } from "../../lib/context";
import { getChannelRow } from "../channels/channels";
import { getContact, updateContact } from "../contacts/contacts";
import { addTags, removeTag } from "../contacts/tags";
import type { AppendInput } from "../messaging/contract";
import { addLabels, assignConversation, changeStatus } from "../messaging/conversation-actions";
import {
  findActiveConversation,
  getConversation,
  openConversation,
} from "../messaging/conversations";
import { deliverAgentMessage, prepareAgentMessage } from "../messaging/messages";
import { contactVariables, renderForContact } from "../messaging/snippets";
import { conversationStub } from "../messaging/stubs";
import { listBusinessHours } from "../routing/business-hours";
import { transferConversation } from "../routing/transfer";

export { citationsOf } from "../ai/assistant-prompt";
export { BUILT_IN_FIELDS } from "../ai/assistants";
export type { AiCall } from "../ai/call-log";
export { AiUnavailable, complete } from "../ai/provider";
export { fieldValueFromText, listContactFields } from "../contacts/fields";
export { searchKnowledge } from "../knowledge/search";
export { renderVariables, unknownVariables } from "../messaging/variables";
export { type BusinessHours, instantOf, isOpen, localParts } from "../routing/hours";

export type RunScope = {
  workspaceId: string;
  contactId: string | null;
  conversationId: string | null;
};

export async function workspaceOf(db: Db, workspaceId: string) {
  const row = await db.query.workspaces.findFirst({ where: eq(workspaces.id, workspaceId) });
  return {
    timezone: row?.timezone ?? "UTC",
    businessHoursId: row?.businessHoursId ?? null,
    defaultCountry: row?.defaultCountry ?? "US",
  };
}

export const contactOf = (db: Db, workspaceId: string, contactId: string) =>
  getContact(db, workspaceId, contactId);

export const conversationOf = (db: Db, workspaceId: string, conversationId: string) =>
  getConversation(db, workspaceId, conversationId);

export const businessHoursOf = listBusinessHours;

/**
 * Fills `{{contact.…}}`, `{{workspace.…}}`, `{{conversation.number}}` for the run's contact and
 * conversation (no agent: Conversa writes).
 */
export async function renderForRun(db: Db, scope: RunScope, text: string) {
  const [contact, conversation] = await Promise.all([
    scope.contactId ? contactVariables(db, scope.workspaceId, scope.contactId) : null,
    scope.conversationId
      ? getConversation(db, scope.workspaceId, scope.conversationId).catch(() => null)
      : null,
  ]);
  return renderForContact(
    db,
    systemPrincipal(scope.workspaceId),
    contact,
    text,
    conversation ? { number: conversation.number } : null,
  );
}

type Outgoing = {
  text?: string | undefined;
  template?: { name: string; language: string; variables: string[] } | undefined;
  channelId?: string | undefined;
  note?: boolean;
};

/** The conversation a message goes to: the run's, or the contact's open one on the chosen channel. */
async function conversationFor(
  db: Db,
  env: Env,
  scope: RunScope,
  channelId: string | undefined,
  now: number,
) {
  const current = scope.conversationId
    ? await getConversation(db, scope.workspaceId, scope.conversationId)
    : null;
  if (current && (!channelId || current.channel_id === channelId))
    return { id: current.id, channelId: current.channel_id, lastInbound: current.last_inbound_at };
  if (!channelId) throw new Error("there is no conversation to write in: choose a channel");
  if (!scope.contactId) throw new Error("there is no contact to write to");
  const open = await findActiveConversation(db, scope.workspaceId, scope.contactId, channelId);
  const existing = open ? await getConversation(db, scope.workspaceId, open) : null;
  return {
    id: existing?.id ?? null,
    channelId,
    lastInbound: existing?.last_inbound_at ?? null,
    open: () =>
      openConversation(
        db,
        env,
        { workspaceId: scope.workspaceId, channelId, contactId: scope.contactId ?? "" },
        now,
      ),
  };
}

/**
 * A message (or a note) from the automation, checked by the channel's rules (reply window,
 * consent, templates) like an agent's reply, and named after the automation.
 */
export async function sendFromAutomation(
  db: Db,
  env: Env,
  scope: RunScope,
  outgoing: Outgoing,
  senderName: string,
  now: number,
) {
  const target = await conversationFor(
    db,
    env,
    scope,
    outgoing.note ? undefined : outgoing.channelId,
    now,
  );
  const channel = await getChannelRow(db, scope.workspaceId, target.channelId);
  const contactId = scope.contactId;
  const reply = await prepareAgentMessage(
    db,
    systemPrincipal(scope.workspaceId),
    {
      channel,
      contactId,
      contact: contactId ? await contactVariables(db, scope.workspaceId, contactId) : null,
      lastInboundAt: target.lastInbound ? Date.parse(target.lastInbound) : null,
    },
    { text: outgoing.text, template: outgoing.template, private: outgoing.note ?? false },
    now,
  );
  const conversationId = target.id ?? (await target.open?.());
  if (!conversationId) throw new Error("there is no conversation to write in");
  const message = await deliverAgentMessage(
    db,
    env,
    conversationId,
    { ...reply, sender: { type: "bot", id: null, name: senderName }, origin: "automation" },
    { now, origin: "" },
  );
  return { conversationId, seq: message.seq, platform: isPlatformChannel(channel.type) };
}

export const tagContact = (
  db: Db,
  env: Env,
  scope: RunScope,
  contactId: string,
  tag: string,
  now: number,
) => addTags(db, env, scope.workspaceId, contactId, [tag], now);

export const untagContact = (
  db: Db,
  env: Env,
  scope: RunScope,
  contactId: string,
  tag: string,
  now: number,
) => removeTag(db, env, scope.workspaceId, contactId, tag, now);

export const setContactField = (
  db: Db,
  env: Env,
  scope: RunScope,
  contactId: string,
  field: string,
  value: string | number | boolean | null,
  now: number,
) =>
  updateContact(
    db,
    env,
    systemPrincipal(scope.workspaceId),
    contactId,
    { custom_fields: { [field]: value } },
    now,
  );

/** Whether the workspace has this label (conversations take only labels it has). */
export async function labelExists(db: Db, workspaceId: string, name: string) {
  const row = await db.query.labels.findFirst({
    columns: { name: true },
    where: inWorkspace(labels, workspaceId, eq(labels.name, name.toLowerCase())),
  });
  return row !== undefined;
}

/** The customer's latest words in a conversation (notes and the business's messages aside). */
export async function latestCustomerText(env: Env, conversationId: string) {
  const recent = await conversationStub(env, conversationId).list({
    beforeSeq: Number.MAX_SAFE_INTEGER,
    limit: 50,
    audience: "visitor",
  });
  const fromCustomer = recent
    .filter((m) => (m.sender.type === "visitor" || m.sender.type === "contact") && m.text?.trim())
    .sort((a, b) => b.seq - a.seq);
  return fromCustomer[0]?.text ?? null;
}

/** A contact's name, email or phone, or one of its custom fields, by key. */
export const saveContactValue = (
  db: Db,
  env: Env,
  scope: RunScope,
  contactId: string,
  key: string,
  value: string | number | boolean,
  now: number,
) =>
  updateContact(
    db,
    env,
    systemPrincipal(scope.workspaceId),
    contactId,
    key === "name" || key === "email" || key === "phone"
      ? { [key]: String(value) }
      : { custom_fields: { [key]: value } },
    now,
  );

export const labelConversation = (db: Db, env: Env, scope: RunScope, id: string, label: string) =>
  addLabels(db, env, systemPrincipal(scope.workspaceId), id, [label]);

/** To an agent, a team, or both; a team alone waits there for its assignment rules. */
export function assign(
  db: Db,
  env: Env,
  scope: RunScope,
  id: string,
  to: { user_id?: string | null | undefined; team_id?: string | null | undefined },
) {
  const principal = systemPrincipal(scope.workspaceId);
  if (to.team_id === undefined)
    return assignConversation(db, env, principal, id, to.user_id ?? null);
  return transferConversation(db, env, principal, id, to);
}

export const setConversationStatus = (
  db: Db,
  env: Env,
  scope: RunScope,
  id: string,
  change: {
    status: "open" | "closed" | "snoozed";
    snoozeUntil: number | null;
    reason?: string | undefined;
  },
  now: number,
) => changeStatus(db, env, systemPrincipal(scope.workspaceId), id, change, now);

/** What an automation did, as its line in a conversation's timeline says it. */
export type Activity = {
  action: "replied" | "tagged" | "untagged" | "field_updated";
  tag?: string;
  field?: string;
};

/**
 * A line in the conversation's timeline saying what the automation did (agents see it, the
 * visitor does not), like an agent's assignment or transfer.
 */
export async function showInTimeline(
  env: Env,
  conversationId: string,
  automation: { id: string; name: string; runId: string },
  activity: Activity,
) {
  const event: AppendInput = {
    kind: "event",
    sender: { type: "system", id: null, name: automation.name },
    event: {
      type: "automation",
      data: {
        automation_id: automation.id,
        automation: automation.name,
        run_id: automation.runId,
        ...activity,
      },
    },
  };
  await conversationStub(env, conversationId).append(event);
}
