import { Clock, Plus } from "lucide-preact";
import { useState } from "preact/hooks";
import {
  Button,
  type Column,
  DataTable,
  deleteAfterConfirm,
  EmptyState,
  editDeleteColumn,
  ListState,
  PageHeader,
  t,
  useList,
} from "../../shared/ui";
import "./people.css";
import { HoursDrawer } from "./hours-drawer";
import { type Hours, localTime, OpenStatus, weekSummary } from "./hours-format";

export default function BusinessHoursScreen() {
  const { items, error, reload } = useList<Hours>("/api/v1/business-hours");
  const [editing, setEditing] = useState<Hours | null | undefined>(undefined);

  const remove = async (hours: Hours) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/business-hours/${hours.id}`,
      title: t("common.deleteConfirm", { name: hours.name }),
      body: t("business-hours.deleteBody"),
      done: t("business-hours.deleted", { name: hours.name }),
    });
    if (gone) reload();
  };

  const columns: Column<Hours>[] = [
    {
      key: "name",
      header: t("business-hours.name"),
      sortBy: (h) => h.name,
      render: (h) => (
        <div class="cell-stack">
          <strong>{h.name}</strong>
          <span class="muted small">{weekSummary(h)}</span>
        </div>
      ),
    },
    {
      key: "timezone",
      header: t("business-hours.timezone"),
      sortBy: (h) => h.timezone,
      render: (h) => (
        <div class="cell-stack">
          <span>{h.timezone.replaceAll("_", " ")}</span>
          <span class="muted small">{localTime(h.timezone)}</span>
        </div>
      ),
    },
    { key: "status", header: t("business-hours.status"), render: (h) => <OpenStatus hours={h} /> },
    {
      key: "holidays",
      header: t("business-hours.holidays"),
      sortBy: (h) => h.closures.length,
      render: (h) => t("business-hours.holidayCount", { count: h.closures.length }),
    },
    editDeleteColumn({
      class: "actions",
      editLabel: (h) => t("business-hours.editNamed", { name: h.name }),
      deleteLabel: (h) => t("business-hours.deleteNamed", { name: h.name }),
      onEdit: setEditing,
      onDelete: remove,
    }),
  ];

  const create = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing(null)}>
      {t("business-hours.new")}
    </Button>
  );

  return (
    <div class="page">
      <PageHeader
        title={t("business-hours.title")}
        description={t("business-hours.description")}
        actions={items?.length ? create : null}
      />
      <ListState
        data={items}
        error={error}
        onRetry={reload}
        rows={3}
        empty={
          <EmptyState
            icon={<Clock size={22} />}
            title={t("business-hours.emptyTitle")}
            action={create}
          >
            {t("business-hours.emptyBody")}
          </EmptyState>
        }
      >
        {(rows) => (
          <DataTable
            label={t("business-hours.title")}
            columns={columns}
            rows={rows}
            rowKey={(h) => h.id}
            initialSort={{ key: "name", direction: "asc" }}
          />
        )}
      </ListState>
      {editing !== undefined && (
        <HoursDrawer
          editing={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            reload();
          }}
        />
      )}
    </div>
  );
}
