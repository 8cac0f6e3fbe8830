import { useState } from "preact/hooks";
import { request } from "../../shared/api";
import { Field, FormDialog, Select, TextArea, TextInput, t, useSubmit } from "../../shared/ui";
import { MemberPicker } from "./team-members";
import type { Draft, Hours, Team, User } from "./team-model";

const STRATEGIES = ["round_robin", "least_busy", "random", "manual"] as const;

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

export function TeamDrawer({
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
  const form = useSubmit(
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
    { success: t("teams.saved"), inline: true },
  );
  const { errors } = form;
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
    <FormDialog
      open
      kind="drawer"
      wide
      onClose={onClose}
      title={editing ? t("teams.edit") : t("teams.new")}
      form={form}
    >
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
    </FormDialog>
  );
}
