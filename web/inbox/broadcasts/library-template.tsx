import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { CHANNEL_TYPES_OF } from "../../../worker/domain/message-templates/kinds";
import { request } from "../../shared/api";
import { Field, Select, t } from "../../shared/ui";
import type { Contact } from "../contacts/api";
import type { Channel, Message } from "./api";

type Template = components["schemas"]["MessageTemplate"];
type Kind = Template["channel_kind"];
type Preview = components["schemas"]["MessageTemplatePreview"];

/** The template kind a channel sends (WhatsApp's own approved templates are chosen apart). */
export function libraryKindOf(channel: Channel | undefined): Kind | null {
  if (!channel || channel.type === "whatsapp") return null;
  const kinds = Object.entries(CHANNEL_TYPES_OF) as [Kind, string[]][];
  return kinds.find(([, types]) => types.includes(channel.type))?.[0] ?? null;
}

/** The workspace's message templates a channel can send. */
export function useLibraryTemplates(channel: Channel | undefined) {
  const [templates, setTemplates] = useState<Template[]>([]);
  const kind = libraryKindOf(channel);
  useEffect(() => {
    if (!kind) return setTemplates([]);
    request<{ data: Template[] }>(`/api/v1/message-templates?channel_kind=${kind}`).then(
      ({ data }) => setTemplates(data),
      () => setTemplates([]),
    );
  }, [kind]);
  return templates;
}

/** The template filled in for the sample contact by the server. */
export function useLibraryPreview(id: string | undefined, sample: Contact | undefined) {
  const [preview, setPreview] = useState<Preview | null>(null);
  useEffect(() => {
    if (!id || !sample) return setPreview(null);
    let live = true;
    request<Preview>(`/api/v1/message-templates/${id}/preview`, {
      method: "POST",
      json: { contact_id: sample.id },
    }).then(
      (answer) => live && setPreview(answer),
      () => live && setPreview(null),
    );
    return () => {
      live = false;
    };
  }, [id, sample?.id]);
  return preview;
}

export function LibraryTemplateField({
  message,
  templates,
  onChange,
  error,
}: {
  message: Message;
  templates: Template[];
  onChange: (message: Message) => void;
  error: string | undefined;
}) {
  return (
    <Field label={t("broadcasts.message.libraryTemplate")} error={error}>
      <Select
        value={message.message_template_id ?? ""}
        placeholder={
          templates.length
            ? t("broadcasts.message.chooseLibraryTemplate")
            : t("broadcasts.message.noLibraryTemplates")
        }
        onChange={(e) => onChange({ message_template_id: e.currentTarget.value })}
        options={templates.map((x) => ({
          value: x.id,
          label: x.area ? `${x.name} · ${x.area}` : x.name,
        }))}
      />
    </Field>
  );
}
