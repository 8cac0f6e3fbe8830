import { Tag } from "lucide-preact";
import { type Column, DataTable, EmptyState, t } from "../../shared/ui";
import { labelColour } from "../list/row";
import type { LabelRow } from "./api";
import { countColumn, durationColumn } from "./columns";

const columns = (): Column<LabelRow>[] => [
  {
    key: "label",
    header: t("reports.labels.label"),
    render: (row) => (
      <span class="report-label">
        <span
          class="dot"
          style={{ background: row.colour ?? labelColour(row.label, []) }}
          aria-hidden="true"
        />
        {row.label}
      </span>
    ),
    sortBy: (row) => row.label,
    class: "agent-name",
  },
  countColumn("labels", "opened", (row) => row.conversations_opened),
  countColumn("labels", "closed", (row) => row.conversations_closed),
  durationColumn("labels", "resolutionMedian", (row) => row.resolution_time.median_seconds),
  durationColumn("labels", "resolutionP90", (row) => row.resolution_time.p90_seconds),
];

/** Each label's conversations opened and closed in the range, and how long closing took. */
export function LabelsTable({ rows }: { rows: LabelRow[] }) {
  if (!rows.length)
    return (
      <EmptyState icon={<Tag size={22} />} title={t("reports.labels.emptyTitle")}>
        {t("reports.labels.emptyBody")}
      </EmptyState>
    );
  return (
    <DataTable
      columns={columns()}
      rows={rows}
      rowKey={(row) => row.label}
      label={t("reports.labels.title")}
      initialSort={{ key: "opened", direction: "desc" }}
    />
  );
}
