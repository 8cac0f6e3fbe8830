import { Field, Select, TextInput, t } from "../../shared/ui";
import type { Step } from "./api";
import { VariableText } from "./inputs";
import type { StepFormProps } from "./step-form-kit";

type SendStep = Extract<Step, { type: "send_message" }>;
type Source = "text" | "snippet" | "template";
const sourceOf = (step: SendStep): Source =>
  step.snippet_id !== undefined ? "snippet" : step.template !== undefined ? "template" : "text";

export function SendMessageForm({
  step,
  onChange,
  path,
  errors,
  refs,
  variables,
}: StepFormProps<SendStep>) {
  const err = (name: string) => errors[`${path}.${name}`];
  const source = sourceOf(step);
  const switchTo = (next: Source) => {
    const kept = { id: step.id, type: step.type, channel_id: step.channel_id };
    if (next === "snippet") onChange({ ...kept, snippet_id: "" });
    else if (next === "template") onChange({ ...kept, template: { name: "", language: "en" } });
    else onChange({ ...kept, text: "" });
  };
  const snippet = refs.snippets.find((s) => s.id === step.snippet_id);
  return (
    <>
      <div class="form-row">
        <Field label={t("automations.send.source")}>
          <Select
            value={source}
            options={(["text", "snippet", "template"] as const).map((s) => ({
              value: s,
              label: t(`automations.send.${s}`),
            }))}
            onChange={(e) => switchTo(e.currentTarget.value as Source)}
          />
        </Field>
        <Field label={t("automations.send.channel")} error={err("channel_id")}>
          <Select
            value={step.channel_id ?? ""}
            placeholder={t("automations.send.sameChannel")}
            options={refs.channels.map((c) => ({ value: c.id, label: c.name }))}
            onChange={(e) => onChange({ ...step, channel_id: e.currentTarget.value || undefined })}
          />
        </Field>
      </div>
      {source === "text" && (
        <VariableText
          label={t("automations.send.message")}
          value={step.text ?? ""}
          error={err("text")}
          variables={variables}
          onChange={(text) => onChange({ ...step, text })}
        />
      )}
      {source === "snippet" && (
        <Field
          label={t("automations.send.snippet")}
          error={err("snippet_id") ?? err("text")}
          hint={snippet?.body}
        >
          <Select
            value={step.snippet_id ?? ""}
            placeholder={t("automations.choose")}
            options={refs.snippets.map((s) => ({
              value: s.id,
              label: `/${s.shortcut} · ${s.title}`,
            }))}
            onChange={(e) => onChange({ ...step, snippet_id: e.currentTarget.value })}
          />
        </Field>
      )}
      {source === "template" && step.template && (
        <div class="form-row">
          <Field
            label={t("automations.send.templateName")}
            error={err("template.name") ?? err("text")}
          >
            <TextInput
              value={step.template.name}
              onInput={(e) =>
                onChange({
                  ...step,
                  template: {
                    ...(step.template as { name: string; language: string }),
                    name: e.currentTarget.value,
                  },
                })
              }
            />
          </Field>
          <Field label={t("automations.send.templateLanguage")} error={err("template.language")}>
            <TextInput
              value={step.template.language}
              placeholder="en_US"
              onInput={(e) =>
                onChange({
                  ...step,
                  template: {
                    ...(step.template as { name: string; language: string }),
                    language: e.currentTarget.value,
                  },
                })
              }
            />
          </Field>
        </div>
      )}
    </>
  );
}
