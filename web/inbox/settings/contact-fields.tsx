import { ListChecks, Plus, X } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  DataTable,
  deleteAfterConfirm,
  EmptyState,
  editDeleteColumn,
  Field,
  FormDialog,
  ListState,
  PageHeader,
  Select,
  TextInput,
  t,
  useList,
  useSubmit,
} from "../../shared/ui";
import "./config.css";

type ContactField = components["schemas"]["ContactField"];
type FieldType = ContactField["type"];
type Draft = { key: string; label: string; type: FieldType; options: string[] };

const TYPES: FieldType[] = ["text", "number", "date", "select", "boolean"];

function typeLabel(type: FieldType) {
  switch (type) {
    case "text":
      return t("contact-fields.type.text");
    case "number":
      return t("contact-fields.type.number");
    case "date":
      return t("contact-fields.type.date");
    case "select":
      return t("contact-fields.type.select");
    case "boolean":
      return t("contact-fields.type.boolean");
  }
}

/** A key from a label: "Customer tier" → customer_tier. */
const keyFrom = (label: string) =>
  label
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 40);

/** The choices of a select field: add with Enter, remove with the ×. */
function OptionsEditor({
  options,
  onChange,
  error,
}: {
  options: string[];
  onChange: (options: string[]) => void;
  error?: string;
}) {
  const [next, setNext] = useState("");
  const add = () => {
    const value = next.trim();
    if (value && !options.includes(value)) onChange([...options, value]);
    setNext("");
  };
  return (
    <div class="field">
      <Field
        label={t("contact-fields.options")}
        hint={t("contact-fields.optionsHint")}
        error={error}
      >
        <TextInput
          name="option"
          value={next}
          placeholder={t("contact-fields.optionPlaceholder")}
          onInput={(e) => setNext(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
      </Field>
      <div class="toolbar">
        <Button size="sm" icon={<Plus size={14} />} onClick={add} disabled={!next.trim()}>
          {t("contact-fields.addOption")}
        </Button>
        {options.map((option) => (
          <Badge key={option} tone="primary">
            {option}
            <button
              type="button"
              class="chip-remove"
              aria-label={t("contact-fields.removeOption", { option })}
              onClick={() => onChange(options.filter((o) => o !== option))}
            >
              <X size={12} />
            </button>
          </Badge>
        ))}
      </div>
    </div>
  );
}

function FieldDialog({
  field,
  onClose,
  onSaved,
}: {
  field: ContactField | "new" | null;
  onClose: () => void;
  onSaved: (field: ContactField) => void;
}) {
  const editing = field !== "new" && field !== null ? field : null;
  const empty: Draft = { key: "", label: "", type: "text", options: [] };
  const [draft, setDraft] = useState<Draft>(empty);
  const [keyTouched, setKeyTouched] = useState(false);
  useEffect(() => {
    setDraft(
      editing
        ? { key: editing.key, label: editing.label, type: editing.type, options: editing.options }
        : empty,
    );
    setKeyTouched(false);
  }, [field]);
  const form = useSubmit(
    async () => {
      const options = draft.type === "select" ? draft.options : undefined;
      const saved = editing
        ? await request<ContactField>(`/api/v1/contact-fields/${editing.id}`, {
            method: "PATCH",
            json: { label: draft.label, ...(options ? { options } : {}) },
          })
        : await request<ContactField>("/api/v1/contact-fields", {
            method: "POST",
            json: { key: draft.key, label: draft.label, type: draft.type, options },
          });
      onSaved(saved);
    },
    { success: t("contact-fields.saved"), inline: true },
  );
  const { errors } = form;
  return (
    <FormDialog
      open={field !== null}
      onClose={onClose}
      title={editing ? t("contact-fields.edit") : t("contact-fields.new")}
      form={form}
    >
      <Field label={t("contact-fields.label")} error={errors.label}>
        <TextInput
          name="label"
          value={draft.label}
          placeholder={t("contact-fields.labelPlaceholder")}
          onInput={(e) => {
            const label = e.currentTarget.value;
            setDraft({
              ...draft,
              label,
              key: editing || keyTouched ? draft.key : keyFrom(label),
            });
          }}
        />
      </Field>
      <Field
        label={t("contact-fields.key")}
        hint={editing ? t("contact-fields.keyFixed") : t("contact-fields.keyHint")}
        error={
          errors.key &&
          (errors.key.startsWith("lower-case") ? t("contact-fields.keyError") : errors.key)
        }
      >
        <TextInput
          name="key"
          value={draft.key}
          disabled={Boolean(editing)}
          spellcheck={false}
          onInput={(e) => {
            setKeyTouched(true);
            setDraft({ ...draft, key: e.currentTarget.value });
          }}
        />
      </Field>
      <Field
        label={t("contact-fields.typeField")}
        hint={editing ? t("contact-fields.typeFixed") : undefined}
        error={errors.type}
      >
        <Select
          name="type"
          value={draft.type}
          disabled={Boolean(editing)}
          options={TYPES.map((type) => ({ value: type, label: typeLabel(type) }))}
          onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value as FieldType })}
        />
      </Field>
      {draft.type === "select" && (
        <OptionsEditor
          options={draft.options}
          onChange={(options) => setDraft({ ...draft, options })}
          error={
            errors.options &&
            (errors.options.includes("needs options")
              ? t("contact-fields.optionsRequired")
              : errors.options)
          }
        />
      )}
    </FormDialog>
  );
}

/** Contact fields: the typed attributes every contact can carry (plan, balance, birthday …). */
export default function ContactFieldsScreen() {
  const {
    items: fields,
    error,
    reload,
    put,
    drop,
  } = useList<ContactField>("/api/v1/contact-fields");
  const [editing, setEditing] = useState<ContactField | "new" | null>(null);
  const saved = (field: ContactField) => {
    put(field);
    setEditing(null);
  };
  const remove = async (field: ContactField) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/contact-fields/${field.id}`,
      title: t("contact-fields.deleteTitle", { label: field.label }),
      body: t("contact-fields.deleteBody", { label: field.label }),
      done: t("contact-fields.deleted"),
    });
    if (gone) drop(field.id);
  };
  const createButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing("new")}>
      {t("contact-fields.new")}
    </Button>
  );
  return (
    <div class="page">
      <PageHeader
        title={t("contact-fields.title")}
        description={t("contact-fields.description")}
        actions={createButton}
      />
      <ListState
        data={fields}
        error={error}
        onRetry={reload}
        empty={
          <EmptyState
            icon={<ListChecks size={22} />}
            title={t("contact-fields.empty")}
            action={createButton}
          >
            {t("contact-fields.emptyHint")}
          </EmptyState>
        }
      >
        {(rows) => (
          <DataTable
            label={t("contact-fields.title")}
            rows={rows}
            rowKey={(f) => f.id}
            initialSort={{ key: "label", direction: "asc" }}
            columns={[
              {
                key: "label",
                header: t("contact-fields.label"),
                render: (f) => <strong>{f.label}</strong>,
                sortBy: (f) => f.label,
              },
              {
                key: "key",
                header: t("contact-fields.key"),
                render: (f) => <code>{f.key}</code>,
                sortBy: (f) => f.key,
              },
              {
                key: "type",
                header: t("contact-fields.typeField"),
                render: (f) => (
                  <span>
                    {typeLabel(f.type)}
                    {f.type === "select" && (
                      <span class="muted small"> · {f.options.join(", ")}</span>
                    )}
                  </span>
                ),
                sortBy: (f) => f.type,
              },
              editDeleteColumn({
                class: "row-end",
                editLabel: (f) => t("contact-fields.editNamed", { label: f.label }),
                deleteLabel: (f) => t("contact-fields.deleteNamed", { label: f.label }),
                onEdit: setEditing,
                onDelete: remove,
              }),
            ]}
          />
        )}
      </ListState>
      <FieldDialog field={editing} onClose={() => setEditing(null)} onSaved={saved} />
    </div>
  );
}
