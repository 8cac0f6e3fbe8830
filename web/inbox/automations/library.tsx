import { LayoutTemplate } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Button,
  currentLanguage,
  Dialog,
  Field,
  FormDialog,
  Select,
  TextArea,
  TextInput,
  t,
  useSubmit,
} from "../../shared/ui";
import { type Automation, loadReferences, type References } from "./api";
import { ChannelChecks } from "./conditions";

type Template = components["schemas"]["AutomationTemplate"];
type Input = Template["inputs"][number];
type Values = Record<string, unknown>;

const CATEGORIES = ["keywords", "routing", "replies", "surveys", "follow_up"] as const;

const samplesOf = (template: Template): Values =>
  Object.fromEntries(
    template.inputs.map((i) => [i.key, i.default ?? (i.kind === "channels" ? [] : "")]),
  );

/** The inputs filled in: an empty one is left out, so the server names it as missing. */
const given = (values: Values) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== "" && v !== undefined));

/** One input of a template, drawn by its kind from the workspace's own teams, labels, fields. */
function InputField({
  input,
  value,
  onChange,
  refs,
  error,
}: {
  input: Input;
  value: unknown;
  onChange: (value: unknown) => void;
  refs: References;
  error: string | undefined;
}) {
  const pick = (options: { value: string; label: string }[]) => (
    <Select
      value={String(value ?? "")}
      placeholder={t("automations.choose")}
      options={options}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
  if (input.kind === "channels")
    return (
      <ChannelChecks
        label={input.label}
        selected={(value as string[]) ?? []}
        refs={refs}
        error={error}
        onChange={onChange}
      />
    );
  const control =
    input.kind === "team" ? (
      pick(refs.teams.map((team) => ({ value: team.id, label: team.name })))
    ) : input.kind === "label" ? (
      pick(refs.labels.map((label) => ({ value: label.name, label: label.name })))
    ) : input.kind === "field" ? (
      pick(refs.fields.map((field) => ({ value: field.key, label: field.label })))
    ) : input.kind === "message" ? (
      <TextArea
        rows={3}
        value={String(value ?? "")}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
    ) : input.kind === "keywords" ? (
      <TextInput
        value={((value as string[]) ?? []).join(", ")}
        onInput={(e) =>
          onChange(
            e.currentTarget.value
              .split(",")
              .map((word) => word.trim())
              .filter(Boolean),
          )
        }
      />
    ) : input.kind === "count" ? (
      <TextInput
        type="number"
        min={input.min}
        max={input.max}
        value={String(value ?? "")}
        onInput={(e) => onChange(Number(e.currentTarget.value))}
      />
    ) : (
      <TextInput value={String(value ?? "")} onInput={(e) => onChange(e.currentTarget.value)} />
    );
  return (
    <Field label={input.label} error={error}>
      {control}
    </Field>
  );
}

/** Asks a template's inputs, installs it as a draft and opens it in the editor. */
function InstallDialog({ template, onClose }: { template: Template; onClose: () => void }) {
  const { route } = useLocation();
  const [values, setValues] = useState<Values>(() => samplesOf(template));
  const [refs, setRefs] = useState<References | null>(null);
  useEffect(() => {
    loadReferences().then(setRefs);
  }, []);
  const form = useSubmit(
    async () => {
      const automation = await request<Automation>(
        `/api/v1/automation-templates/${template.key}/install`,
        { method: "POST", json: { inputs: given(values), lang: currentLanguage() } },
      );
      route(`/automations/${automation.id}`);
    },
    { inline: true },
  );
  const { errors } = form;
  const errorOf = (key: string) =>
    errors[`inputs.${key}`] ??
    Object.entries(errors).find(([path]) => path.startsWith(`inputs.${key}.`))?.[1];
  return (
    <FormDialog
      onClose={onClose}
      title={template.name}
      description={template.description}
      submit={t("automations.library.install")}
      form={form}
    >
      {refs &&
        template.inputs.map((input) => (
          <InputField
            key={input.key}
            input={input}
            value={values[input.key]}
            refs={refs}
            error={errorOf(input.key)}
            onChange={(value) => setValues((v) => ({ ...v, [input.key]: value }))}
          />
        ))}
    </FormDialog>
  );
}

/** The template library: cards by category, each installed through its inputs dialog. */
export function TemplateLibrary({ onClose }: { onClose: () => void }) {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [chosen, setChosen] = useState<Template | null>(null);
  useEffect(() => {
    request<{ data: Template[] }>(
      `/api/v1/automation-templates?lang=${encodeURIComponent(currentLanguage())}`,
    ).then((answer) => setTemplates(answer.data));
  }, []);
  if (chosen) return <InstallDialog template={chosen} onClose={() => setChosen(null)} />;
  return (
    <Dialog open wide onClose={onClose} title={t("automations.library.title")}>
      {CATEGORIES.map((category) => {
        const cards = templates?.filter((x) => x.category === category) ?? [];
        if (cards.length === 0) return null;
        return (
          <section key={category} class="template-category">
            <h3>{t(`automations.library.category.${category}`)}</h3>
            <ul class="template-cards">
              {cards.map((template) => (
                <li key={template.key} class="template-card" data-template={template.key}>
                  <strong dir="auto">{template.name}</strong>
                  <p class="muted small" dir="auto">
                    {template.description}
                  </p>
                  <Button size="sm" onClick={() => setChosen(template)}>
                    {t("automations.library.use")}
                  </Button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </Dialog>
  );
}

export function TemplatesButton({ onOpen }: { onOpen: () => void }) {
  return (
    <Button icon={<LayoutTemplate size={16} />} onClick={onOpen}>
      {t("automations.library.open")}
    </Button>
  );
}
