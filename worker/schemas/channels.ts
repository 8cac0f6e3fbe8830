import { z } from "@hono/zod-openapi";
import { CHANNEL_TYPES, type ChannelType, CSAT_SCALES } from "../db/schema";
import { multiLine, singleLine, Timestamp } from "./common";
import { ChannelRoutingSchema } from "./teams";

/** A credential: accepted on write, stored sealed, never returned. */
const secret = (description: string) =>
  z
    .string()
    .min(1)
    .max(4096)
    .check(singleLine)
    .openapi({ description: `${description} (write-only)`, writeOnly: true });
const baseUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .optional()
  .openapi({ description: "The platform's API base URL; point it at a local fake for testing" });
const name = z.string().trim().min(1).max(100).check(singleLine);
const max_per_second = z.number().min(0.1).max(1000).optional().openapi({
  description:
    "Messages a second this channel sends at most (replies and broadcasts together); the platform's published limit when absent",
});
const max_per_window = z
  .strictObject({
    count: z.number().int().min(1).max(10_000_000),
    hours: z.number().int().min(1).max(720),
  })
  .optional()
  .openapi({
    description:
      "Messages this sender starts on its own at most per rolling window of `hours`: broadcasts' messages, and automations' and scheduled messages to a customer who has not written within the channel's reply window (a day where the platform has none). Past it they wait, queued, until the oldest counted leave the window. The platform's documented limit when absent (WhatsApp: its lowest messaging tier, 250 a day)",
  });

/** The languages the widget speaks. */
export const WIDGET_LANGUAGES = ["en", "es", "pt-BR", "fr", "ar", "tr"] as const;

/** The satisfaction survey sent after a conversation closes; off unless enabled. */
export const CsatSettings = z
  .strictObject({
    enabled: z.boolean().default(false),
    scale: z.enum(CSAT_SCALES).default("csat_5").openapi({
      description: "`csat_5`: how satisfied, 1 to 5; `nps_10`: how likely to recommend, 0 to 10",
    }),
    ask_comment: z
      .boolean()
      .default(false)
      .openapi({ description: "After the score, ask for a comment" }),
    question: z.string().trim().min(1).max(300).check(multiLine).optional().openapi({
      description:
        "Your own wording of the question; without it, a default in the customer's language",
    }),
  })
  .optional()
  .openapi("CsatSettings", {
    description:
      "A survey after a conversation closes, when the customer wrote in it: buttons in the web chat, a question answered with a number elsewhere",
  });
export type CsatConfig = z.infer<typeof CsatSettings>;

/** Whether the pre-chat form asks for a field, and whether it must be filled. */
const prechatField = z.enum(["off", "optional", "required"]).default("off");

const webchat = z.strictObject({
  greeting: z.string().max(500).check(multiLine).optional(),
  brand_color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "a colour like #2563eb")
    .optional(),
  position: z.enum(["right", "left"]).optional(),
  require_identity: z.boolean().optional(),
  away: z.boolean().optional(),
  away_message: z.string().max(500).check(multiLine).optional(),
  language: z.enum(WIDGET_LANGUAGES).optional().openapi({
    description: "The widget's language; without it, the page's then the browser's",
  }),
  prechat: z
    .strictObject({ name: prechatField, email: prechatField, phone: prechatField })
    .optional()
    .openapi({ description: "Asked before the visitor's first message" }),
  csat: CsatSettings,
});

const whatsapp = z.strictObject({
  phone_number_id: z.string().regex(/^\d{1,30}$/, "the numeric phone number id from Meta"),
  waba_id: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional()
    .openapi({ description: "WhatsApp Business Account id, for templates" }),
  access_token: secret("System user access token"),
  app_secret: secret("App secret, signs webhooks"),
  verify_token: z
    .string()
    .min(8)
    .max(200)
    .check(singleLine)
    .openapi({ description: "Paste into Meta's webhook settings" }),
  api_base_url: baseUrl,
  api_version: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .optional(),
  max_per_second,
  max_per_window,
  csat: CsatSettings,
});

const metaPage = z.strictObject({
  page_id: z.string().regex(/^\d{1,30}$/, "the numeric page id"),
  page_access_token: secret("Page access token"),
  app_secret: secret("App secret, signs webhooks"),
  verify_token: z.string().min(8).max(200).check(singleLine),
  api_base_url: baseUrl,
  api_version: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .optional(),
  max_per_second,
  max_per_window,
  csat: CsatSettings,
});

const telegram = z.strictObject({
  bot_token: secret("Bot token from @BotFather"),
  secret_token: secret("Webhook secret token").pipe(
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "1–256 of A-Z a-z 0-9 _ -"),
  ),
  api_base_url: baseUrl,
  max_per_second,
  max_per_window,
  csat: CsatSettings,
});

const twilio = z.strictObject({
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "an Account SID (AC…)"),
  auth_token: secret("Auth token, signs webhooks"),
  from: z
    .string()
    .min(2)
    .max(64)
    .check(singleLine)
    .openapi({ description: "Sender number (E.164) or MG… messaging service" }),
  api_base_url: baseUrl,
  max_per_second,
  max_per_window,
  csat: CsatSettings,
});

export const EMAIL_AREAS = ["tickets", "invoices", "customers", "all"] as const;
const email = z.strictObject({
  inbound_address: z.email().max(254),
  provider: z.enum(["resend", "sendgrid", "postmark"]),
  api_key: secret("Provider API key"),
  webhook_secret: secret("Signing secret of the provider's event webhook").optional(),
  from_accounts: z
    .array(
      z.strictObject({
        area: z.enum(EMAIL_AREAS),
        from: z
          .string()
          .min(3)
          .max(300)
          .check(singleLine)
          .openapi({ example: "Acme Support <support@acme.test>" }),
        cap_count: z.number().int().min(1).max(1_000_000).optional(),
        cap_hours: z
          .number()
          .min(0.01)
          .max(24 * 31)
          .optional(),
      }),
    )
    .min(1)
    .max(20),
  api_base_url: baseUrl,
  max_per_second,
  max_per_window,
  csat: CsatSettings,
});

const custom = z.strictObject({
  inbound_secret: secret("Signs requests to the inbound webhook (hex HMAC-SHA256 of the body)"),
  outbound_url: z.url({ protocol: /^https?$/ }).max(500),
  max_per_second,
  max_per_window,
  csat: CsatSettings,
});

/** An https address a notification points at: shown by the browser, never called by Conversa. */
const httpsAddress = z
  .string()
  .max(500)
  .check(singleLine)
  .regex(/^https:\/\/[^\s]+$/, "an https:// address");

/** What an admin chooses for a web push channel; the VAPID keys are generated on creation. */
const webPushSettings = z.strictObject({
  subject: z
    .string()
    .max(254)
    .check(singleLine)
    .regex(
      /^(mailto:[^\s@]+@[^\s@]+|https:\/\/[^\s]+)$/,
      "mailto:you@example.com or an https:// address",
    )
    .openapi({ description: "How push services reach the sender (VAPID `sub`)" }),
  title: z.string().trim().min(1).max(100).check(singleLine).optional().openapi({
    description: "The notification's title; the channel's name when absent",
  }),
  icon_url: httpsAddress.optional(),
  click_url: httpsAddress
    .optional()
    .openapi({ description: "Opened when the notification is clicked" }),
  push_service_base_url: baseUrl.openapi({
    description:
      "Sends every push through this base URL instead of the subscription's own push service (a local fake for testing)",
  }),
  max_per_second,
});

/** VAPID keys, base64url: the public key is the uncompressed P-256 point, the private one its `d`. */
const webPush = webPushSettings.extend({
  vapid_public_key: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/)
    .openapi({ description: "Give it to the browser as applicationServerKey (generated)" }),
  vapid_private_key: secret("VAPID private key (generated)").pipe(
    z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  ),
});

export const CHANNEL_CONFIGS = {
  webchat,
  whatsapp,
  messenger: metaPage,
  instagram: metaPage,
  telegram,
  twilio_sms: twilio,
  email,
  custom,
  web_push: webPush,
} satisfies Record<ChannelType, z.ZodObject>;

export type ChannelConfigOf<T extends ChannelType> = z.infer<(typeof CHANNEL_CONFIGS)[T]>;

const isUrlField = (field: z.ZodType): boolean =>
  field instanceof z.ZodOptional || field instanceof z.ZodDefault
    ? isUrlField(field.unwrap() as z.ZodType)
    : field instanceof z.ZodURL;

/** Config keys holding a URL Conversa calls (and sends the channel's secrets to), by channel type. */
export const URL_KEYS = Object.fromEntries(
  Object.entries(CHANNEL_CONFIGS).map(([type, schema]) => [
    type,
    Object.entries(schema.shape as Record<string, z.ZodType>)
      .filter(([, field]) => isUrlField(field))
      .map(([key]) => key),
  ]),
) as Record<ChannelType, string[]>;

/** Keys sealed at rest and never echoed back, by channel type. */
export const SECRET_KEYS: Record<ChannelType, string[]> = {
  webchat: [],
  whatsapp: ["access_token", "app_secret"],
  messenger: ["page_access_token", "app_secret"],
  instagram: ["page_access_token", "app_secret"],
  telegram: ["bot_token", "secret_token"],
  twilio_sms: ["auth_token"],
  email: ["api_key", "webhook_secret"],
  custom: ["inbound_secret"],
  web_push: ["vapid_private_key"],
};

/** Config keys Conversa generates: never given nor changed by an admin. */
export const GENERATED_KEYS: Partial<Record<ChannelType, string[]>> = {
  web_push: ["vapid_public_key", "vapid_private_key"],
};

const variant = <T extends ChannelType>(type: T) =>
  z.strictObject({ type: z.literal(type), name, config: CHANNEL_CONFIGS[type] });

export const ChannelCreate = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("webchat"), name, config: webchat.default({}) }),
    variant("whatsapp"),
    variant("messenger"),
    variant("instagram"),
    variant("telegram"),
    variant("twilio_sms"),
    variant("email"),
    variant("custom"),
    z.strictObject({ type: z.literal("web_push"), name, config: webPushSettings }),
  ])
  .openapi("ChannelCreate");
export type ChannelCreateInput = z.infer<typeof ChannelCreate>;

export const ChannelPatch = z
  .strictObject({
    name: name.optional(),
    config: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        "Keys to change, checked against the channel's type; secrets may be replaced; null clears an optional setting",
    }),
  })
  .openapi("ChannelPatch");

const ChannelCheck = z
  .object({
    status: z.enum(["unchecked", "connected", "failing"]),
    checked_at: Timestamp.nullable(),
    error: z
      .string()
      .nullable()
      .openapi({ description: "The platform's refusal at the last check" }),
  })
  .openapi("ChannelCheck", {
    description:
      "The last credential check with the platform (admins only); null when the type has none",
  });

export const ChannelSchema = z
  .object({
    id: z.string(),
    type: z.enum(CHANNEL_TYPES),
    name: z.string(),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Settings without secrets (admins only)" }),
    secrets_set: z
      .array(z.string())
      .optional()
      .openapi({ description: "Which write-only secrets are stored (admins only)" }),
    webhook_url: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "Paste into the platform's webhook settings (admins only)" }),
    routing: ChannelRoutingSchema.optional().openapi({
      description: "Where new conversations go (admins only); set with PUT /channels/{id}/routing",
    }),
    check: ChannelCheck.nullable().optional(),
    created_at: Timestamp,
  })
  .openapi("Channel");
