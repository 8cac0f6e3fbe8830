import type { ComponentChildren } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import { request } from "../../shared/api";
import { Field, Select, TextArea, TextInput, t } from "../../shared/ui";
import { useDebounced } from "../../shared/use-debounced";
import { type Contact, displayName } from "../contacts/api";
import { ChannelIcon, channelLabel } from "../contacts/channels";
import { type Channel, type Message, renderFor, type Snippet } from "./api";
import { LibraryTemplateField, useLibraryPreview, useLibraryTemplates } from "./library-template";

type MessageKind = "text" | "snippet" | "library" | "template";
type Template = {
  name: string;
  language: string;
  status: string;
  body: string;
  variable_count: number;
};

const kindOf = (message: Message): MessageKind =>
  message.template
    ? "template"
    : message.snippet_id !== undefined
      ? "snippet"
      : message.message_template_id !== undefined
        ? "library"
        : "text";

/** A message is ready when its one part is filled in. */
export const messageChosen = (message: Message) =>
  Boolean(
    message.text?.trim() ||
      message.snippet_id ||
      message.message_template_id ||
      message.template?.name,
  );

const templateKey = (x: { name: string; language?: string }) => `${x.name}/${x.language ?? ""}`;

function useApprovedTemplates(channel: Channel | undefined) {
  const [templates, setTemplates] = useState<Template[]>([]);
  const id = channel?.type === "whatsapp" ? channel.id : null;
  useEffect(() => {
    if (!id) return setTemplates([]);
    request<{ data: Template[] }>(`/api/v1/channels/${id}/templates`).then(
      ({ data }) => setTemplates(data.filter((x) => x.status === "APPROVED")),
      () => setTemplates([]),
    );
  }, [id]);
  return templates;
}

/** The text as the sample contact would read it, filled in by the server's variable engine. */
function useRendered(text: string, contact: Contact | undefined) {
  const [rendered, setRendered] = useState<{ text: string; missing: string[] } | null>(null);
  const wanted = useDebounced(text, 300);
  useEffect(() => {
    if (!wanted.trim() || !contact) return setRendered(null);
    const abort = new AbortController();
    renderFor(contact.id, wanted, abort.signal).then(setRendered, () => {
      if (!abort.signal.aborted) setRendered(null);
    });
    return () => abort.abort();
  }, [wanted, contact?.id]);
  return rendered;
}

function TemplateFields({
  message,
  templates,
  onChange,
  errors,
  path,
}: {
  message: Message;
  templates: Template[];
  onChange: (message: Message) => void;
  errors: Record<string, string>;
  path: string;
}) {
  const chosen = message.template;
  const count = templates.find(
    (x) => chosen && templateKey(x) === templateKey(chosen),
  )?.variable_count;
  const variables = chosen?.variables ?? [];
  const choose = (key: string) => {
    const template = templates.find((x) => templateKey(x) === key);
    onChange({
      template: {
        name: template?.name ?? "",
        language: template?.language,
        variables: Array.from({ length: template?.variable_count ?? 0 }, () => ""),
      },
    });
  };
  return (
    <>
      <Field label={t("broadcasts.message.template")} error={errors[`${path}.template`]}>
        <Select
          value={chosen?.name ? templateKey(chosen) : ""}
          placeholder={
            templates.length
              ? t("broadcasts.message.chooseTemplate")
              : t("broadcasts.message.noTemplates")
          }
          onChange={(e) => choose(e.currentTarget.value)}
          options={templates.map((x) => ({
            value: templateKey(x),
            label: `${x.name} (${x.language})`,
          }))}
        />
      </Field>
      {chosen &&
        Array.from({ length: count ?? variables.length }, (_, i) => (
          <Field
            key={i}
            label={t("broadcasts.message.templateVariable", { n: i + 1 })}
            error={errors[`${path}.template.variables.${i}`]}
          >
            <TextInput
              value={variables[i] ?? ""}
              onInput={(e) => {
                const next = [...variables];
                next[i] = e.currentTarget.value;
                onChange({ template: { ...chosen, variables: next } });
              }}
            />
          </Field>
        ))}
    </>
  );
}

/** The channel the broadcast goes out on, above its message (or its A/B test's messages). */
export function MessageStep({
  channelId,
  channels,
  onChannel,
  errors,
  children,
}: {
  channelId: string;
  channels: Channel[];
  onChannel: (id: string) => void;
  errors: Record<string, string>;
  children: ComponentChildren;
}) {
  return (
    <div class="stack message-step">
      <Field
        label={t("broadcasts.message.channel")}
        error={errors.channel_id}
        hint={t("broadcasts.message.channelHint")}
        class="channel-field"
      >
        <Select
          value={channelId}
          placeholder={t("broadcasts.message.chooseChannel")}
          onChange={(e) => onChannel(e.currentTarget.value)}
          options={channels.map((c) => ({
            value: c.id,
            label: `${c.name} · ${channelLabel(c.type)}`,
          }))}
        />
      </Field>
      {children}
    </div>
  );
}

/** A WhatsApp template belongs to its channel: another channel starts the message over as text. */
export const messageForChannel = (message: Message): Message =>
  message.template ? { text: "" } : message;

/**
 * One message's editor: its kind, its text (snippet, template…) and its preview as the sample
 * contact reads it. `path` is where the API puts this message's errors.
 */
export function MessageEditor({
  channel,
  message,
  snippets,
  sample,
  onChange,
  errors,
  path = "message",
}: {
  channel: Channel | undefined;
  message: Message;
  snippets: Snippet[];
  sample: Contact | undefined;
  onChange: (message: Message) => void;
  errors: Record<string, string>;
  path?: string;
}) {
  const previewId = useId();
  const templates = useApprovedTemplates(channel);
  const library = useLibraryTemplates(channel);
  const kind = kindOf(message);
  const kinds: MessageKind[] =
    channel?.type === "whatsapp"
      ? ["text", "snippet", "template"]
      : ["text", "snippet", ...(library.length ? ["library" as const] : [])];
  const libraryPreview = useLibraryPreview(
    kind === "library" ? message.message_template_id || undefined : undefined,
    sample,
  );
  const snippet = snippets.find((s) => s.id === message.snippet_id);
  const template = templates.find(
    (x) => message.template && templateKey(x) === templateKey(message.template),
  );
  const rendered = useRendered(
    kind === "snippet" ? (snippet?.body ?? "") : (message.text ?? ""),
    sample,
  );
  const templatePreview = template?.body.replace(
    /\{\{(\d+)\}\}/g,
    (whole, n: string) => message.template?.variables?.[Number(n) - 1] || whole,
  );
  const choose = (next: MessageKind) =>
    onChange(
      next === "snippet"
        ? { snippet_id: "" }
        : next === "library"
          ? { message_template_id: "" }
          : next === "template"
            ? { template: { name: "", variables: [] } }
            : { text: "" },
    );

  return (
    <div class="builder-columns">
      <div class="stack">
        <Field label={t("broadcasts.message.kind")}>
          <Select
            value={kind}
            onChange={(e) => choose(e.currentTarget.value as MessageKind)}
            options={kinds.map((k) => ({ value: k, label: t(`broadcasts.message.kinds.${k}`) }))}
          />
        </Field>
        {kind === "text" && (
          <Field
            label={t("broadcasts.message.text")}
            error={errors[`${path}.text`] ?? errors[path]}
            hint={t("broadcasts.message.textHint")}
          >
            <TextArea
              rows={6}
              value={message.text ?? ""}
              onInput={(e) => onChange({ text: e.currentTarget.value })}
            />
          </Field>
        )}
        {kind === "snippet" && (
          <Field
            label={t("broadcasts.message.snippet")}
            error={errors[`${path}.snippet_id`] ?? errors[path]}
          >
            <Select
              value={message.snippet_id ?? ""}
              placeholder={
                snippets.length
                  ? t("broadcasts.message.chooseSnippet")
                  : t("broadcasts.message.noSnippets")
              }
              onChange={(e) => onChange({ snippet_id: e.currentTarget.value })}
              options={snippets.map((s) => ({ value: s.id, label: `/${s.shortcut} · ${s.title}` }))}
            />
          </Field>
        )}
        {kind === "library" && (
          <LibraryTemplateField
            message={message}
            templates={library}
            onChange={onChange}
            error={errors[`${path}.message_template_id`] ?? errors[path]}
          />
        )}
        {kind === "template" && (
          <TemplateFields
            message={message}
            templates={templates}
            onChange={onChange}
            errors={errors}
            path={path}
          />
        )}
      </div>
      <section class="card stack message-preview" aria-labelledby={previewId}>
        <h2 id={previewId} class="preview-head">
          {channel && <ChannelIcon kind={channel.type} />}
          {t("broadcasts.message.preview")}
        </h2>
        <p class="bubble" data-testid="message-preview">
          {(kind === "template"
            ? templatePreview
            : kind === "library"
              ? libraryPreview?.body
              : rendered?.text) || (
            <span class="muted">{t("broadcasts.message.previewEmpty")}</span>
          )}
        </p>
        <p class="muted small">
          {rendered?.missing.length
            ? t("broadcasts.message.previewMissing", { names: rendered.missing.join(", ") })
            : sample
              ? t("broadcasts.message.previewFor", { name: displayName(sample) })
              : t("broadcasts.message.previewNoSample")}
        </p>
      </section>
    </div>
  );
}
