import { Pencil, UserCheck, UserX } from "lucide-preact";
import { useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Avatar,
  Badge,
  Checkbox,
  type Column,
  confirmAction,
  DataTable,
  Field,
  FormDialog,
  IconButton,
  problemMessage,
  Select,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { useSession } from "../session";
import { grantable, RANK, ROLE_TONE, type Role, type Team, type User } from "./user-roles";

function EditMember({
  user,
  teams,
  onClose,
  onSaved,
}: {
  user: User;
  teams: Team[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { me } = useSession();
  const self = me.user?.id === user.id;
  const [role, setRole] = useState<Role>(user.role);
  const [capacity, setCapacity] = useState(String(user.capacity));
  const [teamIds, setTeamIds] = useState<string[]>(user.team_ids);
  const form = useSubmit(
    async () => {
      await request(`/api/v1/users/${user.id}`, {
        method: "PATCH",
        json: {
          ...(role !== user.role ? { role } : {}),
          capacity: /^\d+$/.test(capacity.trim()) ? Number(capacity) : capacity,
          team_ids: teamIds,
        },
      });
      onSaved();
    },
    { success: t("users.saved", { name: user.name }), inline: true },
  );
  const { errors } = form;
  return (
    <FormDialog
      open
      onClose={onClose}
      title={t("users.editTitle", { name: user.name })}
      form={form}
    >
      <Field
        label={t("users.roleLabel")}
        hint={self ? t("users.ownRole") : t(`users.roleHint.${role}`)}
        error={errors.role}
      >
        <Select
          name="role"
          value={role}
          disabled={self}
          options={grantable(me.role)}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
        />
      </Field>
      <Field
        label={t("users.capacity")}
        hint={t("users.capacityHint")}
        error={errors.capacity && t("users.capacityInvalid")}
      >
        <TextInput
          name="capacity"
          inputMode="numeric"
          value={capacity}
          onInput={(e) => setCapacity(e.currentTarget.value)}
        />
      </Field>
      <fieldset class="fieldset">
        <legend>{t("users.teams")}</legend>
        {teams.length === 0 && <p class="muted">{t("users.noTeams")}</p>}
        <div class="check-grid">
          {teams.map((team) => (
            <Checkbox
              key={team.id}
              label={team.name}
              checked={teamIds.includes(team.id)}
              onChange={(on) =>
                setTeamIds(on ? [...teamIds, team.id] : teamIds.filter((id) => id !== team.id))
              }
            />
          ))}
        </div>
        {errors.team_ids && <span class="field-error">{errors.team_ids}</span>}
      </fieldset>
    </FormDialog>
  );
}

async function setActive(user: User, active: boolean, done: () => void) {
  const ok = await confirmAction(
    active
      ? {
          title: t("users.reactivateTitle", { name: user.name }),
          body: t("users.reactivateBody"),
          confirm: t("users.reactivate"),
        }
      : {
          title: t("users.deactivateTitle", { name: user.name }),
          body: t("users.deactivateBody"),
          confirm: t("users.deactivate"),
          danger: true,
        },
  );
  if (!ok) return;
  try {
    await request(`/api/v1/users/${user.id}`, { method: "PATCH", json: { active } });
    toast.success(
      active
        ? t("users.reactivated", { name: user.name })
        : t("users.deactivated", { name: user.name }),
    );
    done();
  } catch (error) {
    toast.error(problemMessage(error));
  }
}

export function Members({
  users,
  teams,
  reload,
}: {
  users: User[];
  teams: Team[];
  reload: () => void;
}) {
  const { me } = useSession();
  const [editing, setEditing] = useState<User | null>(null);
  const teamName = (id: string) => teams.find((team) => team.id === id)?.name ?? "";
  const mayChange = (u: User) => me.user?.id !== u.id && RANK[me.role] >= RANK[u.role];
  const columns: Column<User>[] = [
    {
      key: "name",
      header: t("users.name"),
      sortBy: (u) => u.name.toLowerCase(),
      render: (u) => (
        <span class="person">
          <Avatar name={u.name} size={32} />
          <span class="cell-stack">
            <strong>
              {u.name}
              {me.user?.id === u.id && <span class="muted"> {t("users.you")}</span>}
            </strong>
            <span class="muted small">{u.email}</span>
          </span>
        </span>
      ),
    },
    {
      key: "role",
      header: t("users.roleLabel"),
      sortBy: (u) => RANK[u.role],
      render: (u) => <Badge tone={ROLE_TONE[u.role]}>{t(`users.role.${u.role}`)}</Badge>,
    },
    {
      key: "teams",
      header: t("users.teams"),
      sortBy: (u) => u.team_ids.length,
      render: (u) =>
        u.team_ids.length ? (
          <span class="badges">
            {u.team_ids.map((id) => (
              <Badge key={id}>{teamName(id)}</Badge>
            ))}
          </span>
        ) : (
          <span class="muted">—</span>
        ),
    },
    {
      key: "capacity",
      header: t("users.capacity"),
      sortBy: (u) => u.capacity,
      render: (u) => u.capacity,
    },
    {
      key: "status",
      header: t("users.status"),
      sortBy: (u) => (u.active ? 0 : 1),
      render: (u) =>
        u.active ? (
          <Badge tone="success" dot>
            {t("users.active")}
          </Badge>
        ) : (
          <Badge>{t("users.inactive")}</Badge>
        ),
    },
    {
      key: "actions",
      header: <span class="sr-only">{t("common.actions")}</span>,
      class: "actions",
      render: (u) => (
        <>
          <IconButton
            label={t("users.editNamed", { name: u.name })}
            icon={<Pencil size={16} />}
            disabled={RANK[me.role] < RANK[u.role]}
            onClick={() => setEditing(u)}
          />
          {u.active ? (
            <IconButton
              label={t("users.deactivateNamed", { name: u.name })}
              icon={<UserX size={16} />}
              disabled={!mayChange(u)}
              onClick={() => setActive(u, false, reload)}
            />
          ) : (
            <IconButton
              label={t("users.reactivateNamed", { name: u.name })}
              icon={<UserCheck size={16} />}
              disabled={!mayChange(u)}
              onClick={() => setActive(u, true, reload)}
            />
          )}
        </>
      ),
    },
  ];
  return (
    <>
      <DataTable
        label={t("users.members")}
        columns={columns}
        rows={users}
        rowKey={(u) => u.id}
        initialSort={{ key: "name", direction: "asc" }}
      />
      {editing && (
        <EditMember
          user={editing}
          teams={teams}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </>
  );
}
