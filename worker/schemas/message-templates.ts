import { z } from "@hono/zod-openapi";
import { TEMPLATE_KINDS } from "../db/schema";
import { multiLine, singleLine, Timestamp } from "./common";

/** WhatsApp templates are synced from Meta: they are listed here, never written. */
export const WRITABLE_KINDS = TEMPLATE_KINDS.filter((kind) => kind !== "whatsapp");
type WritableKind = (typeof WRITABLE_KINDS)[number];

const Line = (max: number) => z.string().trim().min(1).max(max).check(singleLine);

const Body = z.string().trim().min(1).max(10_000).check(multiLine).openapi({
  example: "Hi %first_name%, your invoice {{contact.fields.invoice|}} is ready.",
  description:
    "Text with variables ({{contact.first_name|there}}, {{contact.fields.KEY}}, {{agent.name}}, {{workspace.name}}) or the aliases of older systems (%name%, %first_name%, %phone%, %email% …). Email: the plain-text part; web push: the notification's text",
});

export const MessageTemplateCreate = z
  .strictObject({
    name: Line(100),
    channel_kind: z.enum(WRITABLE_KINDS as [WritableKind, ...WritableKind[]]),
    area: Line(60)
      .nullish()
      .openapi({ description: "Free text the team sorts by", example: "billing" }),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/, "a language tag such as en or pt-BR")
      .nullish(),
    body: Body,
    subject: Line(300).nullish().openapi({ description: "Email only, required there" }),
    html: z.string().max(100_000).check(multiLine).nullish().openapi({
      description:
        "Email only: the HTML part. Sanitised when saved: only an allow-list of elements and attributes stays; scripts, event handlers and javascript: links are removed",
    }),
    title: Line(120).nullish().openapi({ description: "Web push only, required there" }),
    url: z
      .url({ protocol: /^https$/ })
      .max(2048)
      .nullish()
      .openapi({ description: "Web push only: the page the notification opens" }),
  })
  .openapi("MessageTemplateCreate");

export const MessageTemplatePatch = MessageTemplateCreate.omit({ channel_kind: true })
  .partial()
  .openapi("MessageTemplatePatch", { description: "A template keeps its channel kind" });

export const MessageTemplateSchema = z
  .object({
    id: z.string().openapi({ example: "mtpl_01JD0000000000000000000000" }),
    name: z.string(),
    channel_kind: z.enum(TEMPLATE_KINDS),
    area: z.string().nullable(),
    language: z.string().nullable(),
    body: z.string(),
    subject: z.string().nullable(),
    html: z.string().nullable(),
    title: z.string().nullable(),
    url: z.string().nullable(),
    read_only: z.boolean().openapi({
      description: "WhatsApp templates synced from Meta: change them in WhatsApp Manager",
    }),
    channel_id: z.string().nullable().openapi({ description: "WhatsApp: the synced channel" }),
    status: z.string().nullable().openapi({ description: "WhatsApp: Meta's review status" }),
    updated_at: Timestamp,
  })
  .openapi("MessageTemplate");

export const MessageTemplateListQuery = z.object({
  channel_kind: z.enum(TEMPLATE_KINDS).optional(),
  area: Line(60).optional(),
  q: Line(100).optional().openapi({ description: "Words in the name or the text" }),
});

export const MessageTemplatePreviewRequest = z
  .strictObject({
    contact_id: z.string().max(64).optional().openapi({
      description: "The sample contact; the workspace's first contact without it",
    }),
  })
  .openapi("MessageTemplatePreviewRequest");

export const MessageTemplatePreview = z
  .object({
    contact_id: z.string().nullable().openapi({ description: "The sample contact used" }),
    body: z.string(),
    subject: z.string().nullable(),
    html: z.string().nullable(),
    title: z.string().nullable(),
    url: z.string().nullable(),
    missing: z
      .array(z.string())
      .openapi({ description: "Variables that had no value and no default" }),
  })
  .openapi("MessageTemplatePreview");

export const MessageTemplateTestSend = z
  .strictObject({
    channel_id: z.string().max(64),
    contact_id: z.string().max(64),
  })
  .openapi("MessageTemplateTestSend");

export const MessageTemplateTestSent = z
  .object({
    conversation_id: z.string(),
    message_id: z.string(),
  })
  .openapi("MessageTemplateTestSent");
