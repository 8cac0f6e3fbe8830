import { z } from "@hono/zod-openapi";
import { singleLine } from "./common";
import { AgentMessageFields, MessageSchema } from "./conversations";

/** A file named by URL, fetched (public addresses only) when the message is sent. */
export const AttachmentByUrl = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  name: z.string().trim().min(1).max(200).check(singleLine).optional(),
});

export const SendRequest = z
  .strictObject({
    channel_id: z.string().max(64),
    to: z
      .strictObject({
        contact_id: z.string().max(64).optional(),
        phone: z.string().max(32).check(singleLine).optional().openapi({ example: "+14155550123" }),
        email: z.email().max(254).optional(),
        platform_id: z.string().max(200).check(singleLine).optional().openapi({
          description: "Messenger / Instagram PSID, Telegram chat id, custom platform id",
        }),
        name: z
          .string()
          .max(200)
          .check(singleLine)
          .optional()
          .openapi({ description: "For a contact created now" }),
      })
      .openapi({ description: "Who: a contact, or an address on the channel" }),
  })
  .extend(
    AgentMessageFields.pick({
      text: true,
      template: true,
      subject: true,
      area: true,
      client_message_id: true,
    }).shape,
  )
  .extend({
    attachment: AttachmentByUrl.optional().openapi({
      description: "A file Conversa fetches (up to 10 MB) and sends; `text` becomes its caption",
    }),
  })
  .superRefine((body, ctx) => {
    if (body.template && (body.text !== undefined || body.attachment))
      ctx.addIssue({ code: "custom", path: ["template"], message: "A template goes alone" });
    if (!body.template && body.text === undefined && !body.attachment)
      ctx.addIssue({
        code: "custom",
        path: ["text"],
        message: "Send text, a template or an attachment",
      });
  })
  .openapi("SendRequest");

export const SendAccepted = z
  .object({
    id: z.string(),
    conversation_id: z.string(),
    seq: z.number().int(),
    status: MessageSchema.shape.status,
    status_url: z.string().openapi({ description: "GET it to follow the delivery status" }),
  })
  .openapi("SendAccepted");

export const CheckRequest = z
  .strictObject({ to: z.string().trim().min(1).max(320).check(singleLine) })
  .openapi("AddressCheck");

export const CheckResult = z
  .object({
    valid: z.boolean().openapi({ description: "The address has the right form for the channel" }),
    normalized: z.string().nullable(),
    reachable: z.boolean().nullable().openapi({
      description:
        "What the platform says, where it can tell (Telegram, Twilio Lookup); null when it cannot",
    }),
    reason: z.string().nullable(),
  })
  .openapi("AddressCheckResult");
