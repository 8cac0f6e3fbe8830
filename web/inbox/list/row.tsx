import { Clock, Paperclip } from "lucide-preact";
import type { Conversation } from "../../shared/api";
import { CHANNEL_LOOK } from "../../shared/channels";
import { formatPhone } from "../../shared/phone";
import { Avatar, Badge, formatDate, formatRelative, t } from "../../shared/ui";
import { slaDue } from "./filters";

export type Member = { id: string; name: string };
export type Label = { name: string; colour: string | null };

export const contactName = (c: Conversation) =>
  c.contact.name ??
  (c.contact.phone && formatPhone(c.contact.phone)) ??
  c.contact.email ??
  t("inbox.row.unknown");

/** The next SLA target still open: its time, red with "overdue" once passed. */
function SlaBadge({ c }: { c: Conversation }) {
  const due = slaDue(c);
  if (!due) return null;
  const overdue = Date.parse(due) < Date.now();
  const what =
    c.sla.first_response_at === null ? t("inbox.sla.firstReply") : t("inbox.sla.resolution");
  const title = t("inbox.sla.title", {
    what,
    time: formatDate(due, { dateStyle: "medium", timeStyle: "short" }),
  });
  return (
    <span class={`sla ${overdue ? "overdue" : ""}`} title={title}>
      <Clock size={12} aria-hidden="true" class="icon" />
      {overdue ? t("inbox.sla.overdue") : t("inbox.sla.due", { time: formatRelative(due) })}
    </span>
  );
}

const LABEL_COLOURS = ["#2f5bea", "#0e7c66", "#b4460b", "#7c3aed", "#be185d", "#0369a1", "#4d7c0f"];

/** The label's own colour, or one derived from its name. */
export function labelColour(name: string, labels: Label[]) {
  const known = labels.find((l) => l.name === name)?.colour;
  if (known) return known;
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return LABEL_COLOURS[Math.abs(hash) % LABEL_COLOURS.length];
}

function Labels({ names, labels }: { names: string[]; labels: Label[] }) {
  if (names.length === 0) return null;
  return (
    <span class="row-labels">
      {names.slice(0, 3).map((name) => (
        <span key={name} class="row-label">
          <span class="dot" style={{ background: labelColour(name, labels) }} aria-hidden="true" />
          {name}
        </span>
      ))}
      {names.length > 3 && <span class="row-label">+{names.length - 3}</span>}
    </span>
  );
}

const STATUS_TONE = {
  open: "success",
  pending: "warning",
  snoozed: "primary",
  closed: "neutral",
} as const;

function statusText(status: Conversation["status"]) {
  if (status === "open") return t("inbox.status.open");
  if (status === "pending") return t("inbox.status.pending");
  if (status === "snoozed") return t("inbox.status.snoozed");
  return t("inbox.status.closed");
}

/** What the server says for a message that is only a file (until it sends the kind instead). */
const FILE_ONLY_PREVIEW = "📎 Attachment";

/** The last message's preview; a file alone is a paperclip and "Attachment" in the agent's language. */
export function PreviewText({ preview }: { preview: string | undefined }) {
  if (preview !== FILE_ONLY_PREVIEW) return <>{preview ?? t("inbox.row.noMessages")}</>;
  return (
    <span class="row-attachment">
      <Paperclip size={12} aria-hidden="true" class="icon" />
      {t("inbox.row.attachment")}
    </span>
  );
}

/** One conversation in the list: who, where, who handles it, how urgent, what was said last. */
export function ConversationRow({
  c,
  selected,
  href,
  checked,
  onCheck,
  members,
  labels,
  meId,
}: {
  c: Conversation;
  selected: boolean;
  href: string;
  checked: boolean;
  onCheck: (checked: boolean) => void;
  members: Map<string, Member>;
  labels: Label[];
  meId: string | null;
}) {
  const name = contactName(c);
  const look = CHANNEL_LOOK[c.channel_type];
  const assignee = c.assignee_id ? members.get(c.assignee_id) : undefined;
  const assigneeName =
    c.assignee_id === null
      ? t("inbox.row.unassigned")
      : c.assignee_id === meId
        ? t("inbox.row.you")
        : (assignee?.name ?? t("inbox.row.someone"));
  const unread = c.unread_count > 0 && !selected;
  return (
    <li
      class={`item ${selected ? "selected" : ""} ${unread ? "unread" : ""} ${checked ? "checked" : ""}`}
      data-conversation={c.id}
    >
      <input
        type="checkbox"
        class="row-check"
        checked={checked}
        aria-label={t("inbox.bulk.select", { name })}
        onChange={(e) => onCheck(e.currentTarget.checked)}
      />
      <a href={href} class="row-link" aria-current={selected ? "page" : undefined}>
        <span class="row-avatar">
          <Avatar name={name} size={36} />
          <span class="row-channel" title={look.label}>
            <look.Icon size={11} aria-hidden="true" />
            <span class="sr-only">{look.label}</span>
          </span>
        </span>
        <span class="row-main">
          <span class="row-top">
            <span class="row-name">{name}</span>
            <time
              class="row-time"
              dateTime={c.last_activity_at}
              title={formatDate(c.last_activity_at, { dateStyle: "medium", timeStyle: "short" })}
            >
              {formatRelative(c.last_activity_at)}
            </time>
          </span>
          <span class="row-preview">
            <span class="row-text">
              {c.last_message?.sender_type === "agent" && (
                <span class="muted">{t("inbox.row.youWrote")} </span>
              )}
              <PreviewText preview={c.last_message?.preview} />
            </span>
            {unread && (
              <>
                <Badge tone="solid">{c.unread_count}</Badge>
                <span class="sr-only">{t("inbox.row.unread", { count: c.unread_count })}</span>
              </>
            )}
          </span>
          <span class="row-meta">
            <span class="row-number">{t("inbox.row.number", { number: c.number })}</span>
            <span class={`pill ${STATUS_TONE[c.status]}`}>{statusText(c.status)}</span>
            <SlaBadge c={c} />
            <Labels names={c.labels} labels={labels} />
            <span class="row-assignee" title={t("inbox.row.assignedTo", { name: assigneeName })}>
              {c.assignee_id && <Avatar name={assignee?.name ?? assigneeName} size={16} />}
              <span>{assigneeName}</span>
            </span>
          </span>
        </span>
      </a>
    </li>
  );
}
