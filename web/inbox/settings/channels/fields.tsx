import type { ChannelType } from "../../../../worker/db/schema";
import { t } from "../../../shared/ui";

export type PlatformField = {
  key: string;
  label: string;
  hint?: string;
  kind: "text" | "secret" | "url" | "provider" | "accounts";
  optional?: boolean;
  placeholder?: string;
};

const apiBase = (): PlatformField => ({
  key: "api_base_url",
  label: t("channels.field.api_base_url"),
  hint: t("channels.hint.api_base_url"),
  kind: "url",
  optional: true,
  placeholder: "https://",
});

const verifyToken = (): PlatformField => ({
  key: "verify_token",
  label: t("channels.field.verify_token"),
  hint: t("channels.hint.verify_token"),
  kind: "text",
});

const metaPage = (): PlatformField[] => [
  { key: "page_id", label: t("channels.field.page_id"), kind: "text", placeholder: "1234567890" },
  { key: "page_access_token", label: t("channels.field.page_access_token"), kind: "secret" },
  {
    key: "app_secret",
    label: t("channels.field.app_secret"),
    hint: t("channels.hint.app_secret"),
    kind: "secret",
  },
  verifyToken(),
  apiBase(),
];

/** What an admin fills in to connect each platform, read from worker/schemas/channels.ts. */
export function platformFields(type: ChannelType): PlatformField[] {
  switch (type) {
    case "whatsapp":
      return [
        {
          key: "phone_number_id",
          label: t("channels.field.phone_number_id"),
          hint: t("channels.hint.phone_number_id"),
          kind: "text",
          placeholder: "106540352242922",
        },
        {
          key: "waba_id",
          label: t("channels.field.waba_id"),
          hint: t("channels.hint.waba_id"),
          kind: "text",
          optional: true,
        },
        { key: "access_token", label: t("channels.field.access_token"), kind: "secret" },
        {
          key: "app_secret",
          label: t("channels.field.app_secret"),
          hint: t("channels.hint.app_secret"),
          kind: "secret",
        },
        verifyToken(),
        apiBase(),
      ];
    case "messenger":
    case "instagram":
      return metaPage();
    case "telegram":
      return [
        {
          key: "bot_token",
          label: t("channels.field.bot_token"),
          hint: t("channels.hint.bot_token"),
          kind: "secret",
          placeholder: "123456789:AA…",
        },
        {
          key: "secret_token",
          label: t("channels.field.secret_token"),
          hint: t("channels.hint.secret_token"),
          kind: "secret",
        },
        apiBase(),
      ];
    case "twilio_sms":
      return [
        {
          key: "account_sid",
          label: t("channels.field.account_sid"),
          kind: "text",
          placeholder: "AC…",
        },
        { key: "auth_token", label: t("channels.field.auth_token"), kind: "secret" },
        {
          key: "from",
          label: t("channels.field.from"),
          hint: t("channels.hint.from"),
          kind: "text",
          placeholder: "+14155550100",
        },
        apiBase(),
      ];
    case "email":
      return [
        {
          key: "inbound_address",
          label: t("channels.field.inbound_address"),
          hint: t("channels.hint.inbound_address"),
          kind: "text",
          placeholder: "support@acme.com",
        },
        { key: "provider", label: t("channels.field.provider"), kind: "provider" },
        { key: "api_key", label: t("channels.field.api_key"), kind: "secret" },
        {
          key: "webhook_secret",
          label: t("channels.field.webhook_secret"),
          hint: t("channels.hint.webhook_secret"),
          kind: "secret",
          optional: true,
        },
        { key: "from_accounts", label: t("channels.field.from_accounts"), kind: "accounts" },
        apiBase(),
      ];
    case "custom":
      return [
        {
          key: "inbound_secret",
          label: t("channels.field.inbound_secret"),
          hint: t("channels.hint.inbound_secret"),
          kind: "secret",
        },
        {
          key: "outbound_url",
          label: t("channels.field.outbound_url"),
          hint: t("channels.hint.outbound_url"),
          kind: "url",
          placeholder: "https://",
        },
      ];
    case "web_push":
      return [
        {
          key: "subject",
          label: t("channels.field.subject"),
          hint: t("channels.hint.subject"),
          kind: "text",
          placeholder: "mailto:support@example.com",
        },
        {
          key: "title",
          label: t("channels.field.title"),
          hint: t("channels.hint.title"),
          kind: "text",
          optional: true,
        },
        {
          key: "icon_url",
          label: t("channels.field.icon_url"),
          kind: "url",
          optional: true,
          placeholder: "https://",
        },
        {
          key: "click_url",
          label: t("channels.field.click_url"),
          hint: t("channels.hint.click_url"),
          kind: "url",
          optional: true,
          placeholder: "https://",
        },
      ];
    case "webchat":
      return [];
  }
}

/** Server messages that need a sentence of our own rather than the validator's wording. */
export function channelFieldError(message: string | undefined) {
  if (!message) return undefined;
  if (message.startsWith("enter it again")) return t("channels.errors.reenter");
  if (message.startsWith("the numeric")) return t("channels.errors.numeric");
  if (message.startsWith("1–256 of")) return t("channels.errors.secretToken");
  if (message.startsWith("an Account SID")) return t("channels.errors.accountSid");
  if (message.startsWith("a colour like")) return t("channels.errors.colour");
  return message;
}
