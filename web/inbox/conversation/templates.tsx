import { useEffect, useState } from "preact/hooks";
import { request } from "../../shared/api";
import { Button, Field, Select, TextInput, t, useSubmit } from "../../shared/ui";

type Template = {
  name: string;
  language: string;
  status: string;
  body: string;
  variable_count: number;
};

const keyOf = (template: Template) => `${template.name}/${template.language}`;

/** Picks an approved WhatsApp template and fills its variables; sends it through `onSend`. */
export function TemplatePicker({
  channelId,
  onSend,
}: {
  channelId: string;
  onSend: (template: { name: string; language: string; variables: string[] }) => Promise<void>;
}) {
  const [templates, setTemplates] = useState<Template[]>([]);
  const [chosen, setChosen] = useState<Template | null>(null);
  const [variables, setVariables] = useState<string[]>([]);

  useEffect(() => {
    request<{ data: Template[] }>(`/api/v1/channels/${channelId}/templates`).then(
      ({ data }) => setTemplates(data.filter((x) => x.status === "APPROVED")),
      () => setTemplates([]),
    );
  }, [channelId]);

  const choose = (key: string) => {
    const template = templates.find((x) => keyOf(x) === key) ?? null;
    setChosen(template);
    setVariables(Array.from({ length: template?.variable_count ?? 0 }, () => ""));
  };

  const preview = chosen?.body.replace(
    /\{\{(\d+)\}\}/g,
    (w, n: string) => variables[Number(n) - 1] || w,
  );
  const { busy, errors, submit } = useSubmit(async () => {
    if (!chosen) return;
    await onSend({ name: chosen.name, language: chosen.language, variables });
    choose("");
  });

  return (
    <form class="templates" onSubmit={submit}>
      <Field label={t("conversation.template")} error={errors.template}>
        <Select
          value={chosen ? keyOf(chosen) : ""}
          onChange={(e) => choose(e.currentTarget.value)}
          placeholder={
            templates.length ? t("conversation.chooseTemplate") : t("conversation.noTemplates")
          }
          options={templates.map((x) => ({ value: keyOf(x), label: `${x.name} (${x.language})` }))}
        />
      </Field>
      {variables.map((v, i) => (
        <Field
          key={i}
          label={t("conversation.templateVariable", { n: i + 1 })}
          error={errors[`template.variables.${i}`]}
        >
          <TextInput
            value={v}
            placeholder={`{{${i + 1}}}`}
            onInput={(e) =>
              setVariables(variables.map((x, j) => (j === i ? e.currentTarget.value : x)))
            }
          />
        </Field>
      ))}
      {preview && <p class="preview">{preview}</p>}
      <Button
        type="submit"
        variant="primary"
        size="sm"
        loading={busy}
        disabled={!chosen || variables.some((v) => !v.trim())}
      >
        {t("conversation.sendTemplate")}
      </Button>
    </form>
  );
}
