import { Field, Select, TextInput, t } from "../../shared/ui";
import { AiForm } from "./ai-form";
import { AskForm } from "./ask-form";
import { HttpForm } from "./http-form";
import { VariableText } from "./inputs";
import { SendMessageForm } from "./send-message-form";
import { int, type StepFormProps } from "./step-form-kit";
import { WaitForm } from "./wait-form";

/** The fields each step type shows: an error on any other field of the step is shown on its card. */
export const FORM_FIELDS: Record<string, string[]> = {
  send_message: ["text", "snippet_id", "template.name", "template.language", "channel_id"],
  add_tag: ["tag"],
  remove_tag: ["tag"],
  add_label: ["label"],
  update_field: ["field", "value"],
  assign: ["user_id", "team_id"],
  close_conversation: ["reason"],
  snooze_conversation: ["minutes"],
  add_note: ["text"],
  wait: ["minutes", "until.time", "until.days"],
  http_request: ["method", "url", "body", "timeout_seconds", "save_as"],
  start_automation: ["automation_id"],
  ai: ["task", "categories", "fields", "prompt", "save_as"],
  ask: ["question", "answer_type", "choices", "save_to_field", "retries", "timeout_minutes"],
  branch: [],
};

/** The small form of one step; steps holding other steps add their lists around it. */
export function StepForm(props: StepFormProps) {
  const { step, onChange, path, errors, refs, variables } = props;
  const err = (name: string) => errors[`${path}.${name}`];
  switch (step.type) {
    case "send_message":
      return <SendMessageForm {...props} step={step} />;
    case "add_tag":
    case "remove_tag":
      return (
        <Field label={t("automations.tag")} error={err("tag")}>
          <TextInput
            value={step.tag}
            placeholder="lead"
            onInput={(e) => onChange({ ...step, tag: e.currentTarget.value })}
          />
        </Field>
      );
    case "add_label":
      return (
        <Field label={t("automations.label")} error={err("label")}>
          <Select
            value={step.label}
            placeholder={t("automations.choose")}
            options={refs.labels.map((l) => ({ value: l.name, label: l.name }))}
            onChange={(e) => onChange({ ...step, label: e.currentTarget.value })}
          />
        </Field>
      );
    case "update_field": {
      const field = refs.fields.find((f) => f.key === step.field);
      return (
        <div class="form-row">
          <Field label={t("automations.field")} error={err("field")}>
            <Select
              value={step.field}
              placeholder={t("automations.choose")}
              options={refs.fields.map((f) => ({ value: f.key, label: f.label }))}
              onChange={(e) => onChange({ ...step, field: e.currentTarget.value })}
            />
          </Field>
          <Field
            label={t("automations.value")}
            error={err("value")}
            hint={t("automations.valueHint")}
          >
            <TextInput
              value={step.value === null ? "" : String(step.value)}
              inputMode={field?.type === "number" ? "decimal" : undefined}
              onInput={(e) => {
                const raw = e.currentTarget.value;
                const value =
                  raw === ""
                    ? null
                    : field?.type === "number"
                      ? Number(raw)
                      : field?.type === "boolean"
                        ? raw === "true"
                        : raw;
                onChange({ ...step, value });
              }}
            />
          </Field>
        </div>
      );
    }
    case "assign":
      return (
        <div class="form-row">
          <Field label={t("automations.agent")} error={err("user_id")}>
            <Select
              value={step.user_id ?? ""}
              placeholder={t("automations.nobody")}
              options={refs.members
                .filter((m) => m.active)
                .map((m) => ({ value: m.id, label: m.name }))}
              onChange={(e) => onChange({ ...step, user_id: e.currentTarget.value || undefined })}
            />
          </Field>
          <Field label={t("automations.team")} error={err("team_id")}>
            <Select
              value={step.team_id ?? ""}
              placeholder={t("automations.noTeam")}
              options={refs.teams.map((x) => ({ value: x.id, label: x.name }))}
              onChange={(e) => onChange({ ...step, team_id: e.currentTarget.value || undefined })}
            />
          </Field>
        </div>
      );
    case "close_conversation":
      return (
        <Field label={t("automations.reason")} error={err("reason")}>
          <TextInput
            value={step.reason ?? ""}
            onInput={(e) => onChange({ ...step, reason: e.currentTarget.value })}
          />
        </Field>
      );
    case "snooze_conversation":
      return (
        <Field label={t("automations.snoozeMinutes")} error={err("minutes")}>
          <TextInput
            type="number"
            min={1}
            value={step.minutes}
            onInput={(e) => onChange({ ...step, minutes: int(e.currentTarget.value) })}
          />
        </Field>
      );
    case "add_note":
      return (
        <VariableText
          label={t("automations.note")}
          value={step.text}
          error={err("text")}
          variables={variables}
          onChange={(text) => onChange({ ...step, text })}
        />
      );
    case "wait":
      return <WaitForm {...props} step={step} />;
    case "http_request":
      return <HttpForm {...props} step={step} />;
    case "start_automation":
      return (
        <Field label={t("automations.startWhich")} error={err("automation_id")}>
          <Select
            value={step.automation_id}
            placeholder={t("automations.choose")}
            options={refs.automations
              .filter((a) => a.id !== props.automationId)
              .map((a) => ({ value: a.id, label: a.name }))}
            onChange={(e) => onChange({ ...step, automation_id: e.currentTarget.value })}
          />
        </Field>
      );
    case "ai":
      return <AiForm {...props} step={step} />;
    case "ask":
      return <AskForm {...props} step={step} />;
    case "open_conversation":
    case "stop":
      return <p class="muted small">{t(`automations.stepHint.${step.type}`)}</p>;
    default:
      return null;
  }
}
