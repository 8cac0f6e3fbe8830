import { z } from "@hono/zod-openapi";
import { AI_CALL_OUTCOMES, AI_FEATURES } from "../db/schema/ai";
import { pageOf, pageQuery } from "../lib/pagination";
import { singleLine, Timestamp } from "./common";

export const AI_DEFAULTS = {
  base_url: "https://api.openai.com/v1",
  model: "gpt-4o-mini",
  embedding_model: "text-embedding-3-small",
  timeout_ms: 20_000,
} as const;

const ModelName = z.string().trim().min(1).max(200).check(singleLine);
const TokenBudget = z.number().int().min(0).max(1_000_000_000_000).nullable();

export const AiSettingsPut = z
  .strictObject({
    enabled: z.boolean().optional(),
    base_url: z
      .url({ protocol: /^https?$/, error: "must be an http or https URL" })
      .max(500)
      .optional()
      .openapi({
        description:
          "An OpenAI-compatible API, e.g. https://api.openai.com/v1 or Cloudflare Workers AI's /ai/v1",
        example: AI_DEFAULTS.base_url,
      }),
    model: ModelName.optional().openapi({ example: AI_DEFAULTS.model }),
    embedding_model: ModelName.optional().openapi({ example: AI_DEFAULTS.embedding_model }),
    api_key: z.string().trim().min(1).max(500).check(singleLine).nullable().optional().openapi({
      description:
        "Write-only: stored sealed, never returned; null removes it. Changing base_url needs it again.",
    }),
    monthly_token_budget: TokenBudget.optional().openapi({
      description: "Tokens per calendar month (UTC) for every AI feature; null: no limit",
    }),
    conversation_token_budget: TokenBudget.optional().openapi({
      description: "Tokens one conversation may use; null: no limit",
    }),
    timeout_ms: z.number().int().min(1000).max(120_000).optional(),
    redact_pii: z.boolean().optional().openapi({
      description:
        "Mask emails, phone numbers, card numbers and IBANs in the AI calls Conversa stores (what the provider is sent is not changed)",
    }),
    classify_on_arrival: z.boolean().optional().openapi({
      description:
        "Label each new conversation from its first customer message, choosing among the workspace's labels",
    }),
  })
  .openapi("AiSettingsPut", {
    description: "Fields left out keep their value.",
  });

export type AiSettingsInput = z.infer<typeof AiSettingsPut>;

export const AiSettingsSchema = z
  .object({
    enabled: z.boolean(),
    base_url: z.string().nullable().openapi({ description: "Shown to admins and owners only" }),
    model: z.string(),
    embedding_model: z.string(),
    api_key_set: z.boolean(),
    api_key_last4: z
      .string()
      .nullable()
      .openapi({ description: "Shown to admins and owners only", example: "abcd" }),
    monthly_token_budget: z.number().int().nullable(),
    conversation_token_budget: z.number().int().nullable(),
    timeout_ms: z.number().int(),
    redact_pii: z.boolean(),
    classify_on_arrival: z.boolean(),
  })
  .openapi("AiSettings");

export type AiSettingsDto = z.infer<typeof AiSettingsSchema>;

export const AiFeatureSchema = z.enum(AI_FEATURES);

export const AiUsageQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be YYYY-MM")
    .optional()
    .openapi({
      param: { name: "month", in: "query" },
      description: "A calendar month (UTC); this month when left out",
      example: "2026-12",
    }),
});

const Tokens = {
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
};

export const AiUsageSchema = z
  .object({
    month: z.string().openapi({ example: "2026-12" }),
    monthly_token_budget: z.number().int().nullable(),
    conversation_token_budget: z.number().int().nullable(),
    ...Tokens,
    remaining_tokens: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "What the monthly budget has left; null: no limit" }),
    by_feature: z.array(z.object({ feature: AiFeatureSchema, ...Tokens })),
    by_day: z.array(z.object({ day: z.string().openapi({ example: "2026-12-07" }), ...Tokens })),
  })
  .openapi("AiUsage");

export type AiUsageDto = z.infer<typeof AiUsageSchema>;

export const AiCallsQuery = z.object({
  conversation_id: z
    .string()
    .max(64)
    .optional()
    .openapi({
      param: { name: "conversation_id", in: "query" },
      description: "Only this conversation's calls",
      example: "cv_01JD0000000000000000000000",
    }),
  feature: AiFeatureSchema.exclude(["embedding"])
    .optional()
    .openapi({ param: { name: "feature", in: "query" } }),
  ...pageQuery,
});

export type AiCallsQuery = z.infer<typeof AiCallsQuery>;

export const AiCallSchema = z
  .object({
    id: z.string().openapi({ example: "aic_01JD0000000000000000000000" }),
    feature: AiFeatureSchema,
    conversation_id: z.string().nullable(),
    model: z.string(),
    outcome: z.enum(AI_CALL_OUTCOMES).openapi({
      description:
        "ok; timeout or provider_error when no usable answer came; budget when a budget stopped it before the provider was called",
    }),
    messages: z
      .array(z.object({ role: z.string(), content: z.string() }))
      .openapi({ description: "What was sent: the system prompt and the turns, in order" }),
    answer: z
      .string()
      .nullable()
      .openapi({ description: "The model's text, structured JSON or tool calls; null: none came" }),
    redacted: z
      .boolean()
      .openapi({ description: "Personal data was masked before the call was stored" }),
    truncated: z
      .boolean()
      .openapi({ description: "Some text was cut to keep the stored call bounded" }),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
    duration_ms: z.number().int(),
    at: Timestamp,
  })
  .openapi("AiCall");

export type AiCallDto = z.infer<typeof AiCallSchema>;

export const AiCallPage = pageOf(AiCallSchema).openapi("AiCallPage");
