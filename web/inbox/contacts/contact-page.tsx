import { ChevronLeft, Trash2 } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { PhoneLink } from "../../shared/phone";
import {
  Avatar,
  Button,
  confirmAction,
  EmptyState,
  formatDate,
  problemMessage,
  Skeleton,
  SkeletonRows,
  t,
  toast,
} from "../../shared/ui";
import {
  type Contact,
  type ContactField,
  type ContactIdentity,
  type Conversation,
  contactFields,
  conversationsOf,
  deleteContact,
  displayName,
  getContact,
  identitiesOf,
  patchContact,
} from "./api";
import { ConsentList, Identities } from "./consent";
import { ConversationList } from "./contact-conversations";
import { CustomFieldRow, type Save, TextRow } from "./editable-rows";
import { TagEditor } from "./tag-editor";

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
                show={(phone) => <PhoneLink phone={phone} />}
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
