import { Plus, Trash2 } from "lucide-preact";
import { useState } from "preact/hooks";
import { Button, Field, IconButton, Select, TextArea, TextInput, t } from "../../shared/ui";
import type { Step } from "./api";
import { OnErrorField } from "./inputs";
import { int, type StepFormProps } from "./step-form-kit";

type HttpStep = Extract<Step, { type: "http_request" }>;

export function HttpForm({ step, onChange, path, errors }: StepFormProps<HttpStep>) {
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
      <OnErrorField step={step} onChange={onChange} />
    </>
  );
}
