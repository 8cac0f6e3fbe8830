import {
  AtSign,
  BellRing,
  Camera,
  Globe,
  Mail,
  MessageCircle,
  MessageSquare,
  Plug,
  Send,
  Smartphone,
} from "lucide-preact";
import type { ChannelType } from "../../../worker/db/schema";
import { t } from "../../shared/ui";

const ICONS: Record<ChannelType, typeof Mail> = {
  webchat: Globe,
  whatsapp: MessageCircle,
  messenger: MessageSquare,
  instagram: Camera,
  telegram: Send,
  twilio_sms: Smartphone,
  email: Mail,
  custom: Plug,
  web_push: BellRing,
};

/** The channel's name in the agent's language. */
export function channelLabel(type: ChannelType) {
  const labels: Record<ChannelType, string> = {
    webchat: t("conversation.channel.webchat"),
    whatsapp: t("conversation.channel.whatsapp"),
    messenger: t("conversation.channel.messenger"),
    instagram: t("conversation.channel.instagram"),
    telegram: t("conversation.channel.telegram"),
    twilio_sms: t("conversation.channel.sms"),
    email: t("conversation.channel.email"),
    custom: t("conversation.channel.custom"),
    web_push: t("conversation.channel.web_push"),
  };
  return labels[type];
}

/** The channel's icon, named for screen readers and on hover. */
export function ChannelIcon({
  type,
  size = 16,
  showLabel = false,
}: {
  type: ChannelType;
  size?: number;
  showLabel?: boolean;
}) {
  const Icon = ICONS[type] ?? AtSign;
  const label = channelLabel(type);
  return (
    <span class={`channel-icon ${type}`} title={label}>
      <Icon size={size} aria-hidden="true" class="icon" />
      <span class={showLabel ? "channel-name" : "sr-only"}>{label}</span>
    </span>
  );
}
