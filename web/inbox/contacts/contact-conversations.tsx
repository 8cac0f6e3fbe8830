import { MessageSquareText } from "lucide-preact";
import {
  Badge,
  EmptyState,
  formatDate,
  formatRelative,
  ListState,
  type Tone,
  t,
} from "../../shared/ui";
import type { Conversation } from "./api";
import { ChannelIcon, channelLabel } from "./channels";

const STATUS_TONE: Record<Conversation["status"], Tone> = {
  open: "success",
  pending: "warning",
  snoozed: "neutral",
  closed: "neutral",
};

function statusLabel(status: Conversation["status"]) {
  switch (status) {
    case "open":
      return t("contacts.status.open");
    case "pending":
      return t("contacts.status.pending");
    case "snoozed":
      return t("contacts.status.snoozed");
    case "closed":
      return t("contacts.status.closed");
  }
}

/** Every conversation of the contact, on any channel, newest activity first. */
export function ConversationList({ conversations }: { conversations: Conversation[] | null }) {
  return (
    <ListState
      data={conversations ?? undefined}
      rows={3}
      empty={
        <EmptyState
          icon={<MessageSquareText size={22} />}
          title={t("contacts.page.noConversations")}
        >
          {t("contacts.page.noConversationsHint")}
        </EmptyState>
      }
    >
      {(rows) => <ConversationLinks conversations={rows} />}
    </ListState>
  );
}

function ConversationLinks({ conversations }: { conversations: Conversation[] }) {
  return (
    <ul class="contact-conversations">
      {conversations.map((c) => (
        <li key={c.id}>
          <a href={`/c/${c.id}`} class="contact-conversation">
            <span class="channel-icon">
              <ChannelIcon kind={c.channel_type} size={18} />
            </span>
            <span class="contact-conversation-body">
              <span class="contact-conversation-top">
                <strong>{channelLabel(c.channel_type)}</strong>
                <Badge tone={STATUS_TONE[c.status]}>{statusLabel(c.status)}</Badge>
                <span class="muted small push" title={formatDate(c.last_activity_at)}>
                  {formatRelative(c.last_activity_at)}
                </span>
              </span>
              <span class="muted ellipsis">
                {c.last_message?.preview || t("contacts.page.noMessages")}
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
