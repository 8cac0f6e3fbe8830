import { Checkbox, ChipsInput, Field, Select, TextArea, TextInput, t } from "../../shared/ui";
import type { Step } from "./api";
import { OnErrorField } from "./inputs";
import type { StepFormProps } from "./step-form-kit";

type AiStep = Extract<Step, { type: "ai" }>;
type Task = NonNullable<AiStep["task"]>;

const TASKS: Task[] = ["classify", "extract", "answer"];
const CONTACT_DETAILS = ["name", "email", "phone"] as const;

/** The step with another task: what only the old task used is left out. */
function withTask(step: AiStep, task: Task): AiStep {
  const { categories: _c, label: _l, fields: _f, send: _s, ...rest } = step;
  if (task === "classify") return { ...rest, task, categories: step.categories ?? [] };
  if (task === "extract") return { ...rest, task, fields: step.fields ?? [] };
  return { ...rest, task };
}

/** What later steps read of the step's output, by task. */
export function aiVariables(step: AiStep): string[] {
  if (!step.save_as) return [];
  const name = `vars.${step.save_as}`;
  if (step.task === "classify") return [`${name}.category`, `${name}.confidence`];
  if (step.task === "extract") return (step.fields ?? []).map((key) => `${name}.${key}`);
  if (step.task === "answer") return [`${name}.answer`, `${name}.found`];
  return [];
}

export function AiForm({ step, onChange, path, errors, refs }: StepFormProps<AiStep>) {
  const err = (name: string) => errors[`${path}.${name}`];
  const task = step.task;
  const fields = step.fields ?? [];
  const toggleField = (key: string, on: boolean) =>
    onChange({ ...step, fields: on ? [...fields, key] : fields.filter((f) => f !== key) });
  const fieldChoices = [
    ...CONTACT_DETAILS.map((key) => ({ key, label: t(`automations.ai.detail.${key}`) })),
    ...refs.fields.map((f) => ({ key: f.key, label: f.label })),
  ];
  return (
    <>
      <Field
        label={t("automations.ai.task")}
        error={err("task")}
        hint={task ? t(`automations.ai.taskHint.${task}`) : undefined}
      >
        <Select
          value={task ?? ""}
          placeholder={t("automations.choose")}
          options={TASKS.map((value) => ({ value, label: t(`automations.ai.task.${value}`) }))}
          onChange={(e) => onChange(withTask(step, e.currentTarget.value as Task))}
        />
      </Field>
      {task === "classify" && (
        <>
          <Field
            label={t("automations.ai.categories")}
            error={err("categories")}
            hint={t("automations.ai.categoriesHint")}
          >
            <ChipsInput
              values={step.categories ?? []}
              onChange={(categories) => onChange({ ...step, categories })}
            />
          </Field>
          <Checkbox
            checked={step.label ?? false}
            label={t("automations.ai.label")}
            onChange={(label) => onChange({ ...step, label: label || undefined })}
          />
        </>
      )}
      {task === "extract" && (
        <fieldset class="field plain-fieldset">
          <legend class="label">{t("automations.ai.fields")}</legend>
          <div class="ai-fields">
            {fieldChoices.map((f) => (
              <Checkbox
                key={f.key}
                checked={fields.includes(f.key)}
                label={f.label}
                onChange={(on) => toggleField(f.key, on)}
              />
            ))}
          </div>
          {err("fields") && (
            <span class="field-error" role="alert">
              {err("fields")}
            </span>
          )}
        </fieldset>
      )}
      {task === "answer" && (
        <Checkbox
          checked={step.send ?? false}
          label={t("automations.ai.send")}
          hint={t("automations.ai.sendHint")}
          onChange={(send) => onChange({ ...step, send: send || undefined })}
        />
      )}
      <Field
        label={t("automations.prompt")}
        error={err("prompt")}
        hint={t("automations.ai.promptHint")}
      >
        <TextArea
          rows={2}
          value={step.prompt ?? ""}
          onInput={(e) => onChange({ ...step, prompt: e.currentTarget.value })}
        />
      </Field>
      {task && (
        <Field
          label={t("automations.ai.saveAs")}
          error={err("save_as")}
          hint={t(`automations.ai.saveAsHint.${task}`)}
        >
          <TextInput
            value={step.save_as ?? ""}
            placeholder={task === "classify" ? "intent" : task === "extract" ? "details" : "reply"}
            onInput={(e) => onChange({ ...step, save_as: e.currentTarget.value })}
          />
        </Field>
      )}
      <OnErrorField step={step} onChange={onChange} />
    </>
  );
}
