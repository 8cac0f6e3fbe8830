import { eq } from "drizzle-orm";
import { z } from "zod";
import { trimSlash } from "../../channels/http";
import { workspaces } from "../../db/schema";
import type { Db } from "../../lib/context";
import { type TargetFetch, targetFetch } from "../../lib/targets";
import type { ChannelConfigOf } from "../../schemas/channels";
import { normalizePhone } from "../contacts/contacts";
import { adapterConfig, getChannel } from "./channels";

type Result = {
  valid: boolean;
  normalized: string | null;
  reachable: boolean | null;
  reason: string | null;
};

const invalid = (reason: string): Result => ({
  valid: false,
  normalized: null,
  reachable: null,
  reason,
});
const formOnly = (normalized: string): Result => ({
  valid: true,
  normalized,
  reachable: null,
  reason: null,
});

async function twilioLookup(
  net: TargetFetch,
  config: ChannelConfigOf<"twilio_sms">,
  phone: string,
) {
  const base = trimSlash(config.api_base_url ?? "https://lookups.twilio.com");
  const response = await net(`${base}/v2/PhoneNumbers/${encodeURIComponent(phone)}`, {
    headers: { authorization: `Basic ${btoa(`${config.account_sid}:${config.auth_token}`)}` },
  });
  if (response.status === 404) return false;
  const answer = z
    .object({ valid: z.boolean() })
    .safeParse(await response.json().catch(() => null));
  return answer.success ? answer.data.valid : null;
}

async function telegramChat(net: TargetFetch, config: ChannelConfigOf<"telegram">, chatId: string) {
  const base = trimSlash(config.api_base_url ?? "https://api.telegram.org");
  const response = await net(`${base}/bot${config.bot_token}/getChat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: chatId }),
  });
  const answer = z.object({ ok: z.boolean() }).safeParse(await response.json().catch(() => null));
  return answer.success ? answer.data.ok : null;
}

/**
 * Whether `to` can be written to on the channel: its form, normalized, and the platform's answer
 * where the platform has one (Twilio Lookup, Telegram getChat).
 */
export async function checkAddress(
  db: Db,
  env: Env,
  workspaceId: string,
  channelId: string,
  to: string,
): Promise<Result> {
  const channel = await getChannel(db, workspaceId, channelId);
  if (channel.type === "whatsapp" || channel.type === "twilio_sms") {
    const workspace = await db.query.workspaces.findFirst({
      where: eq(workspaces.id, workspaceId),
    });
    const phone = normalizePhone(to, workspace?.defaultCountry ?? "US");
    if (!phone) return invalid("not a valid phone number");
    if (channel.type === "whatsapp") return formOnly(phone);
    const reachable = await twilioLookup(
      targetFetch(env),
      await adapterConfig(env, channel),
      phone,
    );
    return {
      valid: true,
      normalized: phone,
      reachable,
      reason: reachable === false ? "Twilio Lookup says the number is not valid" : null,
    };
  }
  if (channel.type === "email") {
    const email = z.email().safeParse(to.toLowerCase());
    return email.success ? formOnly(email.data) : invalid("not an email address");
  }
  if (channel.type === "telegram") {
    if (!/^-?\d{1,20}$/.test(to)) return invalid("a Telegram chat id is a number");
    const reachable = await telegramChat(targetFetch(env), await adapterConfig(env, channel), to);
    return {
      valid: true,
      normalized: to,
      reachable,
      reason: reachable === false ? "the bot cannot reach this chat" : null,
    };
  }
  if (channel.type === "messenger" || channel.type === "instagram")
    return /^\d{1,30}$/.test(to) ? formOnly(to) : invalid("a page-scoped id is a number");
  if (channel.type === "webchat")
    return invalid("web chat visitors are reached in their own conversation");
  if (channel.type === "web_push")
    return invalid("web push reaches a contact's browsers once they subscribe on the site");
  return formOnly(to);
}
