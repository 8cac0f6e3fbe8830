import { asc } from "drizzle-orm";
import { contacts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { validationFailed } from "../../lib/errors";
import { getChannel } from "../channels/channels";
import {
  findActiveConversation,
  getConversation,
  openConversation,
} from "../messaging/conversations";
import { deliverAgentMessage, prepareAgentMessage } from "../messaging/messages";
import { contactVariables, variableContext } from "../messaging/snippets";
import { renderVariables, type VariableContext } from "../messaging/variables";
import { kindFitsChannel } from "./kinds";
import { sanitizeHtml } from "./sanitize";
import type { MessageTemplateRow } from "./templates";

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/**
 * The template as one contact reads it. Values land in the HTML escaped, and the filled HTML is
 * sanitised again: a default spliced between tags can never make markup the saved HTML lacked.
 */
export async function renderTemplateFor(template: MessageTemplateRow, context: VariableContext) {
  const missing = new Set<string>();
  const fill = (text: string | null, encode?: (value: string) => string) => {
    if (text === null) return null;
    const rendered = renderVariables(text, context, encode);
    for (const path of rendered.missing) missing.add(path);
    return rendered.text;
  };
  const html = fill(template.html, escapeHtml);
  return {
    body: fill(template.body) ?? "",
    subject: fill(template.subject),
    html: html === null ? null : await sanitizeHtml(html),
    title: fill(template.title),
    url: template.url,
    missing: [...missing],
  };
}

/** The contact a preview is for: the one asked for, else the workspace's first. */
async function sampleContact(db: Db, workspaceId: string, contactId: string | undefined) {
  if (contactId) {
    const contact = await contactVariables(db, workspaceId, contactId);
    if (!contact)
      throw validationFailed([
        { path: "contact_id", message: "No such contact in this workspace" },
      ]);
    return { id: contactId, contact };
  }
  const first = await db.query.contacts.findFirst({
    columns: { id: true },
    where: inWorkspace(contacts, workspaceId),
    orderBy: [asc(contacts.createdAt), asc(contacts.id)],
  });
  return first
    ? { id: first.id, contact: await contactVariables(db, workspaceId, first.id) }
    : { id: null, contact: null };
}

export async function previewTemplate(
  db: Db,
  principal: Principal,
  template: MessageTemplateRow,
  contactId: string | undefined,
) {
  const sample = await sampleContact(db, principal.workspaceId, contactId);
  const context = await variableContext(db, principal, sample.contact);
  return { contact_id: sample.id, ...(await renderTemplateFor(template, context)) };
}

async function channelFor(db: Db, workspaceId: string, template: MessageTemplateRow, id: string) {
  const channel = await getChannel(db, workspaceId, id).catch(() => {
    throw validationFailed([{ path: "channel_id", message: "No such channel in this workspace" }]);
  });
  if (!kindFitsChannel(template.channelKind, channel.type))
    throw validationFailed([
      {
        path: "channel_id",
        message: `A ${template.channelKind} template is not sent on a ${channel.type} channel`,
      },
    ]);
  return channel;
}

/**
 * Sends the template, filled for the contact, through the normal path: the contact's open
 * conversation on the channel (opened if needed), the channel's rules (consent, reply window),
 * then the outbound queue. It is marked as a test in the sent-message history.
 */
export async function testSendTemplate(
  db: Db,
  env: Env,
  principal: Principal,
  template: MessageTemplateRow,
  target: { channelId: string; contactId: string },
  context: { now: number; origin: string },
) {
  const { workspaceId } = principal;
  const channel = await channelFor(db, workspaceId, template, target.channelId);
  const contact = await contactVariables(db, workspaceId, target.contactId);
  if (!contact)
    throw validationFailed([{ path: "contact_id", message: "No such contact in this workspace" }]);
  const open = await findActiveConversation(db, workspaceId, target.contactId, channel.id);
  const conversation = open ? await getConversation(db, workspaceId, open) : null;
  const rendered = await renderTemplateFor(
    template,
    await variableContext(db, principal, contact, conversation && { number: conversation.number }),
  );
  const reply = await prepareAgentMessage(
    db,
    principal,
    {
      channel,
      contactId: target.contactId,
      contact,
      lastInboundAt: conversation?.last_inbound_at
        ? Date.parse(conversation.last_inbound_at)
        : null,
    },
    { text: rendered.body, subject: rendered.subject ?? undefined, private: false },
    context.now,
  );
  const conversationId =
    open ??
    (await openConversation(
      db,
      env,
      { workspaceId, channelId: channel.id, contactId: target.contactId },
      context.now,
    ));
  const message = await deliverAgentMessage(
    db,
    env,
    conversationId,
    {
      ...reply,
      origin: "test",
      outbound: { ...reply.outbound, ...(rendered.html ? { html: rendered.html } : {}) },
    },
    context,
  );
  return { conversation_id: conversationId, message_id: message.id };
}
