import { Copy, MailPlus, Pencil, RefreshCw, UserCheck, Users, UserX, X } from "lucide-preact";
import { useMemo, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Avatar,
  Badge,
  Button,
  Checkbox,
  type Column,
  confirmAction,
  DataTable,
  Dialog,
  EmptyState,
  Field,
  formatDate,
  IconButton,
  problemMessage,
  Select,
  SkeletonRows,
  TextInput,
  type Tone,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { useSession } from "../session";
import "./people.css";
import { listOf, useLoad } from "./use-load";

type User = NonNullable<components["schemas"]["User"]>;
type Team = components["schemas"]["Team"];
type Invitation = components["schemas"]["Invitation"];
type Role = User["role"];

const ROLES: Role[] = ["agent", "supervisor", "admin", "owner"];
const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3, owner: 4 };
const ROLE_TONE: Record<Role, Tone> = {
  owner: "solid",
  admin: "primary",
  supervisor: "warning",
  agent: "neutral",
};

/** The roles someone may give: none above their own. */
const grantable = (mine: Role) =>
  ROLES.filter((r) => RANK[r] <= RANK[mine]).map((r) => ({
    value: r,
    label: t(`users.role.${r}`),
  }));

const inviteLink = (token: string) => `${location.origin}/invite#${token}`;

function CopyLink({ link }: { link: string }) {
  return (
    <div class="copy-link">
      <Field label={t("users.inviteLink")} hint={t("users.inviteLinkHint")}>
        <TextInput readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      </Field>
      <Button
        icon={<Copy size={16} />}
        onClick={async () => {
          await navigator.clipboard?.writeText(link).catch(() => {});
          toast.success(t("common.copied"));
        }}
      >
        {t("common.copy")}
      </Button>
    </div>
  );
}

function InviteDialog({ onClose, onInvited }: { onClose: () => void; onInvited: () => void }) {
  const { me } = useSession();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [link, setLink] = useState<string | null>(null);
  const { busy, errors, submit } = useSubmit(async () => {
    const created = await request<{ token: string }>("/api/v1/invitations", {
      method: "POST",
      json: { email, role },
    });
    setLink(inviteLink(created.token));
    onInvited();
  });
  return (
    <Dialog
      open
      onClose={onClose}
      title={link ? t("users.invited", { email }) : t("users.invite")}
      footer={
        link ? (
          <Button variant="primary" onClick={onClose}>
            {t("users.done")}
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>{t("common.cancel")}</Button>
            <Button variant="primary" type="submit" form="invite-form" loading={busy}>
              {t("users.sendInvite")}
            </Button>
          </>
        )
      }
    >
      {link ? (
        <CopyLink link={link} />
      ) : (
        <form id="invite-form" class="form" onSubmit={submit} noValidate>
          <Field label={t("users.email")} error={errors.email}>
            <TextInput
              type="email"
              name="email"
              autocomplete="off"
              placeholder="name@company.com"
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </Field>
          <Field
            label={t("users.roleLabel")}
            hint={t(`users.roleHint.${role}`)}
            error={errors.role}
          >
            <Select
              name="role"
              value={role}
              options={grantable(me.role)}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
            />
          </Field>
        </form>
      )}
    </Dialog>
  );
}

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
  const { busy, errors, submit } = useSubmit(
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
    { success: t("users.saved", { name: user.name }) },
  );
  return (
    <Dialog
      open
      onClose={onClose}
      title={t("users.editTitle", { name: user.name })}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" type="submit" form="member-form" loading={busy}>
            {t("common.save")}
          </Button>
        </>
      }
    >
      <form id="member-form" class="form" onSubmit={submit} noValidate>
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
      </form>
    </Dialog>
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

function Members({ users, teams, reload }: { users: User[]; teams: Team[]; reload: () => void }) {
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

function Invitations({ rows, reload }: { rows: Invitation[]; reload: () => void }) {
  const [link, setLink] = useState<{ email: string; link: string } | null>(null);
  const resend = async (invitation: Invitation) => {
    try {
      const sent = await request<{ token: string }>(`/api/v1/invitations/${invitation.id}/resend`, {
        method: "POST",
      });
      setLink({ email: invitation.email, link: inviteLink(sent.token) });
      reload();
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  const revoke = async (invitation: Invitation) => {
    const ok = await confirmAction({
      title: t("users.revokeTitle", { email: invitation.email }),
      body: t("users.revokeBody"),
      confirm: t("users.revoke"),
      danger: true,
    });
    if (!ok) return;
    try {
      await request(`/api/v1/invitations/${invitation.id}`, { method: "DELETE" });
      toast.success(t("users.revoked", { email: invitation.email }));
      reload();
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  const columns: Column<Invitation>[] = [
    {
      key: "email",
      header: t("users.email"),
      sortBy: (i) => i.email,
      render: (i) => <strong>{i.email}</strong>,
    },
    {
      key: "role",
      header: t("users.roleLabel"),
      render: (i) => <Badge tone={ROLE_TONE[i.role]}>{t(`users.role.${i.role}`)}</Badge>,
    },
    {
      key: "status",
      header: t("users.status"),
      sortBy: (i) => i.expires_at,
      render: (i) =>
        i.status === "expired" ? (
          <Badge tone="danger">{t("users.expired")}</Badge>
        ) : (
          <span class="muted">
            {t("users.expires", { when: formatDate(i.expires_at, { dateStyle: "medium" }) })}
          </span>
        ),
    },
    {
      key: "actions",
      header: <span class="sr-only">{t("common.actions")}</span>,
      class: "actions",
      render: (i) => (
        <>
          <IconButton
            label={t("users.resendTo", { email: i.email })}
            icon={<RefreshCw size={16} />}
            onClick={() => resend(i)}
          />
          <IconButton
            label={t("users.revokeFor", { email: i.email })}
            icon={<X size={16} />}
            onClick={() => revoke(i)}
          />
        </>
      ),
    },
  ];
  return (
    <>
      <DataTable label={t("users.pending")} columns={columns} rows={rows} rowKey={(i) => i.id} />
      {link && (
        <Dialog
          open
          onClose={() => setLink(null)}
          title={t("users.resent", { email: link.email })}
          footer={
            <Button variant="primary" onClick={() => setLink(null)}>
              {t("users.done")}
            </Button>
          }
        >
          <CopyLink link={link.link} />
        </Dialog>
      )}
    </>
  );
}

export default function UsersScreen() {
  const users = useLoad<{ data: User[] }>("/api/v1/users");
  const teams = useLoad<{ data: Team[] }>("/api/v1/teams");
  const invitations = useLoad<{ data: Invitation[] }>("/api/v1/invitations");
  const [inviting, setInviting] = useState(false);
  const members = listOf(users.data);
  const pending = useMemo(() => listOf(invitations.data) ?? [], [invitations.data]);
  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>{t("users.title")}</h1>
          <p>{t("users.description")}</p>
        </div>
        <Button variant="primary" icon={<MailPlus size={16} />} onClick={() => setInviting(true)}>
          {t("users.invite")}
        </Button>
      </div>
      {!members ? (
        <SkeletonRows rows={4} />
      ) : members.length === 0 ? (
        <EmptyState icon={<Users size={22} />} title={t("users.emptyTitle")} />
      ) : (
        <Members
          users={members}
          teams={listOf(teams.data) ?? []}
          reload={() => {
            users.reload();
            teams.reload();
          }}
        />
      )}
      <section class="section" aria-labelledby="pending-title">
        <h2 id="pending-title">
          {t("users.pending")} <span class="muted">{pending.length || ""}</span>
        </h2>
        {pending.length === 0 ? (
          <p class="muted">{t("users.noPending")}</p>
        ) : (
          <Invitations rows={pending} reload={invitations.reload} />
        )}
      </section>
      {inviting && (
        <InviteDialog onClose={() => setInviting(false)} onInvited={invitations.reload} />
      )}
    </div>
  );
}
