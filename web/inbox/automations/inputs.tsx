import { Braces } from "lucide-preact";
import { useRef } from "preact/hooks";
import { Button, Field, Menu, Select, TextArea, t } from "../../shared/ui";
import type { ContactField, Step } from "./api";

const BUILT_IN = [
  "contact.name",
  "contact.first_name",
  "contact.last_name",
  "contact.email",
  "contact.phone",
  "agent.name",
  "workspace.name",
  "conversation.number",
];

/** The variables a text may hold: the engine's own, each contact field and what earlier steps saved. */
export function variablesFor(fields: ContactField[], saved: string[]) {
  return [...BUILT_IN, ...fields.map((f) => `contact.fields.${f.key}`), ...saved];
}

/** A text area with a menu that inserts `{{variable}}` tokens where the cursor is. */
export function VariableText({
  label,
  value,
  onChange,
  variables,
  error,
  hint,
  rows = 3,
  name,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  variables: string[];
  error?: string;
  hint?: string;
  rows?: number;
  name?: string;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const insert = (variable: string) => {
    const token = `{{${variable}}}`;
    const at = area.current?.selectionStart ?? value.length;
    const end = area.current?.selectionEnd ?? at;
    onChange(value.slice(0, at) + token + value.slice(end));
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(at + token.length, at + token.length);
    });
  };
  return (
    <div class="variable-text">
      <Field label={label} error={error} hint={hint}>
        <TextArea
          ref={area}
          name={name}
          rows={rows}
          value={value}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      </Field>
      <Menu
        align="end"
        trigger={(props) => (
          <Button size="sm" variant="ghost" icon={<Braces size={14} />} {...props}>
            {t("automations.insertVariable")}
          </Button>
        )}
        items={variables.map((v) => ({
          label: <code>{`{{${v}}}`}</code>,
          onSelect: () => insert(v),
        }))}
      />
    </div>
  );
}

type FailingStep = Extract<Step, { on_error?: unknown }>;

/** What a step that can fail (a request, the AI) does to its run when it does. */
export function OnErrorField<S extends FailingStep>({
  step,
  onChange,
}: {
  step: S;
  onChange: (step: S) => void;
}) {
  return (
    <Field label={t("automations.onError")} hint={t("automations.onErrorHint")}>
      <Select
        value={step.on_error ?? "stop"}
        options={(["stop", "continue"] as const).map((value) => ({
          value,
          label: t(`automations.onError.${value}`),
        }))}
        onChange={(e) =>
          onChange({ ...step, on_error: e.currentTarget.value as "stop" | "continue" })
        }
      />
    </Field>
  );
}
