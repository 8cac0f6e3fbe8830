import { z } from "@hono/zod-openapi";
import { multiLine, singleLine, Timestamp } from "./common";

const Shortcut = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "lower-case letters, digits, - and _ (up to 40)")
  .openapi({ example: "refund" });
const Body = z.string().trim().min(1).max(4096).check(multiLine).openapi({
  example: "Hi {{contact.first_name|there}}, your refund is on its way. — {{agent.first_name}}",
  description:
    "Text with variables: {{contact.first_name|default}}, {{contact.fields.KEY}}, {{agent.name}}, {{workspace.name}}",
});

export const SnippetCreate = z
  .strictObject({
    shortcut: Shortcut,
    title: z.string().trim().min(1).max(100).check(singleLine),
    body: Body,
  })
  .openapi("SnippetCreate");

export const SnippetPatch = SnippetCreate.partial().openapi("SnippetPatch");

export const SnippetSchema = z
  .object({
    id: z.string(),
    shortcut: z.string(),
    title: z.string(),
    body: z.string(),
    updated_at: Timestamp,
  })
  .openapi("Snippet");

export const SnippetListQuery = z.object({
  q: z
    .string()
    .trim()
    .max(40)
    .check(singleLine)
    .optional()
    .openapi({ description: "Shortcut or title prefix" }),
});

export const RenderRequest = z
  .strictObject({ text: z.string().min(1).max(10_000).check(multiLine) })
  .openapi("RenderRequest");

export const Rendered = z
  .object({
    text: z.string(),
    missing: z
      .array(z.string())
      .openapi({ description: "Variables that had no value and no default" }),
  })
  .openapi("Rendered");
