import { Send } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { CHANNEL_TYPES_OF } from "../../../worker/domain/message-templates/kinds";
import { request } from "../../shared/api";
import { Button, Dialog, Field, Select, t, useResource, useSubmit } from "../../shared/ui";
import type { Template } from "./message-template-editor";

type Preview = components["schemas"]["MessageTemplatePreview"];
type Contact = components["schemas"]["ContactListItem"];
type Channel = components["schemas"]["Channel"];

const contactLabel = (c: Contact) => [c.name, c.email ?? c.phone].filter(Boolean).join(" · ");

/** The email's HTML part in a sandbox: no scripts, no same-origin access, whatever it holds. */
const HtmlPart = ({ html }: { html: string }) => (
  <iframe
    class="template-html"
    title={t("message-templates.htmlPart")}
    sandbox=""
    srcdoc={html}
    data-testid="template-html"
  />
);

function Parts({ preview }: { preview: Preview }) {
  return (
    <dl class="template-parts" data-testid="template-preview">
      {preview.subject !== null && (
        <>
          <dt>{t("message-templates.subject")}</dt>
          <dd data-testid="preview-subject">{preview.subject}</dd>
        </>
      )}
      {preview.title !== null && (
        <>
          <dt>{t("message-templates.pushTitle")}</dt>
          <dd>{preview.title}</dd>
        </>
      )}
      <dt>
        {preview.html !== null ? t("message-templates.textPart") : t("message-templates.body")}
      </dt>
      <dd class="snippet-preview" data-testid="preview-body">
        {preview.body}
      </dd>
      {preview.html !== null && (
        <>
          <dt>{t("message-templates.htmlPart")}</dt>
          <dd>
            <HtmlPart html={preview.html} />
          </dd>
        </>
      )}
      {preview.url !== null && (
        <>
          <dt>{t("message-templates.pushUrl")}</dt>
          <dd dir="ltr">{preview.url}</dd>
        </>
      )}
    </dl>
  );
}

/** Sends the template for real to the contact shown, on a channel of its kind. */
function TestSend({ template, contactId }: { template: Template; contactId: string | null }) {
  const channels = useResource<{ data: Channel[] }>("/api/v1/channels").data?.data ?? [];
  const fitting = channels.filter((c) => CHANNEL_TYPES_OF[template.channel_kind].includes(c.type));
  const [channelId, setChannelId] = useState("");
  useEffect(() => setChannelId(fitting[0]?.id ?? ""), [fitting.length]);
  const send = useSubmit(
    () =>
      request(`/api/v1/message-templates/${template.id}/test-send`, {
        method: "POST",
        json: { channel_id: channelId, contact_id: contactId ?? "" },
      }),
    { success: t("message-templates.testSent") },
  );
  if (template.read_only || CHANNEL_TYPES_OF[template.channel_kind].length === 0) return null;
  if (fitting.length === 0) return <p class="muted">{t("message-templates.noChannel")}</p>;
  return (
    <form class="template-test" onSubmit={send.submit}>
      <Field label={t("message-templates.testChannel")} error={send.errors.channel_id}>
        <Select
          name="channel_id"
          value={channelId}
          options={fitting.map((c) => ({ value: c.id, label: c.name }))}
          onChange={(e) => setChannelId(e.currentTarget.value)}
        />
      </Field>
      {send.errors.contact_id && <p class="error">{send.errors.contact_id}</p>}
      <Button
        type="submit"
        variant="primary"
        icon={<Send size={16} />}
        loading={send.busy}
        disabled={!contactId}
      >
        {t("message-templates.sendTest")}
      </Button>
    </form>
  );
}

/** The template filled by the server for a sample contact, and a real test send. */
export function TemplatePreview({
  template,
  onClose,
}: {
  template: Template | null;
  onClose: () => void;
}) {
  const contacts = useResource<{ data: Contact[] }>(template ? "/api/v1/contacts?limit=50" : null)
    .data?.data;
  const [contactId, setContactId] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    setPreview(null);
    setFailed(false);
    if (!template) return;
    request<Preview>(`/api/v1/message-templates/${template.id}/preview`, {
      method: "POST",
      json: contactId ? { contact_id: contactId } : {},
    }).then(setPreview, () => setFailed(true));
  }, [template?.id, contactId]);
  useEffect(() => setContactId(""), [template?.id]);
  if (!template) return null;
  return (
    <Dialog
      open
      onClose={onClose}
      wide
      title={t("message-templates.previewOf", { name: template.name })}
    >
      <div class="form">
        <Field
          label={t("message-templates.sampleContact")}
          hint={t("message-templates.sampleHint")}
        >
          <Select
            name="contact_id"
            value={contactId}
            placeholder={t("message-templates.firstContact")}
            options={(contacts ?? []).map((c) => ({ value: c.id, label: contactLabel(c) }))}
            onChange={(e) => setContactId(e.currentTarget.value)}
          />
        </Field>
        {failed && <p class="error">{t("message-templates.previewFailed")}</p>}
        {preview && <Parts preview={preview} />}
        {preview && preview.missing.length > 0 && (
          <p class="hint">
            {t("message-templates.previewMissing", { names: preview.missing.join(", ") })}
          </p>
        )}
        {preview && <TestSend template={template} contactId={contactId || preview.contact_id} />}
      </div>
    </Dialog>
  );
}
