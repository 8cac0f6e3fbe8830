import {
  BellRing,
  Camera,
  type LucideIcon,
  Mail,
  MessageCircle,
  MessageSquare,
  Phone,
  Plug,
  Send,
  Smartphone,
} from "lucide-preact";
import type { components } from "../../../../client/schema";
import type { ChannelType } from "../../../../worker/db/schema";
import { t } from "../../../shared/ui";

export type Channel = components["schemas"]["Channel"];
export type ChannelRouting = components["schemas"]["ChannelRouting"];

/** Each kind of channel: its icon, the tint behind it and its name. */
export const CHANNEL_TYPES: Record<ChannelType, { icon: LucideIcon; tint: string }> = {
  webchat: { icon: MessageSquare, tint: "#2f5bea" },
  whatsapp: { icon: Phone, tint: "#128c4a" },
  messenger: { icon: MessageCircle, tint: "#0866ff" },
  instagram: { icon: Camera, tint: "#c13584" },
  telegram: { icon: Send, tint: "#2481cc" },
  twilio_sms: { icon: Smartphone, tint: "#c8283a" },
  email: { icon: Mail, tint: "#6d4aff" },
  custom: { icon: Plug, tint: "#52606d" },
  web_push: { icon: BellRing, tint: "#b45309" },
};

export const TYPE_ORDER = Object.keys(CHANNEL_TYPES) as ChannelType[];

export function typeName(type: ChannelType) {
  switch (type) {
    case "webchat":
      return t("channels.type.webchat");
    case "whatsapp":
      return t("channels.type.whatsapp");
    case "messenger":
      return t("channels.type.messenger");
    case "instagram":
      return t("channels.type.instagram");
    case "telegram":
      return t("channels.type.telegram");
    case "twilio_sms":
      return t("channels.type.twilio_sms");
    case "email":
      return t("channels.type.email");
    case "custom":
      return t("channels.type.custom");
    case "web_push":
      return t("channels.type.web_push");
  }
}

export function typeBlurb(type: ChannelType) {
  switch (type) {
    case "webchat":
      return t("channels.blurb.webchat");
    case "whatsapp":
      return t("channels.blurb.whatsapp");
    case "messenger":
      return t("channels.blurb.messenger");
    case "instagram":
      return t("channels.blurb.instagram");
    case "telegram":
      return t("channels.blurb.telegram");
    case "twilio_sms":
      return t("channels.blurb.twilio_sms");
    case "email":
      return t("channels.blurb.email");
    case "custom":
      return t("channels.blurb.custom");
    case "web_push":
      return t("channels.blurb.web_push");
  }
}

/** The channel's icon on its tint, as the list and the pickers show it. */
export function TypeIcon({ type, size = 36 }: { type: ChannelType; size?: number }) {
  const { icon: Icon, tint } = CHANNEL_TYPES[type];
  return (
    <span
      class="type-icon"
      style={{ width: `${size}px`, height: `${size}px`, background: tint }}
      aria-hidden="true"
    >
      <Icon size={Math.round(size * 0.5)} />
    </span>
  );
}
