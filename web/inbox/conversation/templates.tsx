import { useEffect, useState } from "preact/hooks";
import { request } from "../../shared/api";
import { Button, Field, type FieldErrors, Select, TextInput, t, useSubmit } from "../../shared/ui";

type Template = {
  name: string;
  language: string;
  status: string;
  body: string;
  variable_count: number;
};

/** A template as a message takes it: which one, and its variables filled in. */
export type TemplateChoice = { name: string; language: string; variables: string[] };

const keyOf = (template: Pick<Template, "name" | "language">) =>
  `${template.name}/${template.language}`;

/** The channel's approved WhatsApp templates. */
function useApprovedTemplates(channelId: string) {
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    request<{ data: Template[] }>(`/api/v1/channels/${channelId}/templates`).then(
      ({ data }) => setTemplates(data.filter((x) => x.status === "APPROVED")),
      () => setTemplates([]),
    );
  }, [channelId]);
  return templates;
}

/** Whether every variable of the choice is filled. */
export const isComplete = (choice: TemplateChoice | null) =>
  choice?.variables.every((v) => v.trim()) ?? false;

/**
 * Picks an approved template and fills its variables, with a preview; errors are read under
 * `path` ("template", "fallback_template").
 */
export function TemplateFields({
  channelId,
  value,
  onChange,
  errors,
  path,
  label = t("conversation.template"),
}: {
  channelId: string;
  value: TemplateChoice | null;
  onChange: (choice: TemplateChoice | null) => void;
  errors: FieldErrors;
  path: string;
  label?: string;
}) {
  const templates = useApprovedTemplates(channelId);
  const chosen = value ? templates.find((x) => keyOf(x) === keyOf(value)) : undefined;
  const choose = (key: string) => {
    const template = templates.find((x) => keyOf(x) === key);
    onChange(
      template
        ? {
            name: template.name,
            language: template.language,
            variables: Array.from({ length: template.variable_count }, () => ""),
          }
        : null,
    );
  };
  const variables = value?.variables ?? [];
  const preview = chosen?.body.replace(
    /\{\{(\d+)\}\}/g,
    (w, n: string) => variables[Number(n) - 1] || w,
  );
  return (
    <>
      <Field label={label} error={errors[path] ?? errors[`${path}.name`]}>
        <Select
          value={value ? keyOf(value) : ""}
          onChange={(e) => choose(e.currentTarget.value)}
          placeholder={
            templates.length ? t("conversation.chooseTemplate") : t("conversation.noTemplates")
          }
          options={templates.map((x) => ({ value: keyOf(x), label: `${x.name} (${x.language})` }))}
        />
      </Field>
      {value?.variables.map((v, i) => (
        <Field
          key={i}
          label={t("conversation.templateVariable", { n: i + 1 })}
          error={errors[`${path}.variables.${i}`]}
        >
          <TextInput
            value={v}
            placeholder={`{{${i + 1}}}`}
            onInput={(e) =>
              onChange({
                ...value,
                variables: value.variables.map((x, j) => (j === i ? e.currentTarget.value : x)),
              })
            }
          />
        </Field>
      ))}
      {preview && <p class="preview">{preview}</p>}
    </>
  );
}

/** Picks an approved WhatsApp template and fills its variables; sends it through `onSend`. */
export function TemplatePicker({
  channelId,
  onSend,
}: {
  channelId: string;
  onSend: (template: TemplateChoice) => Promise<void>;
}) {
  const [choice, setChoice] = useState<TemplateChoice | null>(null);
  const { busy, errors, submit } = useSubmit(async () => {
    if (!choice) return;
    await onSend(choice);
    setChoice(null);
  });
  return (
    <form class="templates" onSubmit={submit}>
      <TemplateFields
        channelId={channelId}
        value={choice}
        onChange={setChoice}
        errors={errors}
        path="template"
      />
      <Button
        type="submit"
        variant="primary"
        size="sm"
        loading={busy}
        disabled={!isComplete(choice)}
      >
        {t("conversation.sendTemplate")}
      </Button>
    </form>
  );
}
