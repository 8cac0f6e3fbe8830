import {
  BellRing,
  Camera,
  Globe,
  Mail,
  MessageCircle,
  MessagesSquare,
  Plug,
  Send,
  Smartphone,
} from "lucide-preact";
import { t } from "../../shared/ui";

type Kind =
  | "webchat"
  | "whatsapp"
  | "messenger"
  | "instagram"
  | "telegram"
  | "twilio_sms"
  | "sms"
  | "email"
  | "custom"
  | "web_push";

const ICONS = {
  webchat: Globe,
  whatsapp: MessageCircle,
  messenger: MessagesSquare,
  instagram: Camera,
  telegram: Send,
  twilio_sms: Smartphone,
  sms: Smartphone,
  email: Mail,
  custom: Plug,
  web_push: BellRing,
} as const;

/** A channel kind's name in the agent's language (channel types and consent channels alike). */
export function channelLabel(kind: string) {
  switch (kind as Kind) {
    case "webchat":
      return t("contacts.channel.webchat");
    case "whatsapp":
      return t("contacts.channel.whatsapp");
    case "messenger":
      return t("contacts.channel.messenger");
    case "instagram":
      return t("contacts.channel.instagram");
    case "telegram":
      return t("contacts.channel.telegram");
    case "twilio_sms":
    case "sms":
      return t("contacts.channel.sms");
    case "email":
      return t("contacts.channel.email");
    case "web_push":
      return t("contacts.channel.web_push");
    default:
      return t("contacts.channel.custom");
  }
}

export function ChannelIcon({ kind, size = 16 }: { kind: string; size?: number }) {
  const Icon = ICONS[kind as Kind] ?? Plug;
  return <Icon size={size} class="icon" aria-hidden="true" />;
}

/** An icon with its name for screen readers and a hover title. */
export function ChannelBadge({ kind }: { kind: string }) {
  const label = channelLabel(kind);
  return (
    <span class="channel-icon" title={label}>
      <ChannelIcon kind={kind} />
      <span class="sr-only">{label}</span>
    </span>
  );
}
