import { type Column, DataTable, t } from "../../shared/ui";
import type { ConsolidatedReport } from "./api";
import { countColumn, durationColumn, nameColumn } from "./columns";

type LocationRow = ConsolidatedReport["workspaces"][number];

const columns = (): Column<LocationRow>[] => [
  nameColumn("locations", "location", (row) => row.name),
  countColumn("locations", "opened", (row) => row.totals.conversations_opened),
  countColumn("locations", "closed", (row) => row.totals.conversations_closed),
  countColumn("locations", "messagesIn", (row) => row.totals.messages_in),
  countColumn("locations", "messagesOut", (row) => row.totals.messages_out),
  durationColumn("locations", "frtMedian", (row) => row.totals.first_response_time.median_seconds),
  durationColumn(
    "locations",
    "resolutionMedian",
    (row) => row.totals.resolution_time.median_seconds,
  ),
];

/** Each workspace of the organization the reader supervises, and all of them added up. */
export function LocationsTable({ report }: { report: ConsolidatedReport }) {
  const total: LocationRow = {
    workspace_id: "",
    name: t("reports.locations.total"),
    totals: report.totals,
  };
  return (
    <DataTable
      columns={columns()}
      rows={report.workspaces}
      rowKey={(row) => row.workspace_id}
      label={t("reports.locations.title")}
      initialSort={{ key: "opened", direction: "desc" }}
      footer={total}
    />
  );
}
