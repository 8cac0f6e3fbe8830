import { Paperclip } from "lucide-preact";
import {
  Badge,
  formatDate,
  formatRelative,
  SelectBox,
  type Selection,
  type Tone,
  t,
} from "../../shared/ui";
import { ChannelIcon } from "../contacts/channels";
import type { OutboundMessage } from "./api";
import { statusLabel } from "./filters";

const STATUS_TONES: Record<string, Tone> = {
  queued: "neutral",
  sent: "primary",
  delivered: "success",
  read: "success",
  failed: "danger",
};

function StatusBadge({ message }: { message: OutboundMessage }) {
  if (!message.status) return <span class="muted">—</span>;
  return (
    <span class="sent-status">
      <Badge tone={STATUS_TONES[message.status]}>{statusLabel(message.status)}</Badge>
      {message.status_reason && <span class="sent-reason">{message.status_reason}</span>}
    </span>
  );
}

function Preview({ message }: { message: OutboundMessage }) {
  return (
    <a class="sent-preview" href={`/c/${message.conversation_id}`}>
      {message.attachments_count > 0 && (
        <Paperclip size={14} class="icon" aria-label={t("sent.attachment")} />
      )}
      <span>{message.preview || t("sent.noText")}</span>
    </a>
  );
}

const senderOf = (m: OutboundMessage) => m.sender.name ?? t(`sent.sender.${m.sender.type}`);

function MessageSelectBox({
  message,
  selection,
}: {
  message: OutboundMessage;
  selection: Selection;
}) {
  return (
    <SelectBox
      id={message.id}
      class="sent-check"
      label={t("sent.select", { contact: message.contact.name ?? "—" })}
      selection={selection}
    />
  );
}

export function SentTable({ rows, selection }: { rows: OutboundMessage[]; selection: Selection }) {
  return (
    <div class="table-wrap sent-table">
      <table class="table" aria-label={t("sent.title")}>
        <thead>
          <tr>
            <th scope="col">
              <span class="sr-only">{t("sent.column.select")}</span>
            </th>
            <th scope="col">{t("sent.column.sentAt")}</th>
            <th scope="col">{t("sent.column.contact")}</th>
            <th scope="col">{t("sent.column.channel")}</th>
            <th scope="col">{t("sent.column.message")}</th>
            <th scope="col">{t("sent.column.sender")}</th>
            <th scope="col">{t("sent.column.status")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.id} class={selection.has(m.id) ? "selected" : undefined}>
              <td>
                <MessageSelectBox message={m} selection={selection} />
              </td>
              <td class="nowrap muted" title={formatDate(m.created_at)}>
                {formatRelative(m.created_at)}
              </td>
              <td class="nowrap">{m.contact.name ?? <span class="muted">—</span>}</td>
              <td class="nowrap">
                <span class="sent-channel">
                  <ChannelIcon kind={m.channel.kind} />
                  {m.channel.name}
                </span>
              </td>
              <td class="sent-message">
                <Preview message={m} />
              </td>
              <td class="nowrap">
                {senderOf(m)} <Badge>{t(`sent.kind.${m.kind}`)}</Badge>
              </td>
              <td>
                <StatusBadge message={m} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The same rows as cards, for phones. */
export function SentCards({ rows, selection }: { rows: OutboundMessage[]; selection: Selection }) {
  return (
    <ul class="sent-cards" aria-label={t("sent.title")}>
      {rows.map((m) => (
        <li key={m.id} class={selection.has(m.id) ? "selected" : undefined}>
          <MessageSelectBox message={m} selection={selection} />
          <div class="sent-card-body">
            <span class="sent-card-top">
              <strong>{m.contact.name ?? "—"}</strong>
              <span class="muted">{formatRelative(m.created_at)}</span>
            </span>
            <Preview message={m} />
            <span class="sent-card-meta">
              <span class="sent-channel">
                <ChannelIcon kind={m.channel.kind} />
                {m.channel.name}
              </span>
              <span class="muted">{senderOf(m)}</span>
              <StatusBadge message={m} />
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
