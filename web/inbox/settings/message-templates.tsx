import { Eye, FileText, Pencil, Plus, Search, Trash2 } from "lucide-preact";
import { useMemo, useState } from "preact/hooks";
import {
  Badge,
  Button,
  DataTable,
  deleteAfterConfirm,
  EmptyState,
  Field,
  IconButton,
  ListState,
  PageHeader,
  Select,
  TextInput,
  t,
  useList,
} from "../../shared/ui";
import { kindLabel, type Template, TemplateEditor } from "./message-template-editor";
import { TemplatePreview } from "./message-template-preview";
import "./config.css";

const KINDS: Template["channel_kind"][] = [
  "email",
  "sms",
  "whatsapp",
  "telegram",
  "messenger",
  "instagram",
  "webchat",
  "web_push",
];

const byKindAndName = (a: Template, b: Template) =>
  a.channel_kind.localeCompare(b.channel_kind) || a.name.localeCompare(b.name);

function Actions({
  template,
  onPreview,
  onEdit,
  onDelete,
}: {
  template: Template;
  onPreview: () => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <>
      <IconButton
        label={t("message-templates.previewNamed", { name: template.name })}
        icon={<Eye size={16} />}
        onClick={onPreview}
      />
      {!template.read_only && (
        <>
          <IconButton
            label={t("message-templates.editNamed", { name: template.name })}
            icon={<Pencil size={16} />}
            onClick={onEdit}
          />
          <IconButton
            label={t("message-templates.deleteNamed", { name: template.name })}
            icon={<Trash2 size={16} />}
            onClick={onDelete}
          />
        </>
      )}
    </>
  );
}

/** Message templates: reusable messages per channel kind and area, WhatsApp's synced ones beside. */
export default function MessageTemplatesScreen() {
  const [kind, setKind] = useState("");
  const [query, setQuery] = useState("");
  const { items, error, reload, put, drop } = useList<Template>(
    `/api/v1/message-templates${kind ? `?channel_kind=${kind}` : ""}`,
  );
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const [previewing, setPreviewing] = useState<Template | null>(null);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = [...(items ?? [])].sort(byKindAndName);
    if (!q) return list;
    return list.filter((x) =>
      [x.name, x.area ?? "", x.body].some((text) => text.toLowerCase().includes(q)),
    );
  }, [items, query]);

  const saved = (template: Template) => {
    put(template);
    setEditing(null);
  };
  const remove = async (template: Template) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/message-templates/${template.id}`,
      title: t("message-templates.deleteTitle", { name: template.name }),
      body: t("message-templates.deleteBody"),
      done: t("message-templates.deleted"),
    });
    if (gone) drop(template.id);
  };
  const createButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing("new")}>
      {t("message-templates.new")}
    </Button>
  );
  return (
    <div class="page">
      <PageHeader
        title={t("message-templates.title")}
        description={t("message-templates.description")}
        actions={createButton}
      />
      <div class="toolbar template-filters">
        <Field label={t("message-templates.channelKind")}>
          <Select
            name="kind"
            value={kind}
            placeholder={t("message-templates.allKinds")}
            options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
            onChange={(e) => setKind(e.currentTarget.value)}
          />
        </Field>
        <span class="search-input">
          <Search size={16} aria-hidden="true" />
          <TextInput
            type="search"
            aria-label={t("message-templates.search")}
            placeholder={t("message-templates.search")}
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </span>
      </div>
      <ListState
        data={items}
        error={error}
        onRetry={reload}
        empty={
          <EmptyState
            icon={<FileText size={22} />}
            title={t("message-templates.empty")}
            action={createButton}
          >
            {t("message-templates.emptyHint")}
          </EmptyState>
        }
      >
        {() =>
          shown.length === 0 ? (
            <p class="muted">{t("message-templates.noMatch")}</p>
          ) : (
            <DataTable
              label={t("message-templates.title")}
              rows={shown}
              rowKey={(x) => x.id}
              columns={[
                {
                  key: "name",
                  header: t("message-templates.name"),
                  render: (x) => (
                    <span class="template-name">
                      {x.name}
                      {x.read_only && <Badge tone="neutral">{t("message-templates.synced")}</Badge>}
                    </span>
                  ),
                  sortBy: (x) => x.name,
                },
                {
                  key: "kind",
                  header: t("message-templates.channelKind"),
                  render: (x) => kindLabel(x.channel_kind),
                  sortBy: (x) => kindLabel(x.channel_kind),
                },
                {
                  key: "area",
                  header: t("message-templates.area"),
                  class: "wide-only",
                  render: (x) => x.area ?? "",
                  sortBy: (x) => x.area ?? "",
                },
                {
                  key: "body",
                  header: t("message-templates.body"),
                  class: "wide-only",
                  render: (x) => <span class="clamp muted">{x.subject ?? x.title ?? x.body}</span>,
                },
                {
                  key: "actions",
                  header: <span class="sr-only">{t("common.actions")}</span>,
                  class: "row-end",
                  render: (x) => (
                    <Actions
                      template={x}
                      onPreview={() => setPreviewing(x)}
                      onEdit={() => setEditing(x)}
                      onDelete={() => remove(x)}
                    />
                  ),
                },
              ]}
            />
          )
        }
      </ListState>
      <TemplateEditor template={editing} onClose={() => setEditing(null)} onSaved={saved} />
      <TemplatePreview template={previewing} onClose={() => setPreviewing(null)} />
    </div>
  );
}
