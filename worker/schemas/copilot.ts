import { z } from "@hono/zod-openapi";
import { multiLine } from "./common";

/** A BCP 47 language tag, as contacts carry them. */
export const LanguageTag = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a BCP 47 language tag such as es or pt-BR")
  .openapi({ example: "pt-BR" });

const CopilotText = z.string().trim().min(1).max(4000).check(multiLine);

export const SuggestionSchema = z
  .object({
    text: z.string().openapi({ description: "A reply draft for the agent to edit; never sent" }),
  })
  .openapi("CopilotSuggestion");

export const SummarySchema = z
  .object({ summary: z.string().openapi({ description: "What the thread is about, briefly" }) })
  .openapi("CopilotSummary");

export const TRANSLATE_TARGETS = ["agent", "contact"] as const;

export const TranslateBody = z
  .strictObject({
    text: CopilotText,
    to: z
      .union([z.enum(TRANSLATE_TARGETS), LanguageTag])
      .optional()
      .openapi({
        description:
          'A BCP 47 tag, or "agent" (the default: the caller\'s app language, else the workspace\'s, else en) for an incoming message, or "contact" (the conversation\'s contact language, else the language the customer writes in) for a draft.',
        example: "contact",
      }),
    conversation_id: z.string().max(64).optional().openapi({
      description:
        'The conversation the text belongs to: its usage is counted there; needed for to: "contact".',
      example: "cv_01JD0000000000000000000000",
    }),
  })
  .openapi("CopilotTranslate");

export const TranslationSchema = z
  .object({
    text: z.string(),
    from: z.string().openapi({ description: "The detected language (BCP 47)", example: "es" }),
    to: z.string().openapi({ description: "The language translated into (BCP 47)", example: "en" }),
  })
  .openapi("CopilotTranslation");

export const TONES = ["friendlier", "shorter", "formal", "fix"] as const;

export const RewriteBody = z
  .strictObject({
    text: CopilotText,
    tone: z.enum(TONES).openapi({
      description: "friendlier, shorter, formal, or fix (spelling and grammar only)",
    }),
    conversation_id: z.string().max(64).optional().openapi({
      description: "The conversation the draft is for: its usage is counted there",
      example: "cv_01JD0000000000000000000000",
    }),
  })
  .openapi("CopilotRewrite");

export const RewriteSchema = z.object({ text: z.string() }).openapi("CopilotRewritten");
