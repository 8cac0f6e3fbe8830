import { useState } from "preact/hooks";
import { Avatar, Checkbox, TextInput, t } from "../../shared/ui";
import type { Draft, User } from "./team-model";

export function MemberPicker({
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

export function MemberStack({ ids, users }: { ids: string[]; users: User[] }) {
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
