import { Plus, UsersRound } from "lucide-preact";
import { useMemo, useState } from "preact/hooks";
import {
  Badge,
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
import { TeamDrawer } from "./team-drawer";
import { MemberStack } from "./team-members";
import type { Hours, Team, User } from "./team-model";

const slaText = (team: Team) =>
  [
    team.sla_first_response_minutes &&
      t("teams.slaFirstShort", { minutes: team.sla_first_response_minutes }),
    team.sla_resolution_minutes &&
      t("teams.slaResolutionShort", { minutes: team.sla_resolution_minutes }),
  ]
    .filter(Boolean)
    .join(" · ") || "—";

export default function TeamsScreen() {
  const teams = useList<Team>("/api/v1/teams");
  const users = useList<User>("/api/v1/users");
  const schedules = useList<Hours>("/api/v1/business-hours").items ?? [];
  const [editing, setEditing] = useState<Team | null | undefined>(undefined);
  const people = useMemo(() => (users.items ?? []).filter((u) => u.active), [users.items]);

  const remove = async (team: Team) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/teams/${team.id}`,
      title: t("common.deleteConfirm", { name: team.name }),
      body: t("teams.deleteBody"),
      done: t("teams.deleted", { name: team.name }),
    });
    if (gone) teams.reload();
  };

  const columns: Column<Team>[] = [
    {
      key: "name",
      header: t("teams.name"),
      sortBy: (team) => team.name,
      render: (team) => <strong>{team.name}</strong>,
    },
    {
      key: "members",
      header: t("teams.members"),
      sortBy: (team) => team.member_ids.length,
      render: (team) => <MemberStack ids={team.member_ids} users={people} />,
    },
    {
      key: "assignment",
      header: t("teams.assignment"),
      sortBy: (team) => team.assignment,
      render: (team) => <Badge>{t(`teams.strategy.${team.assignment}`)}</Badge>,
    },
    {
      key: "hours",
      header: t("teams.hours"),
      render: (team) =>
        schedules.find((h) => h.id === team.business_hours_id)?.name ?? (
          <span class="muted">{t("teams.workspaceHours")}</span>
        ),
    },
    { key: "sla", header: t("teams.sla"), render: slaText },
    editDeleteColumn({
      class: "actions",
      editLabel: (team) => t("teams.editNamed", { name: team.name }),
      deleteLabel: (team) => t("teams.deleteNamed", { name: team.name }),
      onEdit: setEditing,
      onDelete: remove,
    }),
  ];

  const create = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing(null)}>
      {t("teams.new")}
    </Button>
  );

  return (
    <div class="page">
      <PageHeader
        title={t("teams.title")}
        description={t("teams.description")}
        actions={teams.items?.length ? create : null}
      />
      <ListState
        data={teams.items}
        error={teams.error}
        onRetry={teams.reload}
        rows={3}
        empty={
          <EmptyState icon={<UsersRound size={22} />} title={t("teams.emptyTitle")} action={create}>
            {t("teams.emptyBody")}
          </EmptyState>
        }
      >
        {(rows) => (
          <DataTable
            label={t("teams.title")}
            columns={columns}
            rows={rows}
            rowKey={(team) => team.id}
            initialSort={{ key: "name", direction: "asc" }}
          />
        )}
      </ListState>
      {editing !== undefined && (
        <TeamDrawer
          editing={editing}
          users={people}
          hours={schedules}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            teams.reload();
            users.reload();
          }}
        />
      )}
    </div>
  );
}
