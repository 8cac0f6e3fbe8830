import {
  BellRing,
  Camera,
  type LucideIcon,
  Mail,
  MessageCircle,
  MessageSquareText,
  MessagesSquare,
  Plug,
  Send,
  Smartphone,
} from "lucide-preact";
import { h, type VNode } from "preact";
import type { ChannelType } from "../../worker/db/schema";

type ChannelLook = {
  Icon: LucideIcon;
  label: string;
  /** the icon at text size, hidden from screen readers (the label says it) */
  readonly icon: VNode;
};

function look(Icon: LucideIcon, label: string): ChannelLook {
  return {
    Icon,
    label,
    get icon() {
      return h(Icon, { size: 14, "aria-hidden": "true", class: "icon" });
    },
  };
}

/** How each kind of channel shows in the inbox. */
export const CHANNEL_LOOK: Record<ChannelType, ChannelLook> = {
  webchat: look(MessageCircle, "Web chat"),
  whatsapp: look(MessageSquareText, "WhatsApp"),
  messenger: look(MessagesSquare, "Messenger"),
  instagram: look(Camera, "Instagram"),
  telegram: look(Send, "Telegram"),
  twilio_sms: look(Smartphone, "SMS"),
  email: look(Mail, "Email"),
  custom: look(Plug, "Custom"),
  web_push: look(BellRing, "Web push"),
};

/** Reply rules the composer shows: null when a free-form reply may go out now. */
export function replyRestriction(
  channelType: ChannelType,
  windowClosesAt: string | null,
  now = Date.now(),
): { templatesOnly: boolean; text: string } | null {
  if (windowClosesAt === null || Date.parse(windowClosesAt) > now) return null;
  if (channelType === "whatsapp")
    return {
      templatesOnly: true,
      text: "The customer last wrote more than 24 hours ago: WhatsApp only allows an approved template.",
    };
  return {
    templatesOnly: false,
    text: "The platform's reply window is closed until the customer writes again.",
  };
}
