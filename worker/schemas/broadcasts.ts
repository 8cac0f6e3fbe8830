import { z } from "@hono/zod-openapi";
import { BROADCAST_STATUSES, RECIPIENT_STATUSES } from "../db/schema";
import { pageOf, pageQuery } from "../lib/pagination";
import { multiLine, singleLine, Timestamp } from "./common";
import { TagName } from "./contacts";
import { AgentMessageFields } from "./conversations";

const Name = z.string().trim().min(1).max(100).check(singleLine);
const Id = z.string().max(64);

/** Broadcasts name at most this many contacts one by one; larger audiences are segments. */
export const MAX_AUDIENCE_CONTACTS = 1000;

export const BroadcastAudience = z
  .strictObject({
    segment_id: Id.optional(),
    tags: z.array(TagName).min(1).max(20).optional(),
    contact_ids: z.array(Id).min(1).max(MAX_AUDIENCE_CONTACTS).optional(),
  })
  .superRefine((audience, ctx) => {
    if (audience.segment_id && audience.tags)
      ctx.addIssue({ code: "custom", path: ["tags"], message: "give a segment or tags, not both" });
    if (!audience.segment_id && !audience.tags && !audience.contact_ids)
      ctx.addIssue({ code: "custom", message: "give a segment_id, tags or contact_ids" });
  })
  .openapi("BroadcastAudience", {
    description:
      "A saved segment or contacts with any of the tags, and/or contacts by id. Opted-out contacts and contacts the channel cannot reach are excluded and counted",
  });

export const BroadcastMessage = z
  .strictObject({
    text: z.string().trim().min(1).max(4096).check(multiLine).optional(),
    snippet_id: Id.optional(),
    template: AgentMessageFields.shape.template,
  })
  .superRefine((message, ctx) => {
    const given = [message.text, message.snippet_id, message.template].filter(
      (part) => part !== undefined,
    );
    if (given.length !== 1)
      ctx.addIssue({ code: "custom", message: "give one of text, snippet_id or template" });
  })
  .openapi("BroadcastMessage", {
    description:
      "One of: text (variables like `{{contact.first_name|there}}` filled per contact), a saved snippet, or an approved WhatsApp template (the only message WhatsApp allows outside the 24-hour window)",
  });

const SendAt = Timestamp.openapi({
  description: "Start then (within the minute); without it, the broadcast starts when asked",
});

export const BroadcastCreate = z
  .strictObject({
    name: Name,
    channel_id: Id,
    audience: BroadcastAudience,
    message: BroadcastMessage,
    send_at: SendAt.nullish(),
  })
  .openapi("BroadcastCreate");

export const BroadcastPatch = z
  .strictObject({
    name: Name.optional(),
    channel_id: Id.optional(),
    audience: BroadcastAudience.optional(),
    message: BroadcastMessage.optional(),
    send_at: SendAt.nullish(),
  })
  .openapi("BroadcastPatch", { description: "Only a draft or a scheduled broadcast changes" });

export const BroadcastSchema = z
  .object({
    id: z.string().openapi({ example: "brd_01JD0000000000000000000000" }),
    name: z.string(),
    channel_id: z.string(),
    audience: BroadcastAudience,
    message: BroadcastMessage,
    status: z.enum(BROADCAST_STATUSES),
    send_at: Timestamp.nullable(),
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Broadcast");

export const BroadcastList = pageOf(BroadcastSchema).openapi("BroadcastList");
export const BroadcastListQuery = z.object(pageQuery);

export const BroadcastStats = z
  .object({
    status: z.enum(BROADCAST_STATUSES),
    targeted: z.number().int().openapi({ description: "Every contact of the audience" }),
    excluded: z.number().int(),
    excluded_by_reason: z.record(z.string(), z.number().int()).openapi({
      example: { opted_out: 3, no_address: 1 },
    }),
    queued: z.number().int().openapi({ description: "Waiting to be sent, or being sent" }),
    sent: z.number().int(),
    delivered: z.number().int(),
    read: z.number().int(),
    replied: z.number().int(),
    failed: z.number().int(),
  })
  .openapi("BroadcastStats");

export const RecipientSchema = z
  .object({
    contact_id: z.string(),
    contact_name: z
      .string()
      .nullable()
      .openapi({ description: "The contact's name now (null when unnamed or deleted)" }),
    status: z.enum(RECIPIENT_STATUSES),
    reason: z.string().nullable(),
    message_id: z.string().nullable(),
    conversation_id: z.string().nullable(),
    sent_at: Timestamp.nullable(),
    delivered_at: Timestamp.nullable(),
    read_at: Timestamp.nullable(),
    replied_at: Timestamp.nullable(),
  })
  .openapi("BroadcastRecipient");

export const RecipientQuery = z.object({
  status: z.enum(RECIPIENT_STATUSES).optional(),
  cursor: Id.optional().openapi({ description: "`next_cursor` of the previous page" }),
  limit: pageQuery.limit,
});

export const RecipientPage = z
  .object({ data: z.array(RecipientSchema), next_cursor: z.string().nullable() })
  .openapi("BroadcastRecipientPage");

export const RetryResult = z.object({ requeued: z.number().int() }).openapi("BroadcastRetryResult");
