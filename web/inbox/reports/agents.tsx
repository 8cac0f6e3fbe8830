import { UsersRound } from "lucide-preact";
import { type Column, DataTable, EmptyState, formatNumber, t } from "../../shared/ui";
import type { AgentRow } from "./api";
import { formatDuration } from "./format";

// a figure not there yet sorts after every real one
const orLast = (seconds: number | null) => seconds ?? Number.MAX_SAFE_INTEGER;

const count = (key: string, value: (row: AgentRow) => number): Column<AgentRow> => ({
  key,
  header: t(`reports.agents.${key}`),
  render: (row) => formatNumber(value(row)),
  sortBy: value,
  class: "numeric",
});

const duration = (key: string, value: (row: AgentRow) => number | null): Column<AgentRow> => ({
  key,
  header: t(`reports.agents.${key}`),
  render: (row) => formatDuration(value(row)),
  sortBy: (row) => orLast(value(row)),
  class: "numeric",
});

const columns = (): Column<AgentRow>[] => [
  {
    key: "agent",
    header: t("reports.agents.agent"),
    render: (row) => row.name ?? t("reports.agents.unnamed"),
    sortBy: (row) => row.name ?? "",
    class: "agent-name",
  },
  count("replies", (row) => row.replies),
  count("firstResponses", (row) => row.first_responses),
  duration("frtMedian", (row) => row.first_response_time.median_seconds),
  count("closed", (row) => row.conversations_closed),
  duration("resolutionMedian", (row) => row.resolution_time.median_seconds),
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
