import type { ChannelType, TemplateKind } from "../../db/schema";

/** The channel types a template of each kind is sent on (the inbox offers the same). */
export const CHANNEL_TYPES_OF: Record<TemplateKind, ChannelType[]> = {
  sms: ["twilio_sms"],
  email: ["email"],
  telegram: ["telegram"],
  messenger: ["messenger"],
  instagram: ["instagram"],
  webchat: ["webchat"],
  whatsapp: ["whatsapp"],
  web_push: ["web_push"],
};

/** A template of `kind` can be sent on a channel of `channelType`. */
export const kindFitsChannel = (kind: TemplateKind, channelType: string) =>
  (CHANNEL_TYPES_OF[kind] as string[]).includes(channelType);
