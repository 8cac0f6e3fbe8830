import { z } from "@hono/zod-openapi";
import { multiLine, Timestamp } from "./common";
import { TagName } from "./contacts";

const Colour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, "a colour as #rrggbb")
  .transform((c) => c.toLowerCase())
  .openapi({ example: "#2f5bea" });

export const LabelCreate = z
  .strictObject({
    name: TagName.openapi({ description: "Stored lower-case, as conversations carry it" }),
    colour: Colour,
    description: z.string().trim().max(280).check(multiLine).nullable().optional(),
  })
  .openapi("LabelCreate");

export const LabelPatch = LabelCreate.partial().openapi("LabelPatch", {
  description: "Renaming a label renames it on every conversation that carries it.",
});

export const LabelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    colour: z.string(),
    description: z.string().nullable(),
    conversation_count: z.number().int().openapi({ description: "Conversations labelled with it" }),
    created_at: Timestamp,
  })
  .openapi("Label");
