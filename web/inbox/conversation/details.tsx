import { X } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { ContactResource as ContactDto } from "../../../worker/schemas/contacts";
import { type Conversation, request } from "../../shared/api";
import {
  Button,
  Field,
  formatDate,
  formatRelative,
  IconButton,
  problemMessage,
  SkeletonRows,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { ChannelIcon } from "./channel-icon";
import type { Label } from "./directory";
import { StatusBadge } from "./header";
import { LabelChip } from "./labels";
import { ScheduledList } from "./schedule";

type Editable = { name: string; phone: string; email: string };

const editable = (c: ContactDto): Editable => ({
  name: c.name ?? "",
  phone: c.phone ?? "",
  email: c.email ?? "",
});

function ContactForm({
  contact,
  onSaved,
}: {
  contact: ContactDto;
  onSaved: (contact: ContactDto) => void;
}) {
  const [form, setForm] = useState<Editable>(editable(contact));
  useEffect(() => setForm(editable(contact)), [contact.id, contact.updated_at]);
  const blankToNull = (v: string) => (v.trim() ? v.trim() : null);
  const { busy, errors, submit } = useSubmit(
    async () =>
      onSaved(
        await request<ContactDto>(`/api/v1/contacts/${contact.id}`, {
          method: "PATCH",
          json: {
            name: blankToNull(form.name),
            phone: blankToNull(form.phone),
            email: blankToNull(form.email),
          },
        }),
      ),
    { success: t("common.saved") },
  );
  const update = (key: keyof Editable) => (e: { currentTarget: HTMLInputElement }) =>
    setForm({ ...form, [key]: e.currentTarget.value });
  const changed = JSON.stringify(form) !== JSON.stringify(editable(contact));
  return (
    <form class="form contact-form" onSubmit={submit}>
      <Field label={t("conversation.contact.name")} error={errors.name}>
        <TextInput value={form.name} onInput={update("name")} />
      </Field>
      <Field label={t("conversation.contact.phone")} error={errors.phone}>
        <TextInput type="tel" dir="auto" value={form.phone} onInput={update("phone")} />
      </Field>
      <Field label={t("conversation.contact.email")} error={errors.email}>
        <TextInput type="email" dir="auto" value={form.email} onInput={update("email")} />
      </Field>
      {changed && (
        <Button type="submit" size="sm" variant="primary" loading={busy}>
          {t("common.save")}
        </Button>
      )}
    </form>
  );
}

function Tags({ contact, onChange }: { contact: ContactDto; onChange: (c: ContactDto) => void }) {
  const [tag, setTag] = useState("");
  const run = async (work: Promise<ContactDto>) => {
    try {
      onChange(await work);
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  const add = (event: Event) => {
    event.preventDefault();
    if (!tag.trim()) return;
    run(
      request<ContactDto>(`/api/v1/contacts/${contact.id}/tags`, {
        method: "POST",
        json: { tags: [tag.trim()] },
      }),
    );
    setTag("");
  };
  const remove = (name: string) =>
    run(
      request<ContactDto>(`/api/v1/contacts/${contact.id}/tags/${encodeURIComponent(name)}`, {
        method: "DELETE",
      }),
    );
  return (
    <>
      <ul class="chips">
        {contact.tags.map((name) => (
          <li key={name} class="chip">
            {name}
            <button
              type="button"
              onClick={() => remove(name)}
              aria-label={t("conversation.removeTag", { tag: name })}
            >
              <X size={12} aria-hidden="true" />
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add}>
        <TextInput
          value={tag}
          aria-label={t("conversation.addTag")}
          placeholder={t("conversation.addTag")}
          onInput={(e) => setTag(e.currentTarget.value)}
        />
      </form>
    </>
  );
}

function Consent({ contact }: { contact: ContactDto }) {
  const entries = Object.entries(contact.consent);
  if (entries.length === 0) return <p class="muted">{t("conversation.noConsent")}</p>;
  return (
    <dl class="facts">
      {entries.map(([channel, record]) => (
        <div key={channel}>
          <dt>{channel}</dt>
          <dd>
            {record?.status === "opted_out"
              ? t("conversation.optedOut")
              : t("conversation.optedIn")}
            {record && (
              <span class="muted"> · {formatDate(record.at, { dateStyle: "medium" })}</span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function CustomFields({ contact }: { contact: ContactDto }) {
  const entries = Object.entries(contact.custom_fields);
  if (entries.length === 0) return null;
  return (
    <dl class="facts">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function OtherConversations({ contactId, current }: { contactId: string; current: string }) {
  const [items, setItems] = useState<Conversation[] | null>(null);
  useEffect(() => {
    request<{ data: Conversation[] }>(
      `/api/v1/conversations?contact_id=${encodeURIComponent(contactId)}&limit=10`,
    ).then(
      ({ data }) => setItems(data.filter((c) => c.id !== current)),
      () => setItems([]),
    );
  }, [contactId, current]);
  if (items === null) return <SkeletonRows rows={2} />;
  if (items.length === 0) return <p class="muted">{t("conversation.noOtherConversations")}</p>;
  return (
    <ul class="other-conversations">
      {items.map((c) => (
        <li key={c.id}>
          <a href={`/c/${c.id}`}>
            <ChannelIcon type={c.channel_type} size={14} />
            <span class="preview">{c.last_message?.preview ?? "—"}</span>
            <StatusBadge status={c.status} />
            <time dateTime={c.last_activity_at}>{formatRelative(c.last_activity_at)}</time>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** The customer beside the thread: their details, tags, consent, labels and other conversations. */
export function DetailsPanel({
  conversation,
  labels,
  scheduledVersion,
  onClose,
  onContactChange,
}: {
  conversation: Conversation;
  labels: Label[];
  /** changes when a message was scheduled, so the list is read again */
  scheduledVersion: number;
  onClose: () => void;
  onContactChange: (contact: ContactDto) => void;
}) {
  const id = conversation.contact.id;
  const [contact, setContact] = useState<ContactDto | null>(null);
  useEffect(() => {
    request<ContactDto>(`/api/v1/contacts/${id}`).then(setContact, (error) =>
      toast.error(problemMessage(error)),
    );
  }, [id]);
  const changed = (next: ContactDto) => {
    setContact(next);
    onContactChange(next);
  };
  return (
    <aside class="details" aria-label={t("conversation.details")}>
      <div class="details-head">
        <h2>{t("conversation.details")}</h2>
        <IconButton
          label={t("conversation.hideDetails")}
          icon={<X size={18} />}
          onClick={onClose}
        />
      </div>
      {!contact ? (
        <SkeletonRows rows={4} />
      ) : (
        <>
          <section>
            <h3>{t("conversation.contactSection")}</h3>
            <ContactForm contact={contact} onSaved={changed} />
            <CustomFields contact={contact} />
          </section>
          <section>
            <h3>{t("conversation.tags")}</h3>
            <Tags contact={contact} onChange={changed} />
          </section>
          {conversation.labels.length > 0 && (
            <section>
              <h3>{t("conversation.labels")}</h3>
              <ul class="chips">
                {conversation.labels.map((name) => (
                  <li key={name}>
                    <LabelChip name={name} labels={labels} />
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section>
            <h3>{t("conversation.consent")}</h3>
            <Consent contact={contact} />
          </section>
          <section>
            <h3>{t("conversation.schedule.pending")}</h3>
            <ScheduledList contactId={id} version={scheduledVersion} />
          </section>
          <section>
            <h3>{t("conversation.otherConversations")}</h3>
            <OtherConversations contactId={id} current={conversation.id} />
          </section>
        </>
      )}
    </aside>
  );
}
