import { UsersRound } from "lucide-preact";
import { type Column, DataTable, EmptyState, t } from "../../shared/ui";
import type { TeamRow } from "./api";
import { countColumn, durationColumn, nameColumn, percentColumn } from "./columns";

const columns = (): Column<TeamRow>[] => [
  nameColumn("teams", "team", (row) => row.name),
  countColumn("teams", "assignments", (row) => row.assignments),
  countColumn("teams", "firstResponses", (row) => row.first_responses),
  durationColumn("teams", "frtMedian", (row) => row.first_response_time.median_seconds),
  percentColumn("teams", "frtSla", (row) => row.first_response_sla.met_percent),
  countColumn("teams", "closed", (row) => row.conversations_closed),
  durationColumn("teams", "resolutionMedian", (row) => row.resolution_time.median_seconds),
  percentColumn("teams", "resolutionSla", (row) => row.resolution_sla.met_percent),
];

/** Each team's first responses and closes, their times and the SLA targets they met. */
export function TeamsTable({ rows }: { rows: TeamRow[] }) {
  if (!rows.length)
    return (
      <EmptyState icon={<UsersRound size={22} />} title={t("reports.teams.emptyTitle")}>
        {t("reports.teams.emptyBody")}
      </EmptyState>
    );
  return (
    <DataTable
      columns={columns()}
      rows={rows}
      rowKey={(row) => row.team_id}
      label={t("reports.teams.title")}
      initialSort={{ key: "closed", direction: "desc" }}
    />
  );
}
