import { z } from "@hono/zod-openapi";
import { ChannelIds, Id, Name } from "./automation-rules";
import { AutomationCreate } from "./automations";
import { singleLine } from "./common";

export const TemplateListQuery = z.object({
  lang: z.string().max(15).check(singleLine).default("en").openapi({
    description: "The app's language; templates read in Spanish for `es`, else in English",
  }),
});

export const TemplateKeyParam = z.object({
  key: z
    .string()
    .regex(/^[a-z0-9-]{1,60}$/)
    .openapi({ param: { name: "key", in: "path" }, example: "keyword-support" }),
});

export const AutomationTemplateSchema = z
  .object({
    key: z.string(),
    category: z.enum(["routing", "replies", "surveys", "follow_up", "keywords"]),
    name: z.string(),
    description: z.string(),
    inputs: z.array(
      z.object({
        key: z.string(),
        kind: z.enum([
          "team",
          "channels",
          "label",
          "field",
          "tag",
          "message",
          "keywords",
          "count",
          "choice",
        ]),
        required: z.boolean(),
        label: z.string(),
        default: z.unknown().optional().openapi({ description: "A sample answer" }),
        min: z.number().int().optional(),
        max: z.number().int().optional(),
      }),
    ),
    preview: AutomationCreate.omit({ name: true, description: true }).openapi({
      description: "The trigger, conditions and steps it makes, with sample inputs",
    }),
  })
  .openapi("AutomationTemplate");

export const TemplateInstallBody = z
  .strictObject({
    inputs: z
      .object({ team_id: Id.optional(), channel_ids: ChannelIds.optional() })
      .catchall(z.unknown())
      .default({})
      .openapi({ description: "The template's inputs by key (`team_id`, `keywords` …)" }),
    name: Name.optional(),
    lang: z.string().max(15).check(singleLine).optional().openapi({
      description: "The language of the automation's name and messages (`es` or English)",
    }),
  })
  .openapi("AutomationTemplateInstall");
