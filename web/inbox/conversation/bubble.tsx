import { Check, CheckCheck, CircleAlert, Clock, FileText, Lock, Sparkles } from "lucide-preact";
import type { Message } from "../../shared/api";
import { Avatar, formatDate, formatNumber, t } from "../../shared/ui";
import { TranslateMessage } from "./copilot";
import type { Directory } from "./directory";
import { describeEvent } from "./events";

const STATUS_ICONS = {
  queued: Clock,
  sent: Check,
  delivered: CheckCheck,
  read: CheckCheck,
  failed: CircleAlert,
} as const;

function statusLabel(status: NonNullable<Message["status"]>) {
  const labels = {
    queued: t("conversation.delivery.queued"),
    sent: t("conversation.delivery.sent"),
    delivered: t("conversation.delivery.delivered"),
    read: t("conversation.delivery.read"),
    failed: t("conversation.delivery.failed"),
  };
  return labels[status];
}

function DeliveryStatus({ m }: { m: Message }) {
  if (!m.status) return null;
  const Icon = STATUS_ICONS[m.status];
  const events = m.delivery_events.map((e) => e.event).join(", ");
  const label = statusLabel(m.status);
  const title = [label, m.status_reason, events].filter(Boolean).join(" · ");
  return (
    <span class={`delivery ${m.status}`} title={title} data-status={m.status}>
      <Icon size={14} aria-hidden="true" class="icon" />
      <span class={m.status === "failed" ? "" : "sr-only"}>
        {m.status === "failed" && m.status_reason ? `${label}: ${m.status_reason}` : label}
      </span>
    </span>
  );
}

const isImage = (contentType: string) => /^image\/(png|jpe?g|gif|webp|avif)$/i.test(contentType);

function fileSize(bytes: number) {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  return `${formatNumber(bytes / 1024 / 1024, { maximumFractionDigits: 1 })} MB`;
}

function Attachment({ file }: { file: NonNullable<Message["attachment"]> }) {
  if (isImage(file.content_type))
    return (
      <a class="thumb" href={file.url} target="_blank" rel="noopener noreferrer">
        <img src={file.url} alt={file.name} loading="lazy" />
      </a>
    );
  return (
    <a class="file-chip" href={file.url} target="_blank" rel="noopener noreferrer">
      <FileText size={18} aria-hidden="true" class="icon" />
      <span class="file-name">{file.name}</span>
      <span class="file-size">{fileSize(file.size)}</span>
    </a>
  );
}

/** The knowledge the assistant's answer came from: links where the source is a page. */
function Citations({ citations }: { citations: NonNullable<Message["ai"]>["citations"] }) {
  return (
    <span class="citations">
      <span class="muted">{t("conversation.ai.sources")}</span>
      {citations.map((c) =>
        c.url ? (
          <a key={c.source_id} href={c.url} target="_blank" rel="noopener noreferrer">
            {c.title}
          </a>
        ) : (
          <span key={c.source_id}>{c.title}</span>
        ),
      )}
    </span>
  );
}

const fromCustomer = (m: Message) => m.sender.type === "visitor" || m.sender.type === "contact";

/** Whether `m` continues a run by the same author, a few minutes apart: no repeated header. */
export function continues(previous: Message | undefined, m: Message) {
  if (!previous || previous.kind === "event" || m.kind === "event") return false;
  return (
    previous.sender.type === m.sender.type &&
    previous.sender.id === m.sender.id &&
    previous.kind === m.kind &&
    Date.parse(m.created_at) - Date.parse(previous.created_at) < 5 * 60_000
  );
}

/** A system line, centred: who did what to whom. */
export function EventLine({ m, directory }: { m: Message; directory: Directory }) {
  return (
    <p class="event-line" data-seq={m.seq} data-event={m.event?.type}>
      <span>{describeEvent(m, directory)}</span>
      <time dateTime={m.created_at}>{formatDate(m.created_at, { timeStyle: "short" })}</time>
    </p>
  );
}

export function Bubble({
  m,
  contactName,
  continued,
  ai,
}: {
  m: Message;
  contactName: string;
  continued: boolean;
  ai: boolean;
}) {
  const side = fromCustomer(m) ? "them" : "us";
  const note = m.kind === "note";
  const author = m.sender.name ?? (fromCustomer(m) ? contactName : t("conversation.bot"));
  return (
    <div
      class={`message ${side} ${note ? "note" : ""} ${continued ? "continued" : ""}`}
      data-seq={m.seq}
    >
      <span class="message-avatar">{!continued && <Avatar name={author} size={28} />}</span>
      <div class={`bubble ${side} ${note ? "note" : ""}`}>
        {!continued && (
          <span class="author">
            {note && <Lock size={12} aria-hidden="true" class="icon" />}
            {note ? t("conversation.noteBy", { name: author }) : author}
            {m.ai && (
              <span class="ai-mark" title={t("conversation.ai.markTitle")}>
                <Sparkles size={11} aria-hidden="true" class="icon" />
                {t("conversation.ai.mark")}
              </span>
            )}
          </span>
        )}
        {m.attachment && <Attachment file={m.attachment} />}
        {m.text && (
          <span class="text" dir="auto">
            {m.text}
          </span>
        )}
        {m.ai && m.ai.citations.length > 0 && <Citations citations={m.ai.citations} />}
        <span class="meta">
          <time dateTime={m.created_at} title={formatDate(m.created_at)}>
            {formatDate(m.created_at, { timeStyle: "short" })}
          </time>
          <DeliveryStatus m={m} />
        </span>
        {ai && side === "them" && m.text && <TranslateMessage m={m} />}
      </div>
    </div>
  );
}
