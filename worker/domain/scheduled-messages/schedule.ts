import type { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { rowChunks } from "../../db/chunks";
import { contacts, scheduledMessages, users } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { conflict, type FieldError, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type {
  ScheduledMessageCreate,
  ScheduledMessagePatch,
  SequenceCreate,
  SequenceStep,
} from "../../schemas/scheduled-messages";
import { messageProblems, nullIfGone } from "../broadcasts/broadcasts";
import { getChannel } from "../channels/channels";
import { getConversation } from "../messaging/conversations";
import { hubFor } from "../messaging/stubs";
import { armScheduled } from "./alarm";
import { placeInHours } from "./hours";
import { getScheduled, type ScheduledRow, scheduledKey } from "./store";

type Target = Pick<
  z.infer<typeof SequenceCreate>,
  "contact_id" | "conversation_id" | "channel_id" | "open_conversation" | "business_hours"
>;
type Step = Pick<z.infer<typeof SequenceStep>, "message" | "attachment" | "fallback_template">;

const missing = (path: string, what: string): FieldError => ({ path, message: `no such ${what}` });

const findContact = (db: Db, workspaceId: string, id: string | undefined) =>
  id
    ? db.query.contacts.findFirst({
        columns: { id: true },
        where: inWorkspace(contacts, workspaceId, eq(contacts.id, id)),
      })
    : null;

/**
 * Whom it goes to: a contact on a channel, or a conversation's contact and channel (those named
 * with it must be the conversation's).
 */
async function resolveTarget(db: Db, workspaceId: string, target: Target) {
  const [contact, channel, conversation] = await Promise.all([
    findContact(db, workspaceId, target.contact_id),
    target.channel_id ? getChannel(db, workspaceId, target.channel_id).catch(nullIfGone) : null,
    target.conversation_id
      ? getConversation(db, workspaceId, target.conversation_id).catch(nullIfGone)
      : null,
  ]);
  const errors = [
    ...(target.contact_id && !contact ? [missing("contact_id", "contact")] : []),
    ...(target.channel_id && !channel ? [missing("channel_id", "channel")] : []),
    ...(target.conversation_id && !conversation
      ? [missing("conversation_id", "conversation")]
      : []),
  ];
  if (errors.length) throw validationFailed(errors);
  if (conversation && contact && contact.id !== conversation.contact.id)
    errors.push({ path: "contact_id", message: "is not the conversation's contact" });
  if (conversation && channel && channel.id !== conversation.channel_id)
    errors.push({ path: "channel_id", message: "is not the conversation's channel" });
  if (errors.length) throw validationFailed(errors);
  const channelId = conversation?.channel_id ?? channel?.id ?? "";
  return {
    contactId: conversation?.contact.id ?? contact?.id ?? "",
    conversationId: conversation?.id ?? null,
    channel: channel ?? (await getChannel(db, workspaceId, channelId)),
  };
}

/** What a message (or a sequence step, under `prefix`) says must fit the channel. */
async function stepProblems(
  db: Db,
  workspaceId: string,
  step: Partial<Step>,
  channelType: string,
  prefix = "",
): Promise<FieldError[]> {
  const message = step.message
    ? await messageProblems(db, workspaceId, step.message, channelType)
    : [];
  const template = step.fallback_template && channelType !== "whatsapp";
  const attachmentWithTemplate = step.attachment && step.message?.template;
  return [
    ...message,
    ...(template ? [{ path: "fallback_template", message: "Templates are for WhatsApp" }] : []),
    ...(attachmentWithTemplate ? [{ path: "attachment", message: "A template goes alone" }] : []),
  ].map((e) => ({ ...e, path: `${prefix}${e.path}` }));
}

const hoursIdOf = (choice: Target["business_hours"] | null) =>
  choice ? (choice.hours_id ?? "") : null;

function refusePast(at: number, now: number, path: string) {
  if (at < now - 60_000) throw validationFailed([{ path, message: "is in the past" }]);
}

function refuseEndBeforeStart(
  repeat: { until?: string | undefined } | null | undefined,
  at: number,
) {
  if (repeat?.until && Date.parse(repeat.until) < at)
    throw validationFailed([{ path: "repeat.until", message: "is before send_at" }]);
}

async function senderName(db: Db, principal: Principal) {
  if (!principal.userId) return "API";
  const user = await db.query.users.findFirst({
    columns: { name: true },
    where: eq(users.id, principal.userId),
  });
  return user?.name ?? "API";
}

type Context = { now: number; origin: string };

function rowValues(
  principal: Principal,
  target: Awaited<ReturnType<typeof resolveTarget>> & { openConversation: boolean },
  step: Step,
  sender: string,
  context: Context,
) {
  const id = newId("sch", context.now);
  return {
    id,
    seriesId: id,
    workspaceId: principal.workspaceId,
    channelId: target.channel.id,
    contactId: target.contactId,
    conversationId: target.conversationId,
    openConversation: target.openConversation,
    message: step.message,
    attachment: step.attachment ?? null,
    fallbackTemplate: step.fallback_template ?? null,
    senderName: sender,
    createdBy: principal.userId,
    origin: context.origin,
    createdAt: context.now,
    updatedAt: context.now,
  };
}

/** Schedules one message (repeating if asked). Everything is checked before it is stored. */
export async function scheduleMessage(
  db: Db,
  env: Env,
  principal: Principal,
  input: z.infer<typeof ScheduledMessageCreate>,
  context: Context,
) {
  const { workspaceId } = principal;
  const target = await resolveTarget(db, workspaceId, input);
  const problems = await stepProblems(db, workspaceId, input, target.channel.type);
  if (problems.length) throw validationFailed(problems);
  const requestedAt = Date.parse(input.send_at);
  refusePast(requestedAt, context.now, "send_at");
  refuseEndBeforeStart(input.repeat, requestedAt);
  const hoursId = hoursIdOf(input.business_hours);
  const sendAt = await placeInHours(db, workspaceId, hoursId, requestedAt);
  const sender = await senderName(db, principal);
  const [row] = await db
    .insert(scheduledMessages)
    .values({
      ...rowValues(
        principal,
        { ...target, openConversation: input.open_conversation },
        input,
        sender,
        context,
      ),
      requestedAt,
      sendAt,
      businessHoursId: hoursId,
      repeat: input.repeat ?? null,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await armScheduled(env, row);
  return row;
}

/** Schedules a sequence's steps at once, each `delay_minutes` after its start. */
export async function scheduleSequence(
  db: Db,
  env: Env,
  principal: Principal,
  input: z.infer<typeof SequenceCreate>,
  context: Context,
) {
  const { workspaceId } = principal;
  const target = await resolveTarget(db, workspaceId, input);
  const problems = (
    await Promise.all(
      input.steps.map((step, i) =>
        stepProblems(db, workspaceId, step, target.channel.type, `steps.${i}.`),
      ),
    )
  ).flat();
  if (problems.length) throw validationFailed(problems);
  const start = input.start_at ? Date.parse(input.start_at) : context.now;
  refusePast(start, context.now, "start_at");
  const hoursId = hoursIdOf(input.business_hours);
  const sender = await senderName(db, principal);
  const sequenceId = newId("seq", context.now);
  const values = [];
  for (const [i, step] of input.steps.entries()) {
    const requestedAt = start + step.delay_minutes * 60_000;
    values.push({
      ...rowValues(
        principal,
        { ...target, openConversation: input.open_conversation },
        step,
        sender,
        context,
      ),
      requestedAt,
      sendAt: await placeInHours(db, workspaceId, hoursId, requestedAt),
      businessHoursId: hoursId,
      sequenceId,
      step: i,
      cancelOnReply: input.cancel_on_reply,
    });
  }
  // one transaction, each statement within D1's bound parameters
  const [first, ...rest] = rowChunks(scheduledMessages, values).map((chunk) =>
    db.insert(scheduledMessages).values(chunk).returning(),
  );
  const rows = first ? (await db.batch([first, ...rest])).flat() : [];
  for (const row of rows) await armScheduled(env, row);
  // the customer's replies matter to this workspace now
  if (input.cancel_on_reply) await hubFor(env, workspaceId).interestChanged();
  return { id: sequenceId, rows: rows.sort((a, b) => (a.step ?? 0) - (b.step ?? 0)) };
}

/** Changes a message still pending; a new time (or hours) moves its alarm. */
export async function updateScheduled(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  patch: z.infer<typeof ScheduledMessagePatch>,
  now: number,
) {
  const current = await getScheduled(db, workspaceId, id);
  if (current.status !== "pending")
    throw conflict(`A ${current.status} scheduled message cannot be changed.`);
  const channel = await getChannel(db, workspaceId, current.channelId).catch(nullIfGone);
  const message = patch.message ?? current.message;
  const attachment = patch.attachment === undefined ? current.attachment : patch.attachment;
  const fallback =
    patch.fallback_template === undefined ? current.fallbackTemplate : patch.fallback_template;
  const problems = await stepProblems(
    db,
    workspaceId,
    { message, attachment: attachment ?? undefined, fallback_template: fallback ?? undefined },
    channel?.type ?? "",
  );
  if (problems.length) throw validationFailed(problems);
  const requestedAt = patch.send_at ? Date.parse(patch.send_at) : current.requestedAt;
  if (patch.send_at) refusePast(requestedAt, now, "send_at");
  const repeat = patch.repeat === undefined ? current.repeat : patch.repeat;
  refuseEndBeforeStart(repeat, requestedAt);
  const hoursId =
    patch.business_hours === undefined ? current.businessHoursId : hoursIdOf(patch.business_hours);
  const sendAt = await placeInHours(db, workspaceId, hoursId, requestedAt);
  const [row] = await db
    .update(scheduledMessages)
    .set({
      message,
      attachment,
      fallbackTemplate: fallback,
      openConversation: patch.open_conversation ?? current.openConversation,
      requestedAt,
      sendAt,
      businessHoursId: hoursId,
      repeat,
      updatedAt: now,
    })
    .where(and(scheduledKey(workspaceId, id), eq(scheduledMessages.status, "pending")))
    .returning();
  if (!row) throw conflict("The scheduled message was sent or cancelled meanwhile.");
  if (row.sendAt !== current.sendAt) await armScheduled(env, row);
  return row satisfies ScheduledRow;
}
