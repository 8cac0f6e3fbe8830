import { formatPhone } from "../../shared/phone";
import {
  Avatar,
  Badge,
  formatDate,
  formatRelative,
  SelectBox,
  type Selection,
  t,
} from "../../shared/ui";
import { type ContactListItem, displayName } from "./api";
import { ChannelBadge } from "./channels";

function ContactSelectBox({
  contact,
  selection,
}: {
  contact: ContactListItem;
  selection: Selection;
}) {
  return (
    <SelectBox
      id={contact.id}
      class="contact-check"
      label={t("contacts.list.select", { name: displayName(contact) })}
      selection={selection}
    />
  );
}

function Tags({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  const shown = tags.slice(0, 3);
  return (
    <span class="tag-list">
      {shown.map((tag) => (
        <Badge key={tag}>{tag}</Badge>
      ))}
      {tags.length > shown.length && (
        <Badge title={tags.slice(3).join(", ")}>+{tags.length - shown.length}</Badge>
      )}
    </span>
  );
}

function Channels({ kinds }: { kinds: string[] }) {
  return (
    <span class="channel-list">
      {kinds.map((kind) => (
        <ChannelBadge key={kind} kind={kind} />
      ))}
    </span>
  );
}

export function ContactTable({
  rows,
  selection,
}: {
  rows: ContactListItem[];
  selection: Selection;
}) {
  return (
    <div class="table-wrap contacts-table">
      <table class="table" aria-label={t("app.contacts")}>
        <thead>
          <tr>
            <th scope="col">
              <span class="sr-only">{t("contacts.list.selectColumn")}</span>
            </th>
            <th scope="col">{t("contacts.column.name")}</th>
            <th scope="col">{t("contacts.column.phone")}</th>
            <th scope="col">{t("contacts.column.email")}</th>
            <th scope="col">{t("contacts.column.tags")}</th>
            <th scope="col">{t("contacts.column.channels")}</th>
            <th scope="col">{t("contacts.column.lastActivity")}</th>
            <th scope="col">{t("contacts.column.created")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id} class={selection.has(c.id) ? "selected" : undefined}>
              <td class="check-cell">
                <ContactSelectBox contact={c} selection={selection} />
              </td>
              <td>
                <a class="contact-name" href={`/contacts/${c.id}`}>
                  <Avatar name={displayName(c)} size={28} />
                  <span>{displayName(c)}</span>
                </a>
              </td>
              <td class="nowrap" dir="ltr">
                {c.phone ? formatPhone(c.phone) : <span class="muted">—</span>}
              </td>
              <td class="ellipsis">{c.email ?? <span class="muted">—</span>}</td>
              <td>
                <Tags tags={c.tags} />
              </td>
              <td>
                <Channels kinds={c.channel_types} />
              </td>
              <td class="nowrap muted" title={formatDate(c.last_activity_at)}>
                {formatRelative(c.last_activity_at)}
              </td>
              <td class="nowrap muted">{formatDate(c.created_at, { dateStyle: "medium" })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The same rows as cards, for phones. */
export function ContactCards({
  rows,
  selection,
}: {
  rows: ContactListItem[];
  selection: Selection;
}) {
  return (
    <ul class="contact-cards" aria-label={t("app.contacts")}>
      {rows.map((c) => (
        <li key={c.id} class={selection.has(c.id) ? "selected" : undefined}>
          <ContactSelectBox contact={c} selection={selection} />
          <a href={`/contacts/${c.id}`} class="contact-card">
            <Avatar name={displayName(c)} size={36} />
            <span class="contact-card-body">
              <span class="contact-card-top">
                <strong>{displayName(c)}</strong>
                <span class="muted">{formatRelative(c.last_activity_at)}</span>
              </span>
              <span class="muted ellipsis">
                {[c.phone && formatPhone(c.phone), c.email].filter(Boolean).join(" · ") || "—"}
              </span>
              <span class="contact-card-meta">
                <Channels kinds={c.channel_types} />
                <Tags tags={c.tags} />
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
