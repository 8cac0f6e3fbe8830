import type { ChannelType } from "../../worker/db/schema";

/** How each kind of channel shows in the inbox. */
export const CHANNEL_LOOK: Record<ChannelType, { icon: string; label: string }> = {
  webchat: { icon: "💬", label: "Web chat" },
  whatsapp: { icon: "🟢", label: "WhatsApp" },
  messenger: { icon: "🔵", label: "Messenger" },
  instagram: { icon: "📸", label: "Instagram" },
  telegram: { icon: "✈️", label: "Telegram" },
  twilio_sms: { icon: "📱", label: "SMS" },
  email: { icon: "✉️", label: "Email" },
  custom: { icon: "🔌", label: "Custom" },
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
