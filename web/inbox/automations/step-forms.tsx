import { Plus, Trash2 } from "lucide-preact";
import { useState } from "preact/hooks";
import {
  Button,
  Field,
  type FieldErrors,
  IconButton,
  Select,
  TextArea,
  TextInput,
  t,
} from "../../shared/ui";
import type { References, Step } from "./api";
import { WeekdayChecks } from "./conditions";
import { ChipsInput, VariableText } from "./inputs";

export type StepFormProps<S extends Step = Step> = {
  step: S;
  onChange: (step: Step) => void;
  /** where the API puts this step's errors ("steps.2") */
  path: string;
  errors: FieldErrors;
  refs: References;
  variables: string[];
  automationId: string | null;
};

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
  ai: ["prompt"],
  ask: ["question", "answer_type", "choices", "save_to_field", "retries", "timeout_minutes"],
  branch: [],
};

const int = (value: string) => Math.max(0, Math.floor(Number(value) || 0));

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
      return (
        <>
          <p class="muted small">{t("automations.aiSoon")}</p>
          <Field label={t("automations.prompt")} error={err("prompt")}>
            <TextArea
              rows={2}
              value={step.prompt ?? ""}
              onInput={(e) => onChange({ ...step, prompt: e.currentTarget.value })}
            />
          </Field>
        </>
      );
    case "ask":
      return <AskForm {...props} step={step} />;
    case "open_conversation":
    case "stop":
      return <p class="muted small">{t(`automations.stepHint.${step.type}`)}</p>;
    default:
      return null;
  }
}

type SendStep = Extract<Step, { type: "send_message" }>;
type Source = "text" | "snippet" | "template";
const sourceOf = (step: SendStep): Source =>
  step.snippet_id !== undefined ? "snippet" : step.template !== undefined ? "template" : "text";

function SendMessageForm({
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

type WaitStep = Extract<Step, { type: "wait" }>;

function WaitForm({ step, onChange, path, errors }: StepFormProps<WaitStep>) {
  const err = (name: string) => errors[`${path}.${name}`];
  const mode = step.until ? "until" : "minutes";
  return (
    <>
      <Field label={t("automations.wait.mode")}>
        <Select
          value={mode}
          options={[
            { value: "minutes", label: t("automations.wait.for") },
            { value: "until", label: t("automations.wait.until") },
          ]}
          onChange={(e) =>
            onChange(
              e.currentTarget.value === "until"
                ? { id: step.id, type: "wait", until: { time: "09:00" } }
                : { id: step.id, type: "wait", minutes: 60 },
            )
          }
        />
      </Field>
      {step.until ? (
        <>
          <Field
            label={t("automations.wait.time")}
            error={err("until.time")}
            hint={t("automations.wait.timeHint")}
          >
            <TextInput
              type="time"
              value={step.until.time}
              onInput={(e) =>
                onChange({ ...step, until: { ...step.until, time: e.currentTarget.value } })
              }
            />
          </Field>
          <WeekdayChecks
            days={step.until.days ?? []}
            error={err("until.days")}
            onChange={(days) =>
              onChange({
                ...step,
                until: { time: step.until?.time ?? "09:00", days: days.length ? days : undefined },
              })
            }
          />
        </>
      ) : (
        <Field label={t("automations.wait.minutes")} error={err("minutes")}>
          <TextInput
            type="number"
            min={1}
            value={step.minutes ?? ""}
            onInput={(e) => onChange({ ...step, minutes: int(e.currentTarget.value) })}
          />
        </Field>
      )}
    </>
  );
}

type HttpStep = Extract<Step, { type: "http_request" }>;

function HttpForm({ step, onChange, path, errors }: StepFormProps<HttpStep>) {
  const err = (name: string) => errors[`${path}.${name}`];
  const [body, setBody] = useState(
    step.body === undefined ? "" : JSON.stringify(step.body, null, 2),
  );
  const [bodyError, setBodyError] = useState<string | undefined>();
  const headers = Object.entries(step.headers ?? {});
  const setHeaders = (rows: [string, string][]) =>
    onChange({ ...step, headers: Object.fromEntries(rows) });
  return (
    <>
      <div class="form-row http-line">
        <Field label={t("automations.http.method")}>
          <Select
            value={step.method ?? "POST"}
            options={["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => ({ value: m, label: m }))}
            onChange={(e) => onChange({ ...step, method: e.currentTarget.value as "POST" })}
          />
        </Field>
        <Field label={t("automations.http.url")} error={err("url")}>
          <TextInput
            type="url"
            value={step.url}
            placeholder="https://"
            onInput={(e) => onChange({ ...step, url: e.currentTarget.value })}
          />
        </Field>
      </div>
      <fieldset class="field plain-fieldset">
        <legend class="label">{t("automations.http.headers")}</legend>
        {headers.map(([name, value], i) => (
          <div class="header-row" key={i}>
            <TextInput
              aria-label={t("automations.http.headerName")}
              value={name}
              placeholder="Authorization"
              onInput={(e) =>
                setHeaders(headers.map((h, j) => (j === i ? [e.currentTarget.value, h[1]] : h)))
              }
            />
            <TextInput
              aria-label={t("automations.http.headerValue")}
              value={value}
              onInput={(e) =>
                setHeaders(headers.map((h, j) => (j === i ? [h[0], e.currentTarget.value] : h)))
              }
            />
            <IconButton
              size="sm"
              label={t("automations.http.removeHeader")}
              icon={<Trash2 size={15} />}
              onClick={() => setHeaders(headers.filter((_, j) => j !== i))}
            />
          </div>
        ))}
        <div>
          <Button
            size="sm"
            variant="ghost"
            icon={<Plus size={14} />}
            onClick={() => setHeaders([...headers, ["", ""]])}
          >
            {t("automations.http.addHeader")}
          </Button>
        </div>
      </fieldset>
      {step.method !== "GET" && (
        <Field
          label={t("automations.http.body")}
          error={bodyError ?? err("body")}
          hint={t("automations.http.bodyHint")}
        >
          <TextArea
            class="textarea mono"
            rows={4}
            value={body}
            onInput={(e) => {
              const text = e.currentTarget.value;
              setBody(text);
              if (!text.trim()) {
                setBodyError(undefined);
                const { body: _gone, ...rest } = step;
                return onChange(rest);
              }
              try {
                onChange({ ...step, body: JSON.parse(text) });
                setBodyError(undefined);
              } catch {
                setBodyError(t("automations.http.badJson"));
              }
            }}
          />
        </Field>
      )}
      <div class="form-row">
        <Field label={t("automations.http.timeout")} error={err("timeout_seconds")}>
          <TextInput
            type="number"
            min={1}
            max={30}
            value={step.timeout_seconds ?? 10}
            onInput={(e) => onChange({ ...step, timeout_seconds: int(e.currentTarget.value) })}
          />
        </Field>
        <Field
          label={t("automations.http.saveAs")}
          error={err("save_as")}
          hint={t("automations.http.saveAsHint")}
        >
          <TextInput
            value={step.save_as ?? ""}
            placeholder="order"
            onInput={(e) => onChange({ ...step, save_as: e.currentTarget.value })}
          />
        </Field>
      </div>
    </>
  );
}

type AskStep = Extract<Step, { type: "ask" }>;

function AskForm({ step, onChange, path, errors, refs, variables }: StepFormProps<AskStep>) {
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
