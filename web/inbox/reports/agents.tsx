import { UsersRound } from "lucide-preact";
import { type Column, DataTable, EmptyState, t } from "../../shared/ui";
import type { AgentRow } from "./api";
import { countColumn, durationColumn, percentColumn } from "./columns";

const columns = (): Column<AgentRow>[] => [
  {
    key: "agent",
    header: t("reports.agents.agent"),
    render: (row) => row.name ?? t("reports.agents.unnamed"),
    sortBy: (row) => row.name ?? "",
    class: "agent-name",
  },
  countColumn("agents", "replies", (row) => row.replies),
  countColumn("agents", "assignments", (row) => row.assignments),
  countColumn("agents", "firstResponses", (row) => row.first_responses),
  durationColumn("agents", "frtMedian", (row) => row.first_response_time.median_seconds),
  countColumn("agents", "closed", (row) => row.conversations_closed),
  durationColumn("agents", "resolutionMedian", (row) => row.resolution_time.median_seconds),
  percentColumn("agents", "csat", (row) => row.csat),
];

/** Each agent's replies, first responses and closes, sortable by any of them. */
export function AgentsTable({ rows }: { rows: AgentRow[] }) {
  if (!rows.length)
    return (
      <EmptyState icon={<UsersRound size={22} />} title={t("reports.agents.emptyTitle")}>
        {t("reports.agents.emptyBody")}
      </EmptyState>
    );
  return (
    <DataTable
      columns={columns()}
      rows={rows}
      rowKey={(row) => row.agent_id}
      label={t("reports.agents.title")}
      initialSort={{ key: "replies", direction: "desc" }}
    />
  );
}
