import { ArrowLeft, PanelRightClose, PanelRightOpen } from "lucide-preact";
import type { Conversation } from "../../shared/api";
import { formatPhone, PhoneLink } from "../../shared/phone";
import { Avatar, IconButton, t } from "../../shared/ui";
import { ChannelIcon } from "./channel-icon";

export function contactNameOf(c: Conversation) {
  return (
    c.contact.name ??
    (c.contact.phone && formatPhone(c.contact.phone)) ??
    c.contact.email ??
    t("conversation.unknownContact")
  );
}

const STATUS_TONES = {
  open: "success",
  pending: "warning",
  snoozed: "primary",
  closed: "neutral",
} as const;

export function statusLabel(status: Conversation["status"]) {
  const labels = {
    open: t("conversation.status.open"),
    pending: t("conversation.status.pending"),
    snoozed: t("conversation.status.snoozed"),
    closed: t("conversation.status.closed"),
  };
  return labels[status];
}

export function StatusBadge({ status }: { status: Conversation["status"] }) {
  return (
    <span class={`badge ${STATUS_TONES[status]} status ${status}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}

/** Who the customer is and how to reach them, with the way back (phones) and the details toggle. */
export function PaneHeader({
  conversation,
  detailsOpen,
  onToggleDetails,
  onBack,
}: {
  conversation: Conversation;
  detailsOpen: boolean;
  onToggleDetails: () => void;
  onBack: () => void;
}) {
  const name = contactNameOf(conversation);
  return (
    <div class="pane-identity">
      <IconButton
        class="back"
        label={t("conversation.back")}
        icon={<ArrowLeft size={18} class="icon flip-rtl" />}
        onClick={onBack}
      />
      <Avatar name={name} size={36} />
      <div class="who">
        <h2 class="contact-name">{name}</h2>
        <p class="reach">
          <span class="conversation-number" title={t("conversation.numberTitle")}>
            {t("conversation.number", { number: conversation.number })}
          </span>
          <ChannelIcon type={conversation.channel_type} size={14} showLabel />
          {conversation.contact.phone && (
            <span class="reach-item">
              <PhoneLink phone={conversation.contact.phone} />
            </span>
          )}
          {conversation.contact.email && (
            <span class="reach-item" dir="auto">
              {conversation.contact.email}
            </span>
          )}
        </p>
      </div>
      <StatusBadge status={conversation.status} />
      <IconButton
        class="details-toggle"
        label={detailsOpen ? t("conversation.hideDetails") : t("conversation.showDetails")}
        aria-expanded={detailsOpen}
        icon={
          detailsOpen ? (
            <PanelRightClose size={18} class="icon flip-rtl" />
          ) : (
            <PanelRightOpen size={18} class="icon flip-rtl" />
          )
        }
        onClick={onToggleDetails}
      />
    </div>
  );
}
