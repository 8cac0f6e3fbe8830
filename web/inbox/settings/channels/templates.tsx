import { FileText, RefreshCw } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../../client/schema";
import { request } from "../../../shared/api";
import {
  Badge,
  Button,
  DataTable,
  EmptyState,
  formatDate,
  SkeletonRows,
  t,
  useSubmit,
} from "../../../shared/ui";

type Template = components["schemas"]["WhatsAppTemplate"];

const statusTone = (status: string) =>
  status === "APPROVED" ? "success" : status === "REJECTED" ? "danger" : "warning";

/** The WhatsApp templates Meta approved (or is reviewing) for this number, as last synced. */
export function TemplatesList({ channelId, wabaSet }: { channelId: string; wabaSet: boolean }) {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  useEffect(() => {
    request<{ data: Template[] }>(`/api/v1/channels/${channelId}/templates`)
      .then(({ data }) => setTemplates(data))
      .catch(() => setTemplates([]));
  }, [channelId]);
  const sync = useSubmit(async () => {
    const { data } = await request<{ data: Template[] }>(
      `/api/v1/channels/${channelId}/templates/sync`,
      { method: "POST" },
    );
    setTemplates(data);
  });
  const syncButton = (
    <Button
      icon={<RefreshCw size={16} />}
      loading={sync.busy}
      disabled={!wabaSet}
      onClick={() => sync.run()}
    >
      {t("channels.templates.sync")}
    </Button>
  );
  if (templates === null) return <SkeletonRows rows={3} />;
  return (
    <div class="stack">
      <div class="toolbar spread">
        <p class="muted">
          {wabaSet ? t("channels.templates.intro") : t("channels.templates.needsWaba")}
        </p>
        {templates.length > 0 && syncButton}
      </div>
      {templates.length === 0 ? (
        <EmptyState
          icon={<FileText size={22} />}
          title={t("channels.templates.empty")}
          action={syncButton}
        >
          {t("channels.templates.emptyHint")}
        </EmptyState>
      ) : (
        <DataTable
          label={t("channels.tab.templates")}
          rows={templates}
          rowKey={(x) => `${x.name}/${x.language}`}
          columns={[
            {
              key: "name",
              header: t("channels.templates.name"),
              render: (x) => <code>{x.name}</code>,
              sortBy: (x) => x.name,
            },
            {
              key: "language",
              header: t("channels.templates.language"),
              render: (x) => x.language,
            },
            {
              key: "status",
              header: t("channels.templates.status"),
              render: (x) => <Badge tone={statusTone(x.status)}>{x.status}</Badge>,
            },
            {
              key: "body",
              header: t("channels.templates.body"),
              render: (x) => <span class="clamp">{x.body}</span>,
            },
            {
              key: "updated",
              header: t("channels.templates.updated"),
              render: (x) => formatDate(x.updated_at, { dateStyle: "medium" }),
              sortBy: (x) => x.updated_at,
            },
          ]}
        />
      )}
    </div>
  );
}
