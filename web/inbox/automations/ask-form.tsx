import { ChipsInput, Field, Select, TextInput, t } from "../../shared/ui";
import type { Step } from "./api";
import { VariableText } from "./inputs";
import { int, type StepFormProps } from "./step-form-kit";

type AskStep = Extract<Step, { type: "ask" }>;

export function AskForm({ step, onChange, path, errors, refs, variables }: StepFormProps<AskStep>) {
  const err = (name: string) => errors[`${path}.${name}`];
  return (
    <>
      <VariableText
        label={t("automations.ask.question")}
        value={step.question}
        error={err("question")}
        variables={variables}
        onChange={(question) => onChange({ ...step, question })}
      />
      <div class="form-row">
        <Field label={t("automations.ask.answerType")}>
          <Select
            value={step.answer_type ?? "text"}
            options={(["text", "number", "email", "phone", "choice"] as const).map((a) => ({
              value: a,
              label: t(`automations.ask.${a}`),
            }))}
            onChange={(e) => onChange({ ...step, answer_type: e.currentTarget.value as "text" })}
          />
        </Field>
        <Field label={t("automations.ask.saveTo")} error={err("save_to_field")}>
          <Select
            value={step.save_to_field ?? ""}
            placeholder={t("automations.ask.dontSave")}
            options={refs.fields.map((f) => ({ value: f.key, label: f.label }))}
            onChange={(e) => onChange({ ...step, save_to_field: e.currentTarget.value })}
          />
        </Field>
      </div>
      {step.answer_type === "choice" && (
        <Field label={t("automations.ask.choices")} error={err("choices")}>
          <ChipsInput
            values={step.choices ?? []}
            onChange={(choices) => onChange({ ...step, choices })}
          />
        </Field>
      )}
      <div class="form-row">
        <Field label={t("automations.ask.retries")} error={err("retries")}>
          <TextInput
            type="number"
            min={0}
            max={5}
            value={step.retries ?? 1}
            onInput={(e) => onChange({ ...step, retries: int(e.currentTarget.value) })}
          />
        </Field>
        <Field label={t("automations.ask.timeout")} error={err("timeout_minutes")}>
          <TextInput
            type="number"
            min={1}
            value={step.timeout_minutes ?? 60}
            onInput={(e) => onChange({ ...step, timeout_minutes: int(e.currentTarget.value) })}
          />
        </Field>
      </div>
    </>
  );
}
