import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { isPlatformChannel } from "../../channels/index";
import { addressKindOf } from "../../channels/rules";
import { contacts, messages } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { notFound, validationFailed } from "../../lib/errors";
import { storeAttachment } from "../../lib/files";
import { newId } from "../../lib/ids";
import { fetchTarget, TargetRefused } from "../../lib/targets";
import type { SendRequest } from "../../schemas/send";
import { type ChannelRow, getChannel } from "../channels/channels";
import { contactForSender, findSender } from "../channels/inbound";
import { findActiveConversation, getConversation, openConversation } from "./conversations";
import { deliverAgentMessage, prepareAgentMessage } from "./messages";
import { contactVariables } from "./snippets";
import { conversationStub } from "./stubs";

type Input = z.infer<typeof SendRequest>;

/**
 * The contact to write to, found but not created: named by id, or known on the channel by its
 * kind of address. `create` makes the contact when there is none yet.
 */
async function findRecipient(
  db: Db,
  env: Env,
  principal: Principal,
  channel: ChannelRow,
  to: Input["to"],
  now: number,
) {
  if (to.contact_id) {
    const contact = await db.query.contacts.findFirst({
      columns: { id: true },
      where: inWorkspace(contacts, principal.workspaceId, eq(contacts.id, to.contact_id)),
    });
    if (!contact) throw validationFailed([{ path: "to.contact_id", message: "no such contact" }]);
    const { id } = contact;
    return { contactId: id, variables: await contactVariables(db, principal.workspaceId, id) };
  }
  // a browser subscribes through the widget: there is no address to send to
  if (channel.type === "web_push")
    throw validationFailed([
      { path: "to.contact_id", message: "web push reaches a contact's subscribed browsers" },
    ]);
  // the request names the address the way the channel reaches contacts
  const named = ({ phone: "phone", email: "email", identity: "platform_id" } as const)[
    addressKindOf(channel.type)
  ];
  const address = to[named];
  if (!address || !isPlatformChannel(channel.type))
    throw validationFailed([{ path: "to", message: `give to.${named} or to.contact_id` }]);
  const sender = { id: address, phone: to.phone, email: to.email, name: to.name };
  const { known, fields } = await findSender(db, channel, sender);
  if (known)
    return {
      contactId: known.id,
      variables: await contactVariables(db, principal.workspaceId, known.id),
    };
  return {
    contactId: null,
    variables: { phone: null, email: null, ...fields, fields: {} },
    create: async () => (await contactForSender(db, env, channel, sender, now)).id,
  };
}

/**
 * Sends on a channel to an address: finds or creates the contact and its open conversation,
 * then goes the same way as an agent's reply (rules, queue, statuses). Everything that can refuse
 * the message (the channel's rules, its template and variables, the attachment) is checked
 * first: a refused send creates no contact, no conversation and no file.
 */
export async function sendToAddress(
  db: Db,
  env: Env,
  principal: Principal,
  input: Input,
  context: { now: number; origin: string },
) {
  const channel = await getChannel(db, principal.workspaceId, input.channel_id);
  const recipient = await findRecipient(db, env, principal, channel, input.to, context.now);
  const open = recipient.contactId
    ? await findActiveConversation(db, principal.workspaceId, recipient.contactId, channel.id)
    : null;
  const lastInbound = open
    ? (await getConversation(db, principal.workspaceId, open)).last_inbound_at
    : null;
  const reply = await prepareAgentMessage(
    db,
    principal,
    {
      channel,
      contactId: recipient.contactId,
      contact: recipient.variables,
      lastInboundAt: lastInbound ? Date.parse(lastInbound) : null,
    },
    {
      text: input.text,
      template: input.template,
      subject: input.subject,
      area: input.area,
      private: false,
      client_message_id: input.client_message_id,
    },
    context.now,
  );
  const file = input.attachment ? await fetchAttachment(env, input.attachment) : undefined;
  const contactId = recipient.contactId ?? (await recipient.create());
  const ref = { workspaceId: principal.workspaceId, channelId: channel.id, contactId };
  const conversationId = open ?? (await openConversation(db, env, ref, context.now));
  const attachment = file
    ? await storeAttachment(
        env,
        { ...ref, conversationId, fileId: newId("file", context.now) },
        file,
      )
    : undefined;
  const message = await deliverAgentMessage(db, env, conversationId, reply, {
    ...context,
    attachment,
  });
  return { message, conversationId };
}

const MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Fetches a file named by URL (public addresses only, each redirect checked), to be stored once
 * the send is accepted. A failure names the status code only, never the target's answer.
 */
export async function fetchAttachment(env: Env, file: { url: string; name?: string | undefined }) {
  const refuse = (message: string) => validationFailed([{ path: "attachment.url", message }]);
  const response = await fetchTarget(env, file.url).catch((error) => {
    if (error instanceof TargetRefused) throw refuse(error.message);
    return null;
  });
  if (!response?.ok) {
    await response?.body?.cancel();
    throw refuse(
      `could not be fetched (${response ? `HTTP ${response.status}` : "network error"})`,
    );
  }
  const body = await response.arrayBuffer();
  if (body.byteLength > MAX_FILE_BYTES) throw refuse("is larger than 10 MB");
  const name = file.name ?? (new URL(file.url).pathname.split("/").pop() || "file");
  return {
    body,
    name,
    contentType: response.headers.get("content-type")?.split(";")[0] ?? "application/octet-stream",
    size: body.byteLength,
  };
}

/** A message by its id, as it is now (delivery status included). */
export async function getMessage(db: Db, env: Env, workspaceId: string, id: string) {
  const row = await db.query.messages.findFirst({
    columns: { conversationId: true, seq: true },
    where: inWorkspace(messages, workspaceId, eq(messages.id, id)),
  });
  if (!row) throw notFound("Message");
  const stored = await conversationStub(env, row.conversationId).outboundMessage(row.seq);
  if (!stored) throw notFound("Message");
  return stored.message;
}
