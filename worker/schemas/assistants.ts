import { z } from "@hono/zod-openapi";
import { AI_STATES, ASSISTANT_ACTIVATIONS } from "../db/schema";
import { multiLine, singleLine, Timestamp } from "./common";

const Name = z.string().trim().min(1).max(80).check(singleLine);
const CustomerText = z.string().trim().min(1).max(1000).check(multiLine);
const FieldKey = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "a field key: lower-case letters, digits and _");

export const ASSISTANT_DEFAULTS = {
  handoff_message: "I'm passing you to a member of our team. They'll answer here shortly.",
  no_handoff_message:
    "I'm the assistant here and can't pass you to a person in this chat, but I'll do my best to help.",
  max_turns: 10,
} as const;

const assistantFields = {
  name: Name,
  enabled: z.boolean(),
  instructions: z.string().trim().max(4000).check(multiLine).openapi({
    description:
      "Persona and instructions (tone, what to ask, what to avoid). Conversa's own rules — answer from the knowledge base and the contact's data only, say so when it does not know, follow the customer's language — always come first.",
  }),
  channel_ids: z.array(z.string().max(64)).max(50).openapi({
    description: "Channels whose new conversations it answers; one enabled assistant per channel",
  }),
  team_ids: z.array(z.string().max(64)).max(50).openapi({
    description:
      "Teams whose new conversations it answers once routing brings them there (the chat menu or the channel's team), before the team's people; one enabled assistant per team",
  }),
  team_id: z.string().max(64).nullable().openapi({
    description:
      "Where handoffs go; null: the team it answers for, else the channel's routing (chat menu or team)",
  }),
  activation: z.enum(ASSISTANT_ACTIVATIONS).openapi({
    description:
      "`always`; `keyword`: only when the first message has one of `keywords`; `out_of_hours`: only while the team's business hours are closed",
  }),
  keywords: z.array(z.string().trim().min(1).max(40).check(singleLine)).max(20),
  handoff_enabled: z.boolean().openapi({
    description: "Off: it never hands over, and says `no_handoff_message` when asked for a person",
  }),
  handoff_message: CustomerText,
  no_handoff_message: CustomerText,
  max_turns: z.number().int().min(1).max(100).openapi({
    description: "Answers before it hands the conversation to people on its own",
  }),
  collect_fields: z.array(FieldKey).max(20).openapi({
    description:
      "Contact fields it asks for and fills in, checked by their types: `name`, `email`, `phone` or custom field keys",
  }),
  resolve_closes: z.boolean().openapi({
    description: "Close the conversation when the assistant settles the customer's question",
  }),
};

export const AssistantCreate = z
  .strictObject({
    ...assistantFields,
    enabled: assistantFields.enabled.optional(),
    instructions: assistantFields.instructions.optional(),
    channel_ids: assistantFields.channel_ids.optional(),
    team_ids: assistantFields.team_ids.optional(),
    team_id: assistantFields.team_id.optional(),
    activation: assistantFields.activation.optional(),
    keywords: assistantFields.keywords.optional(),
    handoff_enabled: assistantFields.handoff_enabled.optional(),
    handoff_message: assistantFields.handoff_message.optional(),
    no_handoff_message: assistantFields.no_handoff_message.optional(),
    max_turns: assistantFields.max_turns.optional(),
    collect_fields: assistantFields.collect_fields.optional(),
    resolve_closes: assistantFields.resolve_closes.optional(),
  })
  .openapi("AssistantCreate");

export const AssistantPatch = z
  .strictObject(
    Object.fromEntries(
      Object.entries(assistantFields).map(([key, schema]) => [key, schema.optional()]),
    ) as { [K in keyof typeof assistantFields]: z.ZodOptional<(typeof assistantFields)[K]> },
  )
  .openapi("AssistantPatch", { description: "Fields left out keep their value" });

export type AssistantInput = z.infer<typeof AssistantPatch>;

export const AssistantSchema = z
  .object({
    id: z.string(),
    ...assistantFields,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Assistant");

export type AssistantDto = z.infer<typeof AssistantSchema>;

export const CitationSchema = z
  .object({
    source_id: z.string(),
    title: z.string(),
    url: z.string().nullable(),
  })
  .openapi("Citation");

/** What the assistant decided on a customer's message, as the model must answer it. */
export const AssistantDecision = z.object({
  // action first: a reply streamed to the customer is known not to be a handoff before it starts
  action: z.enum(["continue", "handoff", "resolve"]),
  reason: z.string().describe("Why, in a few words, for the agents"),
  reply: z.string().describe("What the customer reads; empty when there is nothing to say"),
  citations: z
    .array(z.number().int())
    .describe("Numbers of the knowledge passages the reply is based on"),
  fields: z
    .array(z.object({ key: z.string(), value: z.string() }))
    .describe("Contact fields the customer gave in this message, by key"),
});

export type AssistantDecisionValue = z.infer<typeof AssistantDecision>;

export const AssistantTestRequest = z
  .strictObject({
    messages: z
      .array(
        z.strictObject({
          role: z.enum(["customer", "assistant"]),
          text: z.string().trim().min(1).max(4000).check(multiLine),
        }),
      )
      .min(1)
      .max(40),
  })
  .openapi("AssistantTestRequest", {
    description: "A made-up conversation, the customer's message last; nothing is stored or sent",
  });

export const AssistantTestResult = z
  .object({
    reply: z.string(),
    action: z.enum(["continue", "handoff", "resolve"]),
    reason: z.string(),
    citations: z.array(CitationSchema),
    fields: z.array(z.object({ key: z.string(), value: z.string() })),
  })
  .openapi("AssistantTestResult");

/** Who is talking with the customer: the assistant, or people since it handed over. */
export const ConversationAiSchema = z
  .object({ state: z.enum(AI_STATES), assistant_id: z.string().nullable() })
  .openapi("ConversationAi");

export const AssistantMessageSchema = z
  .object({
    assistant_id: z.string().nullable(),
    citations: z.array(CitationSchema),
    handoff: z
      .boolean()
      .optional()
      .openapi({ description: "True on the message that handed the conversation to people" }),
  })
  .openapi("AiMessage", { description: "Present on every message the AI assistant wrote" });
