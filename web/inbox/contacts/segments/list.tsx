import { Filter, Plus } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import {
  Button,
  DataTable,
  deleteAfterConfirm,
  EmptyState,
  editDeleteColumn,
  formatNumber,
  formatRelative,
  ListState,
  PageHeader,
  t,
  useList,
} from "../../../shared/ui";
import { useSession } from "../../session";
import { ContactsTabs } from "../area-tabs";
import { canEditSegments, previewSegment, type Segment } from "./api";

/** How many contacts a segment takes in now: one count query a row, asked once. */
function SegmentCount({ segment }: { segment: Segment }) {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    previewSegment(segment.rules, abort.signal).then(
      (p) => setCount(p.count),
      () => {},
    );
    return () => abort.abort();
  }, [segment.updated_at]);
  return count === null ? <span class="muted">…</span> : formatNumber(count);
}

/** /contacts/segments: the workspace's saved audiences. */
export default function SegmentList() {
  const { me } = useSession();
  const { route } = useLocation();
  const editable = canEditSegments(me);
  const { items, error, reload, drop } = useList<Segment>("/api/v1/segments");
  const remove = async (segment: Segment) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/segments/${segment.id}`,
      title: t("common.deleteConfirm", { name: segment.name }),
      body: t("segments.deleteBody"),
      done: t("segments.deleted", { name: segment.name }),
    });
    if (gone) drop(segment.id);
  };
  const createButton = editable && (
    <Button
      variant="primary"
      icon={<Plus size={16} />}
      onClick={() => route("/contacts/segments/new")}
    >
      {t("segments.new")}
    </Button>
  );
  return (
    <main class="page contacts-page" id="main">
      <PageHeader
        title={t("app.contacts")}
        description={t("segments.intro")}
        actions={createButton}
      />
      <ContactsTabs current="segments" />
      <ListState
        data={items}
        error={error}
        onRetry={reload}
        empty={
          <EmptyState icon={<Filter size={22} />} title={t("segments.empty")} action={createButton}>
            {t("segments.emptyHint")}
          </EmptyState>
        }
      >
        {(rows) => (
          <DataTable
            label={t("segments.title")}
            rows={rows}
            rowKey={(s) => s.id}
            initialSort={{ key: "name", direction: "asc" }}
            columns={[
              {
                key: "name",
                header: t("segments.name"),
                render: (s) => <a href={`/contacts/segments/${s.id}`}>{s.name}</a>,
                sortBy: (s) => s.name.toLowerCase(),
              },
              {
                key: "description",
                header: t("segments.description"),
                render: (s) => <span class="clamp muted">{s.description}</span>,
              },
              {
                key: "count",
                header: t("segments.contacts"),
                class: "num",
                render: (s) => <SegmentCount segment={s} />,
              },
              {
                key: "updated",
                header: t("segments.updated"),
                class: "nowrap muted",
                render: (s) => formatRelative(s.updated_at),
                sortBy: (s) => s.updated_at,
              },
              ...(editable
                ? [
                    editDeleteColumn<Segment>({
                      class: "row-end",
                      editLabel: (s) => t("segments.editNamed", { name: s.name }),
                      deleteLabel: (s) => t("segments.deleteNamed", { name: s.name }),
                      onEdit: (s) => route(`/contacts/segments/${s.id}`),
                      onDelete: remove,
                    }),
                  ]
                : []),
            ]}
          />
        )}
      </ListState>
    </main>
  );
}
