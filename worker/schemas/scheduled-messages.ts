import { z } from "@hono/zod-openapi";
import { CHANNEL_TYPES, REPEAT_UNITS, SCHEDULED_STATUSES } from "../db/schema";
import { BroadcastMessage } from "./broadcasts";
import { Timestamp } from "./common";
import { AgentMessageFields } from "./conversations";
import { AttachmentByUrl } from "./send";

const Id = z.string().max(64);
const Template = AgentMessageFields.shape.template.unwrap();

export const ScheduledRepeat = z
  .strictObject({
    every: z.number().int().min(1).max(365),
    unit: z.enum(REPEAT_UNITS),
    until: Timestamp.optional().openapi({ description: "No occurrence after this time" }),
    count: z
      .number()
      .int()
      .min(2)
      .max(1000)
      .optional()
      .openapi({ description: "How many sends in all, the first included" }),
  })
  .openapi("ScheduledRepeat", {
    description: "Send again every `every` `unit`s after each send, until `until` or `count`",
  });

export const BusinessHoursChoice = z
  .strictObject({
    hours_id: Id.optional().openapi({
      description: "The business hours to follow; the workspace's when not given",
    }),
  })
  .openapi("ScheduledBusinessHours", {
    description:
      "Next business morning: a time outside these business hours moves to their next opening",
  });

/** Whom and how: shared by single messages and sequences. */
const TargetFields = {
  contact_id: Id.optional().openapi({ description: "The contact; or give `conversation_id`" }),
  conversation_id: Id.optional().openapi({
    description:
      "Send into this conversation (its contact and channel); into the contact's open one, or a new one, if it closed",
  }),
  channel_id: Id.optional().openapi({ description: "Required with `contact_id`" }),
  open_conversation: z.boolean().default(true).openapi({
    description:
      "When the contact has no open conversation on the channel at send time, open one; when false, the send fails instead",
  }),
  business_hours: BusinessHoursChoice.optional(),
};

const StepFields = {
  message: BroadcastMessage,
  attachment: AttachmentByUrl.optional().openapi({
    description: "A file fetched (up to 10 MB) and sent at send time; the text is its caption",
  }),
  fallback_template: Template.optional().openapi({
    description:
      "An approved WhatsApp template sent instead when the 24-hour window has closed by send time",
  }),
};

/** A contact on a channel, or a conversation (whose contact and channel these must then be). */
const oneTarget = (
  body: {
    contact_id?: string | undefined;
    conversation_id?: string | undefined;
    channel_id?: string | undefined;
  },
  ctx: z.RefinementCtx,
) => {
  if (!body.contact_id && !body.conversation_id)
    ctx.addIssue({
      code: "custom",
      path: ["contact_id"],
      message: "give contact_id or conversation_id",
    });
  if (body.contact_id && !body.conversation_id && !body.channel_id)
    ctx.addIssue({ code: "custom", path: ["channel_id"], message: "is required with contact_id" });
};

export const ScheduledMessageCreate = z
  .strictObject({
    ...TargetFields,
    ...StepFields,
    send_at: Timestamp,
    repeat: ScheduledRepeat.optional(),
  })
  .superRefine(oneTarget)
  .openapi("ScheduledMessageCreate");

export const SequenceStep = z
  .strictObject({
    ...StepFields,
    delay_minutes: z
      .number()
      .int()
      .min(0)
      .max(366 * 24 * 60)
      .openapi({ description: "After the sequence's start, e.g. 1440 for +24 h" }),
  })
  .openapi("ScheduledSequenceStep");

export const SequenceCreate = z
  .strictObject({
    ...TargetFields,
    start_at: Timestamp.optional().openapi({
      description: "Steps count from here; now when not given",
    }),
    cancel_on_reply: z
      .boolean()
      .default(true)
      .openapi({ description: "Cancel the steps still waiting when the customer writes" }),
    steps: z.array(SequenceStep).min(1).max(20),
  })
  .superRefine(oneTarget)
  .openapi("ScheduledSequenceCreate");

export const ScheduledMessagePatch = z
  .strictObject({
    message: BroadcastMessage.optional(),
    attachment: AttachmentByUrl.nullable().optional(),
    fallback_template: Template.nullable().optional(),
    send_at: Timestamp.optional(),
    business_hours: BusinessHoursChoice.nullable().optional(),
    open_conversation: z.boolean().optional(),
    repeat: ScheduledRepeat.nullable().optional(),
  })
  .openapi("ScheduledMessagePatch", { description: "Only a pending message changes" });

export const ScheduledMessageSchema = z
  .object({
    id: z.string().openapi({ example: "sch_01JD0000000000000000000000" }),
    channel_id: z.string(),
    contact_id: z.string(),
    conversation_id: z.string().nullable(),
    message: BroadcastMessage,
    attachment: AttachmentByUrl.nullable(),
    fallback_template: Template.nullable(),
    open_conversation: z.boolean(),
    requested_at: Timestamp,
    send_at: Timestamp.openapi({ description: "When it goes: moved into business hours if asked" }),
    business_hours: BusinessHoursChoice.nullable(),
    repeat: ScheduledRepeat.nullable(),
    occurrence: z
      .number()
      .int()
      .openapi({ description: "Its number in a repeating series, 0 first" }),
    sequence_id: z.string().nullable(),
    step: z.number().int().nullable(),
    cancel_on_reply: z.boolean(),
    status: z.enum(SCHEDULED_STATUSES),
    reason: z.string().nullable().openapi({ description: "Why it failed or was cancelled" }),
    message_id: z.string().nullable(),
    sent_conversation_id: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("ScheduledMessage");

export const ScheduledListItem = ScheduledMessageSchema.extend({
  contact: z.object({ id: z.string(), name: z.string().nullable() }),
  channel: z.object({ id: z.string(), kind: z.enum(CHANNEL_TYPES), name: z.string() }),
  sequence_steps: z
    .number()
    .int()
    .nullable()
    .openapi({ description: "How many steps its sequence has; null outside a sequence" }),
}).openapi("ScheduledListItem", {
  description: "A scheduled message with whom it goes to and on which channel, for a calendar",
});

export const ScheduledMessageList = z
  .object({ data: z.array(ScheduledListItem), next_cursor: z.string().nullable() })
  .openapi("ScheduledMessageList");

export const SequenceSchema = z
  .object({ id: z.string(), data: z.array(ScheduledMessageSchema) })
  .openapi("ScheduledSequence");

export const ScheduledListQuery = z.object({
  contact_id: Id.optional(),
  conversation_id: Id.optional(),
  sequence_id: Id.optional(),
  status: z.enum(SCHEDULED_STATUSES).optional(),
  from: Timestamp.optional().openapi({ description: "Sending at or after" }),
  to: Timestamp.optional().openapi({ description: "Sending before" }),
  cursor: z
    .string()
    .regex(/^\d+~[a-z]+_[0-9A-Z]{26}$/, "not a cursor returned by this API")
    .optional()
    .openapi({ description: "`next_cursor` of the previous page" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
