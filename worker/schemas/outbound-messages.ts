import { z } from "@hono/zod-openapi";
import { CHANNEL_TYPES, DELIVERY_STATUSES, MESSAGE_ORIGINS } from "../db/schema";
import { pageQuery } from "../lib/pagination";
import { singleLine, Timestamp } from "./common";

/** Manual: a person or an API key sent it; automatic: Conversa did (automations, bots …). */
export const SEND_KINDS = ["automatic", "manual"] as const;

const RowId = z.string().max(64);

/** The history's filters: the list's query parameters, and what a saved filter keeps. */
const filterFields = {
  from: Timestamp.optional().openapi({ description: "Sent at or after this time" }),
  to: Timestamp.optional().openapi({ description: "Sent before this time" }),
  channel_kind: z
    .enum(CHANNEL_TYPES)
    .optional()
    .openapi({ description: "Sent on channels of this kind (every sender account of it)" }),
  channel_id: RowId.optional().openapi({ description: "Sent from this sender account" }),
  status: z.enum(DELIVERY_STATUSES).optional(),
  kind: z.enum(SEND_KINDS).optional(),
  contact_id: RowId.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .check(singleLine)
    .optional()
    .openapi({ description: "The text contains this (case-insensitive)" }),
};

const rangeInOrder = (f: { from?: string | undefined; to?: string | undefined }) =>
  !f.from || !f.to || Date.parse(f.from) < Date.parse(f.to);
const rangeError = { message: "must be after from", path: ["to"] };

export const OutboundFilters = z
  .strictObject(filterFields)
  .refine(rangeInOrder, rangeError)
  .openapi("OutboundFilters");

export const OutboundListQuery = z
  .object({ ...filterFields, ...pageQuery })
  .refine(rangeInOrder, rangeError);

export const OutboundMessageSchema = z
  .object({
    id: z.string(),
    conversation_id: z.string(),
    conversation_number: z.number().int(),
    preview: z.string().openapi({ description: "The text's first 140 characters" }),
    attachments_count: z.number().int(),
    status: z.enum(DELIVERY_STATUSES).nullable().openapi({
      description: "null for web chat, which has no delivery reports",
    }),
    status_reason: z.string().nullable(),
    kind: z.enum(SEND_KINDS),
    channel: z.object({ id: z.string(), kind: z.enum(CHANNEL_TYPES), name: z.string() }),
    contact: z.object({ id: z.string(), name: z.string().nullable() }),
    sender: z.object({ type: z.enum(MESSAGE_ORIGINS), name: z.string().nullable() }),
    created_at: Timestamp,
  })
  .openapi("OutboundMessage");

export const OutboundMessagePage = z
  .object({ data: z.array(OutboundMessageSchema), next_cursor: z.string().nullable() })
  .openapi("OutboundMessagePage");

export const MAX_RESEND = 100;

export const ResendRequest = z
  .strictObject({ message_ids: z.array(RowId).min(1).max(MAX_RESEND) })
  .openapi("ResendRequest");

export const ResendResult = z
  .object({
    message_id: z.string(),
    outcome: z.enum(["sent", "refused"]),
    reason: z.string().optional().openapi({ description: "Why it was refused" }),
    new_message_id: z.string().optional(),
    conversation_id: z.string().optional(),
  })
  .openapi("ResendResult");

export const ResendResponse = z
  .object({ results: z.array(ResendResult) })
  .openapi("ResendResponse");

const FilterName = z.string().trim().min(1).max(60).check(singleLine);

export const OutboundSavedFilterCreate = z
  .strictObject({ name: FilterName, filters: OutboundFilters })
  .openapi("OutboundSavedFilterCreate");

export const OutboundSavedFilterPatch = z
  .strictObject({ name: FilterName.optional(), filters: OutboundFilters.optional() })
  .refine((patch) => patch.name !== undefined || patch.filters !== undefined, {
    message: "change the name, the filters or both",
    path: ["name"],
  })
  .openapi("OutboundSavedFilterPatch");

export const OutboundSavedFilterSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    filters: OutboundFilters,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("OutboundSavedFilter");
