import { ChevronLeft, MessageSquareText, Pencil, Plus, Trash2, X } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import {
  Avatar,
  Badge,
  Button,
  confirmAction,
  EmptyState,
  Field,
  formatDate,
  formatRelative,
  IconButton,
  problemMessage,
  Select,
  Skeleton,
  SkeletonRows,
  Switch,
  type Tone,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import {
  addTag,
  type ConsentChannel,
  type Contact,
  type ContactField,
  type ContactIdentity,
  type Conversation,
  contactFields,
  contactTags,
  conversationsOf,
  deleteContact,
  displayName,
  type FieldValue,
  getContact,
  identitiesOf,
  identityError,
  patchContact,
  removeTag,
} from "./api";
import { ChannelIcon, channelLabel } from "./channels";
import { FieldInput } from "./field-input";

type Save = (patch: Record<string, unknown>) => Promise<void>;

export default function ContactPage({ id }: { id: string }) {
  const { route } = useLocation();
  const [contact, setContact] = useState<Contact | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [fields, setFields] = useState<ContactField[]>([]);
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [identities, setIdentities] = useState<ContactIdentity[]>([]);

  useEffect(() => {
    setContact(null);
    setMissing(null);
    getContact(id).then(setContact, (e) => setMissing(problemMessage(e)));
    contactFields().then(setFields, () => setFields([]));
    conversationsOf(id).then(
      (page) => setConversations(page.data),
      () => setConversations([]),
    );
    identitiesOf(id).then(setIdentities, () => setIdentities([]));
  }, [id]);

  if (missing)
    return (
      <main class="page" id="main">
        <BackLink />
        <EmptyState title={t("contacts.page.notFound")}>{missing}</EmptyState>
      </main>
    );
  if (!contact)
    return (
      <main class="page contact-detail" id="main" aria-busy="true">
        <BackLink />
        <div class="card contact-header">
          <Skeleton width={56} height={56} />
          <div style={{ flex: 1, display: "grid", gap: 8 }}>
            <Skeleton width="30%" height={20} />
            <Skeleton width="50%" />
          </div>
        </div>
        <SkeletonRows rows={4} />
      </main>
    );

  const save: Save = async (patch) => setContact(await patchContact(contact.id, patch));

  const remove = async () => {
    const ok = await confirmAction({
      title: t("contacts.page.deleteTitle", { name: displayName(contact) }),
      body: t("contacts.page.deleteBody"),
      confirm: t("common.delete"),
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteContact(contact.id);
      toast.success(t("contacts.page.deleted"));
      route("/contacts");
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };

  return (
    <main class="page contact-detail" id="main">
      <BackLink />
      <header class="card contact-header">
        <Avatar name={displayName(contact)} size={56} />
        <div class="contact-identity">
          <h1>{displayName(contact)}</h1>
          <p class="muted">
            {t("contacts.page.since", {
              date: formatDate(contact.created_at, { dateStyle: "medium" }),
            })}
          </p>
        </div>
        <Button variant="danger" icon={<Trash2 size={16} />} onClick={remove}>
          {t("common.delete")}
        </Button>
      </header>

      <div class="contact-grid">
        <div class="contact-column">
          <Section title={t("contacts.page.details")}>
            <dl class="kv">
              <TextRow
                label={t("contacts.column.name")}
                path="name"
                value={contact.name}
                save={save}
              />
              <TextRow
                label={t("contacts.column.phone")}
                path="phone"
                type="tel"
                value={contact.phone}
                save={save}
              />
              <TextRow
                label={t("contacts.column.email")}
                path="email"
                type="email"
                value={contact.email}
                save={save}
              />
              {fields.map((field) => (
                <CustomFieldRow
                  key={field.key}
                  field={field}
                  value={contact.custom_fields[field.key] ?? null}
                  save={save}
                />
              ))}
            </dl>
            {fields.length === 0 && <p class="muted small">{t("contacts.page.noFields")}</p>}
          </Section>
          <Section title={t("contacts.page.tags")}>
            <TagEditor contact={contact} onChange={setContact} />
          </Section>
          <Section title={t("contacts.page.consent")}>
            <ConsentList contact={contact} conversations={conversations ?? []} save={save} />
          </Section>
          <Section title={t("contacts.page.identities")}>
            <Identities contact={contact} identities={identities} />
          </Section>
        </div>
        <div class="contact-column wide">
          <Section title={t("contacts.page.conversations")}>
            <ConversationList conversations={conversations} />
          </Section>
        </div>
      </div>
    </main>
  );
}

function BackLink() {
  return (
    <a class="back-link" href="/contacts">
      <ChevronLeft size={16} class="icon flip-rtl" aria-hidden="true" />
      {t("app.contacts")}
    </a>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  const id = useId();
  return (
    <section class="card contact-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** A value shown as text, edited in place: Enter saves, Esc cancels, errors sit under it. */
function EditableRow<V>({
  label,
  path,
  value,
  display,
  editor,
  toPatch,
  save,
}: {
  label: string;
  path: string;
  value: V;
  display: ComponentChildren;
  editor: (draft: V, setDraft: (v: V) => void) => preact.VNode;
  toPatch: (draft: V) => Record<string, unknown>;
  save: Save;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const { busy, errors, submit, setErrors } = useSubmit(async () => {
    await save(toPatch(draft));
    setEditing(false);
  });
  const cancel = () => {
    setErrors({});
    setEditing(false);
  };
  if (!editing)
    return (
      <div class="kv-row">
        <dt>{label}</dt>
        <dd>
          <span class="kv-value">{display}</span>
          <IconButton
            size="sm"
            label={t("contacts.page.edit", { field: label })}
            icon={<Pencil size={14} />}
            onClick={() => {
              setDraft(value);
              setEditing(true);
            }}
          />
        </dd>
      </div>
    );
  return (
    <form
      class="kv-row editing"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          cancel();
        }
      }}
      noValidate
    >
      <Field label={label} error={identityError(errors[path])}>
        {editor(draft, setDraft)}
      </Field>
      <div class="kv-actions">
        <Button size="sm" variant="primary" type="submit" loading={busy}>
          {t("common.save")}
        </Button>
        <Button size="sm" onClick={cancel}>
          {t("common.cancel")}
        </Button>
      </div>
    </form>
  );
}

const empty = <span class="muted">—</span>;

function TextRow({
  label,
  path,
  value,
  type = "text",
  save,
}: {
  label: string;
  path: "name" | "phone" | "email";
  value: string | null;
  type?: "text" | "tel" | "email";
  save: Save;
}) {
  return (
    <EditableRow
      label={label}
      path={path}
      value={value ?? ""}
      display={value ?? empty}
      editor={(draft, setDraft) => (
        <input
          class="input"
          type={type as "text"}
          name={path}
          value={draft}
          // biome-ignore lint/a11y/noAutofocus: the agent just asked to edit this value
          autoFocus
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
      )}
      toPatch={(draft) => ({ [path]: draft.trim() ? draft.trim() : null })}
      save={save}
    />
  );
}

function fieldDisplay(field: ContactField, value: FieldValue | null) {
  if (value === null) return empty;
  if (field.type === "date" && typeof value === "string")
    return formatDate(`${value}T12:00:00Z`, { dateStyle: "medium", timeZone: "UTC" });
  if (field.type === "number" && typeof value === "number") return value.toLocaleString();
  return String(value);
}

function CustomFieldRow({
  field,
  value,
  save,
}: {
  field: ContactField;
  value: FieldValue | null;
  save: Save;
}) {
  const path = `custom_fields.${field.key}`;
  const patch = (v: FieldValue | null) => ({ custom_fields: { [field.key]: v } });
  const { errors, run } = useSubmit(save);
  if (field.type === "boolean")
    return (
      <div class="kv-row">
        <dt>{field.label}</dt>
        <dd>
          <Switch
            checked={value === true}
            label={
              <>
                <span class="sr-only">{field.label}: </span>
                {value === true ? t("common.yes") : t("common.no")}
              </>
            }
            onChange={(checked) => run(patch(checked))}
          />
          {errors[path] && <span class="field-error">{errors[path]}</span>}
        </dd>
      </div>
    );
  return (
    <EditableRow
      label={field.label}
      path={path}
      value={value}
      display={fieldDisplay(field, value)}
      editor={(draft, setDraft) => (
        <FieldInput field={field} value={draft} onChange={(v) => setDraft(v)} />
      )}
      toPatch={patch}
      save={save}
    />
  );
}

function TagEditor({ contact, onChange }: { contact: Contact; onChange: (c: Contact) => void }) {
  const [draft, setDraft] = useState("");
  const [known, setKnown] = useState<string[]>([]);
  const listId = useId();
  useEffect(() => {
    contactTags().then(setKnown, () => setKnown([]));
  }, []);
  const { busy, errors, submit, run } = useSubmit(async (tag?: string) => {
    if (tag) {
      onChange(await removeTag(contact.id, tag));
      return;
    }
    if (!draft.trim()) return;
    onChange(await addTag(contact.id, draft.trim()));
    setDraft("");
  });
  const suggestions = known.filter((tag) => !contact.tags.includes(tag));
  return (
    <>
      {contact.tags.length === 0 ? (
        <p class="muted small">{t("contacts.page.noTags")}</p>
      ) : (
        <ul class="tag-editor-list" aria-label={t("contacts.page.tags")}>
          {contact.tags.map((tag) => (
            <li key={tag}>
              <Badge tone="primary">
                {tag}
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={t("contacts.page.removeTag", { tag })}
                  onClick={() => run(tag)}
                >
                  <X size={12} aria-hidden="true" />
                </button>
              </Badge>
            </li>
          ))}
        </ul>
      )}
      <form class="tag-add" onSubmit={submit}>
        <Field label={t("contacts.page.addTag")} error={errors["tags.0"]}>
          <input
            class="input"
            list={listId}
            value={draft}
            autocomplete="off"
            placeholder={t("contacts.page.addTagPlaceholder")}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </Field>
        <datalist id={listId}>
          {suggestions.map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
        <Button type="submit" icon={<Plus size={16} />} loading={busy}>
          {t("common.add")}
        </Button>
      </form>
    </>
  );
}

const CONSENT_OF_CHANNEL: Record<string, ConsentChannel> = {
  twilio_sms: "sms",
};

/** The channels consent matters on for this contact: recorded, talked on, or reachable. */
function consentChannels(contact: Contact, conversations: Conversation[]): ConsentChannel[] {
  const channels = new Set<ConsentChannel>(Object.keys(contact.consent) as ConsentChannel[]);
  for (const c of conversations)
    channels.add(CONSENT_OF_CHANNEL[c.channel_type] ?? (c.channel_type as ConsentChannel));
  if (contact.phone) {
    channels.add("whatsapp");
    channels.add("sms");
  }
  if (contact.email) channels.add("email");
  return [...channels].sort();
}

function sourceLabel(source: string) {
  switch (source) {
    case "agent":
      return t("contacts.consent.source.agent");
    case "api":
      return t("contacts.consent.source.api");
    case "keyword":
      return t("contacts.consent.source.keyword");
    default:
      return source;
  }
}

function ConsentList({
  contact,
  conversations,
  save,
}: {
  contact: Contact;
  conversations: Conversation[];
  save: Save;
}) {
  const channels = consentChannels(contact, conversations);
  const { run } = useSubmit(save, { success: t("contacts.consent.saved") });
  if (channels.length === 0) return <p class="muted small">{t("contacts.consent.none")}</p>;
  return (
    <ul class="consent-list">
      {channels.map((channel) => {
        const record = contact.consent[channel];
        const tone: Tone = !record
          ? "neutral"
          : record.status === "opted_in"
            ? "success"
            : "danger";
        return (
          <li key={channel}>
            <span class="consent-channel">
              <ChannelIcon kind={channel} />
              <strong>{channelLabel(channel)}</strong>
            </span>
            <span class="consent-state">
              <Badge tone={tone} dot>
                {record
                  ? record.status === "opted_in"
                    ? t("contacts.consent.optedIn")
                    : t("contacts.consent.optedOut")
                  : t("contacts.consent.unknown")}
              </Badge>
              {record && (
                <span class="muted small" title={formatDate(record.at)}>
                  {t("contacts.consent.by", {
                    source: sourceLabel(record.source),
                    when: formatRelative(record.at),
                  })}
                </span>
              )}
            </span>
            <Select
              aria-label={t("contacts.consent.change", { channel: channelLabel(channel) })}
              value={record?.status ?? ""}
              placeholder={record ? undefined : t("contacts.consent.unknown")}
              options={[
                { value: "opted_in", label: t("contacts.consent.optIn") },
                { value: "opted_out", label: t("contacts.consent.optOut") },
              ]}
              onChange={(e) => {
                const status = e.currentTarget.value;
                if (status) run({ consent: { [channel]: status } });
              }}
            />
          </li>
        );
      })}
    </ul>
  );
}

function Identities({ contact, identities }: { contact: Contact; identities: ContactIdentity[] }) {
  const rows = [
    ...(contact.phone
      ? [{ kind: "sms", label: t("contacts.column.phone"), value: contact.phone }]
      : []),
    ...(contact.email
      ? [{ kind: "email", label: t("contacts.column.email"), value: contact.email }]
      : []),
    ...identities.map((i) => ({
      kind: i.channel_type,
      label: i.channel_name ?? channelLabel(i.channel_type),
      value: i.value,
    })),
  ];
  if (rows.length === 0) return <p class="muted small">{t("contacts.page.noIdentities")}</p>;
  return (
    <ul class="identity-list">
      {rows.map((row) => (
        <li key={`${row.kind}:${row.value}`}>
          <ChannelIcon kind={row.kind} />
          <span class="muted">{row.label}</span>
          <span class="mono ellipsis">{row.value}</span>
        </li>
      ))}
    </ul>
  );
}

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

function ConversationList({ conversations }: { conversations: Conversation[] | null }) {
  if (conversations === null) return <SkeletonRows rows={3} />;
  if (conversations.length === 0)
    return (
      <EmptyState icon={<MessageSquareText size={22} />} title={t("contacts.page.noConversations")}>
        {t("contacts.page.noConversationsHint")}
      </EmptyState>
    );
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
