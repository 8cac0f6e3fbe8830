import { Plus, Tag } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Button,
  DataTable,
  deleteAfterConfirm,
  EmptyState,
  editDeleteColumn,
  Field,
  FormDialog,
  formatNumber,
  ListState,
  PageHeader,
  TextArea,
  TextInput,
  t,
  useList,
  useSubmit,
} from "../../shared/ui";
import "./config.css";

type Label = components["schemas"]["Label"];
type Draft = { name: string; colour: string; description: string };

/** Colours that read well as a dot and as a tinted chip, in light and dark mode. */
const SWATCHES = [
  "#2f5bea",
  "#0891b2",
  "#0e7c66",
  "#65a30d",
  "#ca8a04",
  "#ea580c",
  "#dc2626",
  "#db2777",
  "#7c3aed",
  "#64748b",
];

function Swatches({ value, onChange }: { value: string; onChange: (colour: string) => void }) {
  return (
    <fieldset class="swatches">
      <legend class="label">{t("labels.colour")}</legend>
      {SWATCHES.map((colour, i) => (
        <label key={colour} class="swatch" style={{ background: colour }}>
          <input
            type="radio"
            name="label-colour"
            class="swatch-input"
            value={colour}
            checked={colour === value}
            onChange={() => onChange(colour)}
          />
          <span class="sr-only">{t("labels.colourNumber", { number: i + 1 })}</span>
        </label>
      ))}
    </fieldset>
  );
}

function LabelChip({ label }: { label: Pick<Label, "name" | "colour"> }) {
  return (
    <span class="label-chip">
      <span class="dot" style={{ background: label.colour }} aria-hidden="true" />
      {label.name}
    </span>
  );
}

function LabelDialog({
  label,
  onClose,
  onSaved,
}: {
  label: Label | "new" | null;
  onClose: () => void;
  onSaved: (label: Label) => void;
}) {
  const editing = label !== "new" && label !== null ? label : null;
  const [draft, setDraft] = useState<Draft>({
    name: "",
    colour: SWATCHES[0] ?? "",
    description: "",
  });
  useEffect(() => {
    setDraft(
      editing
        ? { name: editing.name, colour: editing.colour, description: editing.description ?? "" }
        : { name: "", colour: SWATCHES[0] ?? "", description: "" },
    );
  }, [label]);
  const form = useSubmit(
    async () => {
      const json = {
        name: draft.name,
        colour: draft.colour,
        description: draft.description.trim() || null,
      };
      onSaved(
        await request<Label>(editing ? `/api/v1/labels/${editing.id}` : "/api/v1/labels", {
          method: editing ? "PATCH" : "POST",
          json,
        }),
      );
    },
    { success: t("labels.saved"), inline: true },
  );
  const { errors } = form;
  return (
    <FormDialog
      open={label !== null}
      onClose={onClose}
      title={editing ? t("labels.edit") : t("labels.new")}
      form={form}
    >
      <Field
        label={t("labels.name")}
        hint={editing ? t("labels.renameHint") : t("labels.nameHint")}
        error={errors.name}
      >
        <TextInput
          name="name"
          value={draft.name}
          maxLength={64}
          placeholder={t("labels.namePlaceholder")}
          onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
        />
      </Field>
      <div class="field">
        <Swatches value={draft.colour} onChange={(colour) => setDraft({ ...draft, colour })} />
        {errors.colour && (
          <span class="field-error" role="alert">
            {t("labels.colourError")}
          </span>
        )}
      </div>
      <Field label={t("labels.description")} error={errors.description}>
        <TextArea
          name="description"
          rows={2}
          maxLength={280}
          value={draft.description}
          onInput={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
        />
      </Field>
      <div class="field">
        <span class="label">{t("labels.preview")}</span>
        <LabelChip label={{ name: draft.name.trim().toLowerCase() || "…", colour: draft.colour }} />
      </div>
    </FormDialog>
  );
}

/** Labels: the workspace's catalogue of conversation labels, with their colours. */
export default function LabelsScreen() {
  const { items: labels, error, reload, put, drop } = useList<Label>("/api/v1/labels");
  const [editing, setEditing] = useState<Label | "new" | null>(null);
  const saved = (label: Label) => {
    put(label);
    setEditing(null);
  };
  const remove = async (label: Label) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/labels/${label.id}`,
      title: t("labels.deleteTitle", { name: label.name }),
      body:
        label.conversation_count > 0
          ? t("labels.deleteBodyUsed", { count: label.conversation_count })
          : t("labels.deleteBody"),
      done: t("labels.deleted", { name: label.name }),
    });
    if (gone) drop(label.id);
  };
  const createButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing("new")}>
      {t("labels.new")}
    </Button>
  );
  return (
    <div class="page">
      <PageHeader
        title={t("labels.title")}
        description={t("labels.intro")}
        actions={createButton}
      />
      <ListState
        data={labels}
        error={error}
        onRetry={reload}
        empty={
          <EmptyState icon={<Tag size={22} />} title={t("labels.empty")} action={createButton}>
            {t("labels.emptyHint")}
          </EmptyState>
        }
      >
        {(rows) => (
          <DataTable
            label={t("labels.title")}
            rows={rows}
            rowKey={(l) => l.id}
            initialSort={{ key: "name", direction: "asc" }}
            columns={[
              {
                key: "name",
                header: t("labels.name"),
                render: (l) => <LabelChip label={l} />,
                sortBy: (l) => l.name,
              },
              {
                key: "description",
                header: t("labels.description"),
                render: (l) => <span class="clamp muted">{l.description}</span>,
              },
              {
                key: "count",
                header: t("labels.conversations"),
                render: (l) => formatNumber(l.conversation_count),
                sortBy: (l) => l.conversation_count,
              },
              editDeleteColumn({
                class: "row-end",
                editLabel: (l) => t("labels.editNamed", { name: l.name }),
                deleteLabel: (l) => t("labels.deleteNamed", { name: l.name }),
                onEdit: setEditing,
                onDelete: remove,
              }),
            ]}
          />
        )}
      </ListState>
      <LabelDialog label={editing} onClose={() => setEditing(null)} onSaved={saved} />
    </div>
  );
}
