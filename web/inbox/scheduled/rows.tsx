import { MoreHorizontal, Paperclip, Repeat, Workflow } from "lucide-preact";
import { Badge, formatDate, IconButton, Menu, type MenuItem, type Tone, t } from "../../shared/ui";
import { ChannelIcon } from "../contacts/channels";
import type { ScheduledItem } from "./api";
import { type Day, repeatEnd, repeatLabel } from "./days";

const STATUS_TONES: Record<ScheduledItem["status"], Tone> = {
  pending: "primary",
  sending: "primary",
  sent: "success",
  failed: "danger",
  cancelled: "neutral",
};

export type RowActions = {
  cancel: (item: ScheduledItem) => void;
  cancelSequence: (item: ScheduledItem) => void;
};

const contactName = (item: ScheduledItem) => item.contact.name ?? t("scheduled.unnamed");

/** The conversation it went (or goes) into; the contact's page when there is none yet. */
function ContactLink({ item }: { item: ScheduledItem }) {
  const conversation = item.sent_conversation_id ?? item.conversation_id;
  const href = conversation ? `/c/${conversation}` : `/contacts/${item.contact.id}`;
  return (
    <a class="agenda-contact" href={href}>
      {contactName(item)}
    </a>
  );
}

function Preview({ item }: { item: ScheduledItem }) {
  const text =
    item.message.text ??
    (item.message.template
      ? t("scheduled.template", { name: item.message.template.name })
      : t("scheduled.snippet"));
  return (
    <span class="agenda-preview">
      {item.attachment && (
        <Paperclip size={14} class="icon" aria-label={t("scheduled.attachment")} />
      )}
      <bdi>{text}</bdi>
    </span>
  );
}

/** "Every 2 weeks" or "Step 2 of 3", when either applies. */
function KindBadges({ item }: { item: ScheduledItem }) {
  return (
    <>
      {item.repeat && (
        <Badge title={repeatEnd(item.repeat)}>
          <Repeat size={12} class="icon" aria-hidden="true" />
          {repeatLabel(item.repeat)}
        </Badge>
      )}
      {item.sequence_id && item.step !== null && (
        <Badge>
          <Workflow size={12} class="icon" aria-hidden="true" />
          {t("scheduled.step", { step: item.step + 1, total: item.sequence_steps ?? 1 })}
        </Badge>
      )}
    </>
  );
}

function Status({ item }: { item: ScheduledItem }) {
  const reason = item.reason && item.reason !== "cancelled" ? item.reason : null;
  return (
    <span class="agenda-status">
      <Badge tone={STATUS_TONES[item.status]}>{t(`scheduled.status.${item.status}`)}</Badge>
      {reason && (
        <span class={`agenda-reason ${item.status}`}>
          {reason === "replied" ? t("scheduled.replied") : reason}
        </span>
      )}
    </span>
  );
}

/** Cancel this one, or (in a sequence) every step still waiting; only while pending. */
function Actions({ item, actions }: { item: ScheduledItem; actions: RowActions }) {
  if (item.status !== "pending") return null;
  const items: MenuItem[] = [
    { label: t("scheduled.cancel"), danger: true, onSelect: () => actions.cancel(item) },
  ];
  if (item.sequence_id)
    items.push({
      label: t("scheduled.cancelSequence"),
      danger: true,
      onSelect: () => actions.cancelSequence(item),
    });
  return (
    <Menu
      align="end"
      items={items}
      trigger={(props) => (
        <IconButton
          size="sm"
          label={t("scheduled.actions", { contact: contactName(item) })}
          icon={<MoreHorizontal size={16} />}
          {...props}
        />
      )}
    />
  );
}

const time = (item: ScheduledItem) => (
  <time dateTime={item.send_at}>{formatDate(item.send_at, { timeStyle: "short" })}</time>
);

/** Laptops: one table, a row group per day under its heading. */
export function AgendaTable({ days, actions }: { days: Day[]; actions: RowActions }) {
  return (
    <div class="table-wrap agenda-table">
      <table class="table" aria-label={t("scheduled.title")}>
        <thead>
          <tr>
            <th scope="col">{t("scheduled.column.time")}</th>
            <th scope="col">{t("scheduled.column.contact")}</th>
            <th scope="col">{t("scheduled.column.channel")}</th>
            <th scope="col">{t("scheduled.column.message")}</th>
            <th scope="col">{t("scheduled.column.status")}</th>
            <th scope="col">
              <span class="sr-only">{t("scheduled.column.actions")}</span>
            </th>
          </tr>
        </thead>
        {days.map((day) => (
          <tbody key={day.key}>
            <tr class="agenda-day">
              <th scope="rowgroup" colSpan={6}>
                {day.label}
              </th>
            </tr>
            {day.items.map((item) => (
              <tr key={item.id} data-id={item.id}>
                <td class="nowrap agenda-time">{time(item)}</td>
                <td class="nowrap">
                  <ContactLink item={item} />
                </td>
                <td class="nowrap">
                  <span class="agenda-channel">
                    <ChannelIcon kind={item.channel.kind} />
                    {item.channel.name}
                  </span>
                </td>
                <td class="agenda-message">
                  <Preview item={item} />
                  <span class="agenda-badges">
                    <KindBadges item={item} />
                  </span>
                </td>
                <td>
                  <Status item={item} />
                </td>
                <td class="agenda-actions">
                  <Actions item={item} actions={actions} />
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

/** Phones: a card per message under each day's heading. */
export function AgendaCards({ days, actions }: { days: Day[]; actions: RowActions }) {
  return (
    <div class="agenda-cards">
      {days.map((day) => (
        <section key={day.key} aria-label={day.label}>
          <h2 class="agenda-day-title">{day.label}</h2>
          <ul>
            {day.items.map((item) => (
              <li key={item.id} data-id={item.id}>
                <span class="agenda-card-top">
                  <span class="agenda-time">{time(item)}</span>
                  <ContactLink item={item} />
                  <Actions item={item} actions={actions} />
                </span>
                <Preview item={item} />
                <span class="agenda-card-meta">
                  <span class="agenda-channel">
                    <ChannelIcon kind={item.channel.kind} />
                    {item.channel.name}
                  </span>
                  <KindBadges item={item} />
                  <Status item={item} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
