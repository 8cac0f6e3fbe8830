import { z } from "@hono/zod-openapi";
import { WIDGET_LANGUAGES } from "./channels";
import { multiLine, singleLine, Timestamp } from "./common";
import { MessageSchema } from "./conversations";

/** What the chat widget sends and gets (`/widget/v1/…`). */

const PrechatField = z.enum(["off", "optional", "required"]);

export const ChannelConfig = z
  .object({
    id: z.string(),
    name: z.string(),
    greeting: z.string().nullable(),
    brand_color: z.string(),
    position: z.enum(["right", "left"]),
    away: z.boolean().openapi({ description: "Nobody can answer now" }),
    away_reason: z.enum(["manual", "closed", "offline"]).nullable().openapi({
      description: "manual: switched to away; closed: out of hours; offline: nobody online",
    }),
    opens_at: Timestamp.nullable().openapi({ description: "When out of hours end" }),
    away_message: z.string().nullable(),
    require_identity: z.boolean(),
    language: z.enum(WIDGET_LANGUAGES).nullable(),
    prechat: z.object({ name: PrechatField, email: PrechatField, phone: PrechatField }),
  })
  .openapi("WidgetChannel");

export const ContactBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).check(singleLine).optional(),
    email: z.email().max(254).optional(),
    phone: z.string().trim().min(3).max(40).check(singleLine).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "give a name, an email or a phone" })
  .openapi("WidgetContactRequest");

export const VisitorConversation = z
  .object({
    id: z.string(),
    status: z.enum(["open", "pending", "snoozed", "closed"]),
    last_seq: z.number().int(),
    created_at: Timestamp,
  })
  .openapi("WidgetConversation");

export const SessionBody = z
  .strictObject({
    channel_id: z.string().max(64),
    token: z.string().max(2048).optional().openapi({
      description:
        "A token from an earlier session, to resume it with a fresh token; an expired or revoked one gets 401 (start again without it)",
    }),
    identifier: z.string().min(1).max(200).check(singleLine).optional(),
    identifier_hash: z
      .string()
      .max(128)
      .optional()
      .openapi({ description: "hex HMAC-SHA256(channel identity secret, identifier)" }),
    name: z.string().trim().min(1).max(200).check(singleLine).optional(),
    email: z.email().max(254).optional(),
  })
  .openapi("WidgetSessionRequest");

export const Sent = z
  .object({ conversation_id: z.string(), message: MessageSchema })
  .openapi("WidgetMessageSent");

export const SurveyAnswer = z
  .strictObject({
    score: z.number().int().openapi({
      description: "1–5 on a `csat_5` survey, 0–10 on an `nps_10` one; the first score counts",
    }),
    comment: z.string().trim().min(1).max(2000).check(multiLine).optional().openapi({
      description: "With the score, or once after it",
    }),
  })
  .openapi("SurveyAnswer");

export const SurveySchema = z
  .object({
    id: z.string(),
    scale: z.enum(["csat_5", "nps_10"]),
    score: z.number().int().nullable(),
    comment: z.string().nullable(),
    asked_at: Timestamp,
    answered_at: Timestamp.nullable(),
  })
  .openapi("Survey");
