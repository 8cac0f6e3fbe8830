import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import { Field, FormDialog, Select, TextArea, TextInput, t, useSubmit } from "../../shared/ui";

export type Template = components["schemas"]["MessageTemplate"];
type Create = components["schemas"]["MessageTemplateCreate"];
export type WritableKind = Create["channel_kind"];

export const WRITABLE_KINDS: WritableKind[] = [
  "email",
  "sms",
  "telegram",
  "messenger",
  "instagram",
  "webchat",
  "web_push",
];

export const kindLabel = (kind: Template["channel_kind"]) => t(`message-templates.kind.${kind}`);

type Draft = {
  name: string;
  channel_kind: WritableKind;
  area: string;
  language: string;
  body: string;
  subject: string;
  html: string;
  title: string;
  url: string;
};

const EMPTY: Draft = {
  name: "",
  channel_kind: "email",
  area: "",
  language: "",
  body: "",
  subject: "",
  html: "",
  title: "",
  url: "",
};

const draftOf = (template: Template): Draft => ({
  name: template.name,
  channel_kind: template.channel_kind as WritableKind,
  area: template.area ?? "",
  language: template.language ?? "",
  body: template.body,
  subject: template.subject ?? "",
  html: template.html ?? "",
  title: template.title ?? "",
  url: template.url ?? "",
});

const orNull = (text: string) => (text.trim() ? text : null);

/** Only the parts the kind has: the API refuses an email's subject on an SMS template. */
function payloadOf(draft: Draft, editing: boolean) {
  const email = draft.channel_kind === "email";
  const push = draft.channel_kind === "web_push";
  return {
    name: draft.name,
    ...(editing ? {} : { channel_kind: draft.channel_kind }),
    area: orNull(draft.area),
    language: orNull(draft.language),
    body: draft.body,
    subject: email ? orNull(draft.subject) : null,
    html: email ? orNull(draft.html) : null,
    title: push ? orNull(draft.title) : null,
    url: push ? orNull(draft.url) : null,
  };
}

/** Creates or edits a template, with the fields its channel kind has. */
export function TemplateEditor({
  template,
  onClose,
  onSaved,
}: {
  template: Template | "new" | null;
  onClose: () => void;
  onSaved: (template: Template) => void;
}) {
  const editing = template !== "new" && template !== null ? template : null;
  const [draft, setDraft] = useState<Draft>(EMPTY);
  useEffect(() => setDraft(editing ? draftOf(editing) : EMPTY), [template]);
  const form = useSubmit(
    async () => {
      const saved = await request<Template>(
        editing ? `/api/v1/message-templates/${editing.id}` : "/api/v1/message-templates",
        { method: editing ? "PATCH" : "POST", json: payloadOf(draft, editing !== null) },
      );
      onSaved(saved);
    },
    { success: t("message-templates.saved"), inline: true },
  );
  const { errors } = form;
  const text = (key: keyof Draft) => ({
    name: key,
    value: draft[key],
    onInput: (e: { currentTarget: { value: string } }) =>
      setDraft({ ...draft, [key]: e.currentTarget.value }),
  });
  const kind = draft.channel_kind;
  return (
    <FormDialog
      open={template !== null}
      onClose={onClose}
      wide
      title={editing ? t("message-templates.edit") : t("message-templates.new")}
      form={form}
      formClass="wide-form"
    >
      <div class="form-row">
        <Field label={t("message-templates.name")} error={errors.name}>
          <TextInput {...text("name")} autocomplete="off" />
        </Field>
        <Field
          label={t("message-templates.channelKind")}
          error={errors.channel_kind}
          hint={editing ? t("message-templates.kindFixed") : undefined}
        >
          <Select
            name="channel_kind"
            value={kind}
            disabled={editing !== null}
            options={WRITABLE_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
            onChange={(e) =>
              setDraft({ ...draft, channel_kind: e.currentTarget.value as WritableKind })
            }
          />
        </Field>
      </div>
      <div class="form-row">
        <Field
          label={t("message-templates.area")}
          hint={t("message-templates.areaHint")}
          error={errors.area}
        >
          <TextInput {...text("area")} autocomplete="off" />
        </Field>
        <Field
          label={t("message-templates.language")}
          hint={t("message-templates.languageHint")}
          error={errors.language}
        >
          <TextInput {...text("language")} autocomplete="off" placeholder="en" />
        </Field>
      </div>
      {kind === "email" && (
        <Field label={t("message-templates.subject")} error={errors.subject}>
          <TextInput {...text("subject")} />
        </Field>
      )}
      {kind === "web_push" && (
        <Field label={t("message-templates.pushTitle")} error={errors.title}>
          <TextInput {...text("title")} />
        </Field>
      )}
      <Field
        label={kind === "email" ? t("message-templates.textPart") : t("message-templates.body")}
        hint={t("message-templates.variablesHint")}
        error={errors.body}
      >
        <TextArea {...text("body")} rows={5} />
      </Field>
      {kind === "email" && (
        <Field
          label={t("message-templates.htmlPart")}
          hint={t("message-templates.htmlHint")}
          error={errors.html}
        >
          <TextArea {...text("html")} rows={6} class="textarea code" dir="ltr" />
        </Field>
      )}
      {kind === "web_push" && (
        <Field label={t("message-templates.pushUrl")} error={errors.url}>
          <TextInput {...text("url")} type="url" dir="ltr" placeholder="https://" />
        </Field>
      )}
    </FormDialog>
  );
}
