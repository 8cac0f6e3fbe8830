import { z } from "@hono/zod-openapi";
import {
  CHANNEL_TYPES,
  CONVERSATION_STATUSES,
  DELIVERY_STATUSES,
  MESSAGE_KINDS,
  PRESENCE,
  SENDER_TYPES,
} from "../db/schema";
import { AssistantMessageSchema, ConversationAiSchema } from "./assistants";
import { Timezone } from "./automation-rules";
import { EMAIL_AREAS } from "./channels";
import { multiLine, singleLine, Timestamp } from "./common";
import { TagName } from "./contacts";

export const SenderSchema = z
  .object({ type: z.enum(SENDER_TYPES), id: z.string().nullable(), name: z.string().nullable() })
  .openapi("Sender");

export const MessageSchema = z
  .object({
    id: z.string(),
    conversation_id: z.string(),
    seq: z
      .number()
      .int()
      .openapi({ description: "Gap-free order within the conversation, from 1" }),
    kind: z.enum(MESSAGE_KINDS),
    sender: SenderSchema,
    text: z.string().nullable(),
    attachment: z
      .object({
        url: z.string(),
        name: z.string(),
        content_type: z.string(),
        size: z.number().int(),
      })
      .nullable(),
    event: z
      .object({
        type: z.string(),
        data: z.record(
          z.string(),
          z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]),
        ),
      })
      .nullable(),
    status: z.enum(DELIVERY_STATUSES).nullable().openapi({
      description: "Outbound on a platform channel: queued → sent → delivered → read, or failed",
    }),
    status_reason: z
      .string()
      .nullable()
      .openapi({ description: "Why it failed, as the platform said" }),
    delivery_events: z.array(z.object({ event: z.string(), at: Timestamp })).openapi({
      description:
        "Provider events on the message (email: delivered, opened, clicked, bounced, spam)",
    }),
    created_at: Timestamp,
    ai: AssistantMessageSchema.optional(),
  })
  .openapi("Message");
export type MessageDto = z.infer<typeof MessageSchema>;

export const MessagePage = z.object({ data: z.array(MessageSchema) }).openapi("MessagePage");

export const ConversationSchema = z
  .object({
    id: z.string(),
    number: z.number().int().openapi({
      description: "Sequential per workspace, the ticket number people say (`#1042`)",
      example: 1042,
    }),
    channel_id: z.string(),
    channel_type: z.enum(CHANNEL_TYPES),
    contact: z.object({
      id: z.string(),
      name: z.string().nullable(),
      phone: z.string().nullable(),
      email: z.string().nullable(),
    }),
    status: z.enum(CONVERSATION_STATUSES),
    assignee_id: z.string().nullable(),
    team_id: z.string().nullable(),
    labels: z.array(z.string()),
    last_message: z
      .object({ preview: z.string(), at: Timestamp, sender_type: z.enum(SENDER_TYPES) })
      .nullable(),
    last_activity_at: Timestamp,
    unread_count: z.number().int(),
    last_seq: z.number().int().openapi({ description: "seq of the newest message" }),
    snooze_until: Timestamp.nullable(),
    last_inbound_at: Timestamp.nullable().openapi({ description: "When the customer last wrote" }),
    sla: z
      .object({
        first_response_due_at: Timestamp.nullable(),
        first_response_at: Timestamp.nullable(),
        resolution_due_at: Timestamp.nullable(),
      })
      .openapi({ description: "The team's SLA targets, counted in business hours" }),
    reply_window_closes_at: Timestamp.nullable().openapi({
      description:
        "WhatsApp, Messenger, Instagram: free-form replies are possible until then (Messenger and Instagram: the last 6 days only for a human agent, tagged HUMAN_AGENT); after it WhatsApp takes templates only. Null on channels without a window.",
    }),
    ai: ConversationAiSchema.nullable().openapi({
      description:
        "Set once an AI assistant took the conversation: still with it, or handed to people",
    }),
    created_at: Timestamp,
  })
  .openapi("Conversation");
export type ConversationDto = z.infer<typeof ConversationSchema>;

const MessageText = z.string().trim().min(1).max(10_000).check(multiLine);
export const ClientMessageId = z.string().min(1).max(100).check(singleLine).optional().openapi({
  description: "Your id for this message: a retry with the same id is not stored twice",
});

export const AgentMessageFields = z.strictObject({
  text: MessageText.optional().openapi({ description: "The reply; or send a `template`" }),
  private: z
    .boolean()
    .default(false)
    .openapi({ description: "An internal note, never shown to the customer" }),
  template: z
    .strictObject({
      name: z.string().min(1).max(512).check(singleLine),
      language: z
        .string()
        .min(2)
        .max(15)
        .check(singleLine)
        .optional()
        .openapi({ example: "en_US" }),
      // WhatsApp refuses line breaks and tabs in a template's parameters
      variables: z.array(z.string().min(1).max(1024).check(singleLine)).max(20).default([]),
    })
    .optional()
    .openapi({
      description:
        "WhatsApp: an approved template, the only thing allowed outside the 24-hour window",
    }),
  subject: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .check(singleLine)
    .optional()
    .openapi({ description: "Email only" }),
  area: z
    .enum(EMAIL_AREAS)
    .optional()
    .openapi({ description: "Email only: which sender account sends it" }),
  client_message_id: ClientMessageId,
  mention_ids: z.array(z.string().min(1).max(64).check(singleLine)).max(20).optional().openapi({
    description:
      "Notes only: the agents the note mentions (active members); each is notified and finds it under view=mentions",
  }),
});

export const AgentMessageCreate = AgentMessageFields.superRefine((body, ctx) => {
  if ((body.text === undefined) === (body.template === undefined))
    ctx.addIssue({ code: "custom", path: ["text"], message: "Send either text or a template" });
  if (body.template && body.private)
    ctx.addIssue({ code: "custom", path: ["template"], message: "A note cannot be a template" });
  if (body.mention_ids?.length && !body.private)
    ctx.addIssue({ code: "custom", path: ["mention_ids"], message: "Only notes mention agents" });
}).openapi("AgentMessageCreate");

export const VisitorMessageCreate = z
  .strictObject({
    text: MessageText,
    client_message_id: ClientMessageId,
    conversation_id: z.string().max(64).optional().openapi({
      description: "The conversation the widget is showing; a closed one starts a new conversation",
    }),
  })
  .openapi("VisitorMessageCreate");

/** Paging through conversations: `<sort key>.<id>` cursors. */
export const activityPageQuery = {
  cursor: z
    .string()
    .regex(/^\d+\.[a-z]+_[0-9A-Z]{26}$/, "not a cursor returned by this API")
    .optional()
    .openapi({ description: "next_cursor of the previous page, with the same sort" }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
};

export const ConversationPage = z
  .object({ data: z.array(ConversationSchema), next_cursor: z.string().nullable() })
  .openapi("ConversationPage");

export const CONVERSATION_VIEWS = ["mine", "unassigned", "my_teams", "mentions", "all"] as const;
export const CONVERSATION_SORTS = ["newest", "oldest", "waiting_longest", "sla_due"] as const;

export const ConversationListQuery = z.object({
  view: z.enum(CONVERSATION_VIEWS).default("all").openapi({
    description:
      "my_teams: conversations of the teams the caller belongs to; mentions: where you were mentioned in a note, latest mention first",
  }),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  channel_id: z.string().max(64).optional(),
  contact_id: z.string().max(64).optional(),
  assignee_id: z.string().max(64).optional(),
  team_id: z.string().max(64).optional(),
  label: TagName.optional(),
  sort: z.enum(CONVERSATION_SORTS).default("newest").openapi({
    description:
      "newest / oldest activity; waiting_longest: customers waiting for a reply, longest first; sla_due: the nearest SLA target first. Conversations without one come last. The mentions view is always latest mention first.",
  }),
  ...activityPageQuery,
});

export const MessagesQuery = z
  .object({
    after_seq: z.coerce.number().int().min(0).optional(),
    before_seq: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => q.after_seq === undefined || q.before_seq === undefined, {
    message: "use after_seq or before_seq, not both",
    path: ["before_seq"],
  });

export const AssignBody = z
  .strictObject({ user_id: z.string().max(64).nullable() })
  .openapi("Assign");
export const StatusBody = z
  .strictObject({
    status: z.enum(CONVERSATION_STATUSES),
    snooze_until: Timestamp.optional(),
    reason: z.string().trim().min(1).max(100).check(singleLine).optional().openapi({
      description: "Closing: one of the workspace's close reasons (required when it has any)",
    }),
    note: z.string().trim().min(1).max(5000).check(multiLine).optional().openapi({
      description: "Closing: a note for the record (required when the workspace says so)",
    }),
  })
  .refine((b) => b.status !== "snoozed" || b.snooze_until, {
    message: "snoozing needs snooze_until",
    path: ["snooze_until"],
  })
  .openapi("StatusChange");
export const LabelsBody = z
  .strictObject({ labels: z.array(TagName).min(1).max(20) })
  .openapi("Labels");
const BulkIds = z
  .array(z.string().max(64))
  .min(1)
  .max(100)
  .openapi({ description: "Up to 100 conversations; every one must exist or nothing is done" });

export const BulkAction = z
  .discriminatedUnion("action", [
    z.strictObject({
      action: z.literal("assign"),
      conversation_ids: BulkIds,
      user_id: AssignBody.shape.user_id,
    }),
    z.strictObject({
      action: z.literal("label"),
      conversation_ids: BulkIds,
      labels: LabelsBody.shape.labels,
    }),
    z.strictObject({
      action: z.literal("unlabel"),
      conversation_ids: BulkIds,
      labels: LabelsBody.shape.labels,
    }),
    z.strictObject({
      action: z.literal("close"),
      conversation_ids: BulkIds,
      reason: StatusBody.shape.reason,
      note: StatusBody.shape.note,
    }),
  ])
  .openapi("BulkAction");

export const BulkResult = z
  .object({
    results: z.array(
      z.object({
        id: z.string(),
        ok: z.boolean(),
        conversation: ConversationSchema.optional(),
        error: z.string().optional().openapi({ description: "Why this one failed" }),
      }),
    ),
  })
  .openapi("BulkResult");

export const PresenceBody = z.strictObject({ status: z.enum(PRESENCE) }).openapi("Presence");

/** Frames a client may send on a conversation socket. */
export const ClientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("typing"), typing: z.boolean() }),
  z.object({ type: z.literal("read"), seq: z.number().int().min(0) }),
  z.object({ type: z.literal("ping") }),
]);

export const TranscriptQuery = z.object({
  format: z.enum(["text", "html"]).default("text").openapi({
    description: "`text`, or `html`: a page that prints well (print it to PDF from the browser)",
  }),
  timezone: Timezone.optional().openapi({ description: "The workspace's when absent" }),
  notes: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true")
    .openapi({ description: "Include internal notes" }),
});
