import { useEffect, useState } from "preact/hooks";
import { request } from "../shared/api";

type Template = {
  name: string;
  language: string;
  status: string;
  body: string;
  variable_count: number;
};

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
      ({ data }) => setTemplates(data.filter((t) => t.status === "APPROVED")),
      () => setTemplates([]),
    );
  }, [channelId]);

  const choose = (key: string) => {
    const template = templates.find((t) => `${t.name}/${t.language}` === key) ?? null;
    setChosen(template);
    setVariables(Array.from({ length: template?.variable_count ?? 0 }, () => ""));
  };

  const preview = chosen?.body.replace(
    /\{\{(\d+)\}\}/g,
    (w, n: string) => variables[Number(n) - 1] || w,
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!chosen) return;
    await onSend({ name: chosen.name, language: chosen.language, variables });
    choose("");
  };

  return (
    <form class="templates" onSubmit={submit}>
      <select
        aria-label="Template"
        value={chosen ? `${chosen.name}/${chosen.language}` : ""}
        onChange={(e) => choose(e.currentTarget.value)}
      >
        <option value="">
          {templates.length
            ? "Choose a template…"
            : "No approved templates (sync them in Channels)"}
        </option>
        {templates.map((t) => (
          <option key={`${t.name}/${t.language}`} value={`${t.name}/${t.language}`}>
            {t.name} ({t.language})
          </option>
        ))}
      </select>
      {variables.map((v, i) => (
        <input
          key={i}
          aria-label={`Variable ${i + 1}`}
          placeholder={`{{${i + 1}}}`}
          value={v}
          onInput={(e) =>
            setVariables(variables.map((x, j) => (j === i ? e.currentTarget.value : x)))
          }
        />
      ))}
      {preview && <p class="preview">{preview}</p>}
      <button type="submit" disabled={!chosen || variables.some((v) => !v.trim())}>
        Send template
      </button>
    </form>
  );
}
