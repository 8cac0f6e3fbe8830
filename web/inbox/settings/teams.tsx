import { Plus, UsersRound } from "lucide-preact";
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
  editDeleteColumn,
  Field,
  problemMessage,
  Select,
  SkeletonRows,
  TextArea,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import "./people.css";
import { listOf, useLoad } from "./use-load";

type Team = components["schemas"]["Team"];
type User = NonNullable<components["schemas"]["User"]>;
type Hours = components["schemas"]["BusinessHours"];

const STRATEGIES = ["round_robin", "least_busy", "random", "manual"] as const;

type Draft = {
  name: string;
  member_ids: string[];
  assignment: Team["assignment"];
  business_hours_id: string;
  sla_first_response_minutes: string;
  sla_resolution_minutes: string;
  welcome_message: string;
  away_message: string;
  busy_message: string;
  /** member id → capacity as typed, for members whose capacity changes */
  capacities: Record<string, string>;
};

const draftOf = (team: Team | null): Draft => ({
  name: team?.name ?? "",
  member_ids: team?.member_ids ?? [],
  assignment: team?.assignment ?? "round_robin",
  business_hours_id: team?.business_hours_id ?? "",
  sla_first_response_minutes: team?.sla_first_response_minutes?.toString() ?? "",
  sla_resolution_minutes: team?.sla_resolution_minutes?.toString() ?? "",
  welcome_message: team?.welcome_message ?? "",
  away_message: team?.away_message ?? "",
  busy_message: team?.busy_message ?? "",
  capacities: {},
});

/** A whole number as a number; anything else is sent as typed, for the API to refuse by field. */
const wholeOrAsTyped = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : text);
const minutesOrNull = (text: string) => (text.trim() === "" ? null : wholeOrAsTyped(text));
const textOrNull = (text: string) => (text.trim() === "" ? null : text);

function MemberPicker({
  users,
  draft,
  errors,
  onChange,
}: {
  users: User[];
  draft: Draft;
  errors: Record<string, string>;
  onChange: (draft: Draft) => void;
}) {
  const [filter, setFilter] = useState("");
  const shown = users.filter((u) =>
    `${u.name} ${u.email}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  const toggle = (id: string, on: boolean) =>
    onChange({
      ...draft,
      member_ids: on ? [...draft.member_ids, id] : draft.member_ids.filter((m) => m !== id),
    });
  const memberError = Object.entries(errors).find(([path]) => path.startsWith("member_ids"))?.[1];
  return (
    <fieldset class="fieldset">
      <legend>
        {t("teams.members")}{" "}
        <span class="muted">{t("teams.selectedCount", { count: draft.member_ids.length })}</span>
      </legend>
      {users.length > 6 && (
        <TextInput
          type="search"
          aria-label={t("teams.findMember")}
          placeholder={t("teams.findMember")}
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
      )}
      <div class="member-list">
        {shown.map((u) => {
          const checked = draft.member_ids.includes(u.id);
          return (
            <div key={u.id} class={`member-row ${checked ? "on" : ""}`}>
              <Checkbox
                checked={checked}
                onChange={(on) => toggle(u.id, on)}
                label={
                  <span class="member-who">
                    <Avatar name={u.name} size={24} />
                    {u.name}
                  </span>
                }
              />
              {checked && (
                <label class="capacity">
                  <span>{t("teams.capacity")}</span>
                  <input
                    class="input"
                    type="number"
                    min={0}
                    max={100}
                    aria-label={t("teams.capacityOf", { name: u.name })}
                    aria-invalid={errors[`capacity.${u.id}`] ? "true" : undefined}
                    value={draft.capacities[u.id] ?? String(u.capacity)}
                    onInput={(e) =>
                      onChange({
                        ...draft,
                        capacities: { ...draft.capacities, [u.id]: e.currentTarget.value },
                      })
                    }
                  />
                </label>
              )}
              {errors[`capacity.${u.id}`] && (
                <span class="field-error" role="alert">
                  {t("teams.capacityInvalid")}
                </span>
              )}
            </div>
          );
        })}
      </div>
      <span class="hint muted">{t("teams.capacityHint")}</span>
      {memberError && (
        <span class="field-error" role="alert">
          {memberError}
        </span>
      )}
    </fieldset>
  );
}

/** Capacities typed for members, as PATCH /users calls; an error names the member. */
async function saveCapacities(draft: Draft, users: User[]) {
  for (const [id, text] of Object.entries(draft.capacities)) {
    const user = users.find((u) => u.id === id);
    if (!user || String(user.capacity) === text || !draft.member_ids.includes(id)) continue;
    await request(`/api/v1/users/${id}`, {
      method: "PATCH",
      json: { capacity: wholeOrAsTyped(text) },
    }).catch((error) => {
      if (error?.problem?.errors)
        error.problem.errors = error.problem.errors.map((e: { path: string }) => ({
          ...e,
          path: `capacity.${id}`,
        }));
      throw error;
    });
  }
}

function TeamDrawer({
  editing,
  users,
  hours,
  onClose,
  onSaved,
}: {
  editing: Team | null;
  users: User[];
  hours: Hours[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(editing));
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const { busy, errors, submit } = useSubmit(
    async () => {
      const body = {
        name: draft.name,
        member_ids: draft.member_ids,
        assignment: draft.assignment,
        business_hours_id: draft.business_hours_id || null,
        sla_first_response_minutes: minutesOrNull(draft.sla_first_response_minutes),
        sla_resolution_minutes: minutesOrNull(draft.sla_resolution_minutes),
        welcome_message: textOrNull(draft.welcome_message),
        away_message: textOrNull(draft.away_message),
        busy_message: textOrNull(draft.busy_message),
      };
      await saveCapacities(draft, users);
      await request(editing ? `/api/v1/teams/${editing.id}` : "/api/v1/teams", {
        method: editing ? "PATCH" : "POST",
        json: body,
      });
      onSaved();
    },
    { success: t("teams.saved") },
  );
  const message = (key: "welcome_message" | "away_message" | "busy_message") => (
    <Field label={t(`teams.${key}`)} hint={t(`teams.${key}Hint`)} error={errors[key]}>
      <TextArea
        name={key}
        rows={2}
        value={draft[key]}
        onInput={(e) => set({ [key]: e.currentTarget.value })}
      />
    </Field>
  );
  return (
    <Dialog
      open
      kind="drawer"
      wide
      onClose={onClose}
      title={editing ? t("teams.edit") : t("teams.new")}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" type="submit" form="team-form" loading={busy}>
            {t("common.save")}
          </Button>
        </>
      }
    >
      <form id="team-form" class="form" onSubmit={submit} noValidate>
        <Field label={t("teams.name")} error={errors.name}>
          <TextInput
            name="name"
            value={draft.name}
            placeholder={t("teams.namePlaceholder")}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </Field>
        <MemberPicker users={users} draft={draft} errors={errors} onChange={setDraft} />
        <Field
          label={t("teams.assignment")}
          hint={t(`teams.strategyHint.${draft.assignment}`)}
          error={errors.assignment}
        >
          <Select
            name="assignment"
            value={draft.assignment}
            options={STRATEGIES.map((s) => ({ value: s, label: t(`teams.strategy.${s}`) }))}
            onChange={(e) => set({ assignment: e.currentTarget.value as Team["assignment"] })}
          />
        </Field>
        <Field label={t("teams.hours")} error={errors.business_hours_id}>
          <Select
            name="business_hours_id"
            value={draft.business_hours_id}
            placeholder={t("teams.workspaceHours")}
            options={hours.map((h) => ({ value: h.id, label: `${h.name} (${h.timezone})` }))}
            onChange={(e) => set({ business_hours_id: e.currentTarget.value })}
          />
        </Field>
        <div class="form-row">
          <Field
            label={t("teams.slaFirstResponse")}
            hint={t("teams.slaHint")}
            error={errors.sla_first_response_minutes && t("teams.minutesInvalid")}
          >
            <TextInput
              name="sla_first_response_minutes"
              inputMode="numeric"
              value={draft.sla_first_response_minutes}
              onInput={(e) => set({ sla_first_response_minutes: e.currentTarget.value })}
            />
          </Field>
          <Field
            label={t("teams.slaResolution")}
            hint={t("teams.slaHint")}
            error={errors.sla_resolution_minutes && t("teams.minutesInvalid")}
          >
            <TextInput
              name="sla_resolution_minutes"
              inputMode="numeric"
              value={draft.sla_resolution_minutes}
              onInput={(e) => set({ sla_resolution_minutes: e.currentTarget.value })}
            />
          </Field>
        </div>
        {message("welcome_message")}
        {message("away_message")}
        {message("busy_message")}
      </form>
    </Dialog>
  );
}

function MemberStack({ ids, users }: { ids: string[]; users: User[] }) {
  const members = ids.map((id) => users.find((u) => u.id === id)).filter((u) => u !== undefined);
  if (members.length === 0) return <span class="muted">{t("teams.noMembers")}</span>;
  return (
    <span class="avatar-stack" title={members.map((m) => m.name).join(", ")}>
      {members.slice(0, 4).map((m) => (
        <Avatar key={m.id} name={m.name} size={26} />
      ))}
      <span class="muted small">{t("teams.memberCount", { count: members.length })}</span>
    </span>
  );
}

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
  const teams = useLoad<{ data: Team[] }>("/api/v1/teams");
  const users = useLoad<{ data: User[] }>("/api/v1/users");
  const hours = useLoad<{ data: Hours[] }>("/api/v1/business-hours");
  const [editing, setEditing] = useState<Team | null | undefined>(undefined);
  const rows = listOf(teams.data);
  const people = useMemo(() => (listOf(users.data) ?? []).filter((u) => u.active), [users.data]);
  const schedules = listOf(hours.data) ?? [];

  const remove = async (team: Team) => {
    const ok = await confirmAction({
      title: t("common.deleteConfirm", { name: team.name }),
      body: t("teams.deleteBody"),
      confirm: t("common.delete"),
      danger: true,
    });
    if (!ok) return;
    try {
      await request(`/api/v1/teams/${team.id}`, { method: "DELETE" });
      toast.success(t("teams.deleted", { name: team.name }));
      teams.reload();
    } catch (error) {
      toast.error(problemMessage(error));
    }
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
      <div class="page-head">
        <div>
          <h1>{t("teams.title")}</h1>
          <p>{t("teams.description")}</p>
        </div>
        {rows && rows.length > 0 && create}
      </div>
      {!rows ? (
        <SkeletonRows rows={3} />
      ) : rows.length === 0 ? (
        <EmptyState icon={<UsersRound size={22} />} title={t("teams.emptyTitle")} action={create}>
          {t("teams.emptyBody")}
        </EmptyState>
      ) : (
        <DataTable
          label={t("teams.title")}
          columns={columns}
          rows={rows}
          rowKey={(team) => team.id}
          initialSort={{ key: "name", direction: "asc" }}
        />
      )}
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
