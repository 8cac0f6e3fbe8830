import { Pencil } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { Button, Field, formatDate, IconButton, Switch, t, useSubmit } from "../../shared/ui";
import { type ContactField, type FieldValue, identityError } from "./api";
import { FieldInput } from "./field-input";

/** Saves a partial change of the contact (a PATCH) and shows the answer. */
export type Save = (patch: Record<string, unknown>) => Promise<void>;

/** A value shown as text, edited in place: Enter saves, Esc cancels, errors sit under it. */
function EditableRow<V>({
  label,
  path,
  value,
  display,
  editor,
  toPatch,
  save,
}: {
  label: string;
  path: string;
  value: V;
  display: ComponentChildren;
  editor: (draft: V, setDraft: (v: V) => void) => preact.VNode;
  toPatch: (draft: V) => Record<string, unknown>;
  save: Save;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const { busy, errors, submit, setErrors } = useSubmit(async () => {
    await save(toPatch(draft));
    setEditing(false);
  });
  const cancel = () => {
    setErrors({});
    setEditing(false);
  };
  if (!editing)
    return (
      <div class="kv-row">
        <dt>{label}</dt>
        <dd>
          <span class="kv-value">{display}</span>
          <IconButton
            size="sm"
            label={t("contacts.page.edit", { field: label })}
            icon={<Pencil size={14} />}
            onClick={() => {
              setDraft(value);
              setEditing(true);
            }}
          />
        </dd>
      </div>
    );
  return (
    <form
      class="kv-row editing"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          cancel();
        }
      }}
      noValidate
    >
      <Field label={label} error={identityError(errors[path])}>
        {editor(draft, setDraft)}
      </Field>
      <div class="kv-actions">
        <Button size="sm" variant="primary" type="submit" loading={busy}>
          {t("common.save")}
        </Button>
        <Button size="sm" onClick={cancel}>
          {t("common.cancel")}
        </Button>
      </div>
    </form>
  );
}

const empty = <span class="muted">—</span>;

export function TextRow({
  label,
  path,
  value,
  type = "text",
  show = (v) => v,
  save,
}: {
  label: string;
  path: "name" | "phone" | "email";
  value: string | null;
  type?: "text" | "tel" | "email";
  /** how the value reads when not being edited */
  show?: (value: string) => ComponentChildren;
  save: Save;
}) {
  return (
    <EditableRow
      label={label}
      path={path}
      value={value ?? ""}
      display={value ? show(value) : empty}
      editor={(draft, setDraft) => (
        <input
          class="input"
          type={type as "text"}
          name={path}
          value={draft}
          // biome-ignore lint/a11y/noAutofocus: the agent just asked to edit this value
          autoFocus
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
      )}
      toPatch={(draft) => ({ [path]: draft.trim() ? draft.trim() : null })}
      save={save}
    />
  );
}

function fieldDisplay(field: ContactField, value: FieldValue | null) {
  if (value === null) return empty;
  if (field.type === "date" && typeof value === "string")
    return formatDate(`${value}T12:00:00Z`, { dateStyle: "medium", timeZone: "UTC" });
  if (field.type === "number" && typeof value === "number") return value.toLocaleString();
  return String(value);
}

export function CustomFieldRow({
  field,
  value,
  save,
}: {
  field: ContactField;
  value: FieldValue | null;
  save: Save;
}) {
  const path = `custom_fields.${field.key}`;
  const patch = (v: FieldValue | null) => ({ custom_fields: { [field.key]: v } });
  const { errors, run } = useSubmit(save);
  if (field.type === "boolean")
    return (
      <div class="kv-row">
        <dt>{field.label}</dt>
        <dd>
          <Switch
            checked={value === true}
            label={
              <>
                <span class="sr-only">{field.label}: </span>
                {value === true ? t("common.yes") : t("common.no")}
              </>
            }
            onChange={(checked) => run(patch(checked))}
          />
          {errors[path] && <span class="field-error">{errors[path]}</span>}
        </dd>
      </div>
    );
  return (
    <EditableRow
      label={field.label}
      path={path}
      value={value}
      display={fieldDisplay(field, value)}
      editor={(draft, setDraft) => (
        <FieldInput field={field} value={draft} onChange={(v) => setDraft(v)} />
      )}
      toPatch={patch}
      save={save}
    />
  );
}
