import { MessageSquareText, Plus, Search } from "lucide-preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { renderVariables } from "../../../worker/domain/messaging/variables";
import { request } from "../../shared/api";
import {
  Button,
  DataTable,
  deleteAfterConfirm,
  EmptyState,
  editDeleteColumn,
  Field,
  FormDialog,
  ListState,
  PageHeader,
  TextArea,
  TextInput,
  t,
  useList,
  useSubmit,
} from "../../shared/ui";
import { useSession } from "../session";
import "./config.css";

type Snippet = components["schemas"]["Snippet"];
type ContactField = components["schemas"]["ContactField"];
type Draft = { shortcut: string; title: string; body: string };

const BUILT_IN = [
  "contact.first_name",
  "contact.name",
  "contact.last_name",
  "contact.email",
  "contact.phone",
  "agent.first_name",
  "agent.name",
  "workspace.name",
];

const SAMPLE_VALUE: Record<ContactField["type"], string | number | boolean> = {
  text: "Lorem",
  number: 42,
  date: "2025-03-14",
  select: "",
  boolean: true,
};

/** What a snippet looks like for a sample customer, through the same engine the composer uses. */
function samplePreview(body: string, fields: ContactField[], agent: string, workspace: string) {
  const values = Object.fromEntries(
    fields.map((f) => [f.key, f.type === "select" ? (f.options[0] ?? "") : SAMPLE_VALUE[f.type]]),
  );
  return renderVariables(body, {
    contact: {
      name: "Ana García",
      email: "ana@example.com",
      phone: "+34600111222",
      fields: values,
    },
    agent: { name: agent },
    workspace: { name: workspace },
  });
}

function SnippetDialog({
  snippet,
  fields,
  onClose,
  onSaved,
}: {
  snippet: Snippet | "new" | null;
  fields: ContactField[];
  onClose: () => void;
  onSaved: (snippet: Snippet) => void;
}) {
  const { me } = useSession();
  const editing = snippet !== "new" && snippet !== null ? snippet : null;
  const [draft, setDraft] = useState<Draft>({ shortcut: "", title: "", body: "" });
  const body = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setDraft(
      editing
        ? { shortcut: editing.shortcut, title: editing.title, body: editing.body }
        : { shortcut: "", title: "", body: "" },
    );
  }, [snippet]);
  const form = useSubmit(
    async () => {
      const saved = await request<Snippet>(
        editing ? `/api/v1/snippets/${editing.id}` : "/api/v1/snippets",
        { method: editing ? "PATCH" : "POST", json: draft },
      );
      onSaved(saved);
    },
    { success: t("snippets.saved"), inline: true },
  );
  const { errors } = form;
  const insert = (variable: string) => {
    const area = body.current;
    const token = `{{${variable}}}`;
    const at = area?.selectionStart ?? draft.body.length;
    const end = area?.selectionEnd ?? at;
    setDraft({ ...draft, body: draft.body.slice(0, at) + token + draft.body.slice(end) });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(at + token.length, at + token.length);
    });
  };
  const variables = [...BUILT_IN, ...fields.map((f) => `contact.fields.${f.key}`)];
  const preview = samplePreview(draft.body, fields, me.user?.name ?? "", me.workspace.name);
  return (
    <FormDialog
      open={snippet !== null}
      onClose={onClose}
      wide
      title={editing ? t("snippets.edit") : t("snippets.new")}
      form={form}
      formClass="wide-form"
    >
      <div class="form-row">
        <Field
          label={t("snippets.shortcut")}
          hint={t("snippets.shortcutHint")}
          error={errors.shortcut && t("snippets.shortcutError")}
        >
          <TextInput
            name="shortcut"
            value={draft.shortcut}
            placeholder="refund"
            autocomplete="off"
            onInput={(e) => setDraft({ ...draft, shortcut: e.currentTarget.value.toLowerCase() })}
          />
        </Field>
        <Field label={t("snippets.titleField")} error={errors.title}>
          <TextInput
            name="title"
            value={draft.title}
            onInput={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
          />
        </Field>
      </div>
      <Field label={t("snippets.body")} error={errors.body}>
        <TextArea
          ref={body}
          name="body"
          rows={5}
          value={draft.body}
          onInput={(e) => setDraft({ ...draft, body: e.currentTarget.value })}
        />
      </Field>
      <fieldset class="field plain-fieldset">
        <legend class="label">{t("snippets.variables")}</legend>
        <div class="variables">
          {variables.map((v) => (
            <Button key={v} size="sm" variant="ghost" onClick={() => insert(v)}>
              {`{{${v}}}`}
            </Button>
          ))}
        </div>
        <span class="hint">{t("snippets.variablesHint")}</span>
      </fieldset>
      {draft.body.trim() && (
        <div class="field">
          <span class="label">{t("snippets.preview")}</span>
          <p class="snippet-preview" data-testid="snippet-preview">
            {preview.text}
          </p>
          <span class="hint">
            {preview.missing.length
              ? t("snippets.previewMissing", { names: preview.missing.join(", ") })
              : t("snippets.previewHint")}
          </span>
        </div>
      )}
    </FormDialog>
  );
}

/** Snippets: canned replies an agent inserts by typing /shortcut in the composer. */
export default function SnippetsScreen() {
  const { items: snippets, error, reload, setItems, drop } = useList<Snippet>("/api/v1/snippets");
  const fields = useList<ContactField>("/api/v1/contact-fields").items ?? [];
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<Snippet | "new" | null>(null);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!snippets || !q) return snippets ?? [];
    return snippets.filter((s) =>
      [s.shortcut, s.title, s.body].some((x) => x.toLowerCase().includes(q)),
    );
  }, [snippets, query]);

  const saved = (snippet: Snippet) => {
    setItems((list) =>
      [...list.filter((s) => s.id !== snippet.id), snippet].sort((a, b) =>
        a.shortcut.localeCompare(b.shortcut),
      ),
    );
    setEditing(null);
  };
  const remove = async (snippet: Snippet) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/snippets/${snippet.id}`,
      title: t("snippets.deleteTitle", { shortcut: snippet.shortcut }),
      body: t("snippets.deleteBody"),
      done: t("snippets.deleted"),
    });
    if (gone) drop(snippet.id);
  };

  const createButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing("new")}>
      {t("snippets.new")}
    </Button>
  );
  return (
    <div class="page">
      <PageHeader
        title={t("snippets.title")}
        description={t("snippets.description")}
        actions={createButton}
      />
      <ListState
        data={snippets}
        error={error}
        onRetry={reload}
        empty={
          <EmptyState
            icon={<MessageSquareText size={22} />}
            title={t("snippets.empty")}
            action={createButton}
          >
            {t("snippets.emptyHint")}
          </EmptyState>
        }
      >
        {() => (
          <>
            <div class="toolbar">
              <span class="search-input">
                <Search size={16} aria-hidden="true" />
                <TextInput
                  type="search"
                  aria-label={t("snippets.search")}
                  placeholder={t("snippets.search")}
                  value={query}
                  onInput={(e) => setQuery(e.currentTarget.value)}
                />
              </span>
            </div>
            {shown.length === 0 ? (
              <p class="muted">{t("snippets.noMatch")}</p>
            ) : (
              <DataTable
                label={t("snippets.title")}
                rows={shown}
                rowKey={(s) => s.id}
                initialSort={{ key: "shortcut", direction: "asc" }}
                columns={[
                  {
                    key: "shortcut",
                    header: t("snippets.shortcut"),
                    render: (s) => <code>/{s.shortcut}</code>,
                    sortBy: (s) => s.shortcut,
                  },
                  {
                    key: "title",
                    header: t("snippets.titleField"),
                    render: (s) => s.title,
                    sortBy: (s) => s.title,
                  },
                  {
                    key: "body",
                    header: t("snippets.body"),
                    render: (s) => <span class="clamp muted">{s.body}</span>,
                  },
                  editDeleteColumn({
                    class: "row-end",
                    editLabel: (s) => t("snippets.editNamed", { shortcut: s.shortcut }),
                    deleteLabel: (s) => t("snippets.deleteNamed", { shortcut: s.shortcut }),
                    onEdit: setEditing,
                    onDelete: remove,
                  }),
                ]}
              />
            )}
          </>
        )}
      </ListState>
      <SnippetDialog
        snippet={editing}
        fields={fields}
        onClose={() => setEditing(null)}
        onSaved={saved}
      />
    </div>
  );
}
