import {
  Checkbox,
  Field,
  type FieldErrors,
  formatDate,
  RuleGroups,
  Select,
  TextInput,
  t,
} from "../../shared/ui";
import type { Condition, Conditions, References } from "./api";
import { COMPARISONS, CONDITION_TYPES, defaultCondition, WEEKDAYS } from "./model";

type Props = {
  value: Conditions;
  onChange: (value: Conditions) => void;
  /** where the API puts these conditions' errors ("conditions", "steps.1.branches.0.conditions") */
  path: string;
  errors: FieldErrors;
  refs: References;
};

/** 0 is Sunday: 1 January 2023 was one. */
export const weekdayName = (day: number) =>
  formatDate(Date.UTC(2023, 0, 1 + day), { weekday: "short", timeZone: "UTC" });

/** Groups of rules: each group needs all or any of its rules, and the groups join the same way. */
export function ConditionsEditor({ value, onChange, path, errors, refs }: Props) {
  return (
    <RuleGroups<Condition>
      value={value}
      onChange={(next) => onChange(next as Conditions)}
      newRule={() => defaultCondition("tag")}
      path={path}
      renderRule={(rule, change, rulePath) => (
        <>
          <Field label={t("automations.conditions.type")}>
            <Select
              value={rule.type}
              options={CONDITION_TYPES.map((type) => ({
                value: type,
                label: t(`automations.rule.${type}`),
              }))}
              onChange={(e) => change(defaultCondition(e.currentTarget.value as Condition["type"]))}
            />
          </Field>
          <RuleOptions rule={rule} onChange={change} refs={refs} errors={errors} path={rulePath} />
        </>
      )}
    />
  );
}

function RuleOptions({
  rule,
  onChange,
  refs,
  errors,
  path,
}: {
  rule: Condition;
  onChange: (rule: Condition) => void;
  refs: References;
  errors: FieldErrors;
  path: string;
}) {
  const err = (name: string) => errors[`${path}.${name}`];
  switch (rule.type) {
    case "field":
    case "variable": {
      const needsValue = rule.operator !== "set" && rule.operator !== "unset";
      return (
        <>
          {rule.type === "field" ? (
            <Field label={t("automations.conditions.field")} error={err("field")}>
              <Select
                value={rule.field}
                placeholder={t("automations.choose")}
                options={refs.fields.map((f) => ({ value: f.key, label: f.label }))}
                onChange={(e) => onChange({ ...rule, field: e.currentTarget.value })}
              />
            </Field>
          ) : (
            <Field label={t("automations.conditions.variable")} error={err("name")}>
              <TextInput
                value={rule.name}
                placeholder="order.status"
                onInput={(e) => onChange({ ...rule, name: e.currentTarget.value })}
              />
            </Field>
          )}
          <Field label={t("automations.conditions.operator")}>
            <Select
              value={rule.operator}
              options={COMPARISONS.map((op) => ({ value: op, label: t(`automations.op.${op}`) }))}
              onChange={(e) => onChange({ ...rule, operator: e.currentTarget.value as "eq" })}
            />
          </Field>
          {needsValue && (
            <Field label={t("automations.conditions.value")} error={err("value")}>
              <TextInput
                value={String(rule.value ?? "")}
                onInput={(e) => onChange({ ...rule, value: e.currentTarget.value })}
              />
            </Field>
          )}
        </>
      );
    }
    case "tag":
      return (
        <>
          <Field label={t("automations.conditions.operator")}>
            <Select
              value={rule.operator}
              options={[
                { value: "has", label: t("automations.op.has") },
                { value: "lacks", label: t("automations.op.lacks") },
              ]}
              onChange={(e) => onChange({ ...rule, operator: e.currentTarget.value as "has" })}
            />
          </Field>
          <Field label={t("automations.tag")} error={err("tag")}>
            <TextInput
              value={rule.tag}
              onInput={(e) => onChange({ ...rule, tag: e.currentTarget.value })}
            />
          </Field>
        </>
      );
    case "channel":
      return (
        <ChannelChecks
          selected={rule.channel_ids}
          refs={refs}
          error={err("channel_ids")}
          onChange={(channel_ids) => onChange({ ...rule, channel_ids })}
        />
      );
    case "business_hours":
      return (
        <Field label={t("automations.conditions.state")}>
          <Select
            value={rule.state}
            options={[
              { value: "open", label: t("automations.conditions.open") },
              { value: "closed", label: t("automations.conditions.closed") },
            ]}
            onChange={(e) => onChange({ ...rule, state: e.currentTarget.value as "open" })}
          />
        </Field>
      );
    case "time_of_day":
      return (
        <>
          <Field label={t("automations.conditions.from")} error={err("from")}>
            <TextInput
              type="time"
              value={rule.from}
              onInput={(e) => onChange({ ...rule, from: e.currentTarget.value })}
            />
          </Field>
          <Field label={t("automations.conditions.to")} error={err("to")}>
            <TextInput
              type="time"
              value={rule.to}
              onInput={(e) => onChange({ ...rule, to: e.currentTarget.value })}
            />
          </Field>
        </>
      );
    case "day_of_week":
      return (
        <WeekdayChecks
          days={rule.days}
          error={err("days")}
          onChange={(days) => onChange({ ...rule, days })}
        />
      );
    case "agents_available":
      return (
        <>
          <Field label={t("automations.conditions.agents")}>
            <YesNo
              value={rule.available}
              yes={t("automations.conditions.someoneFree")}
              no={t("automations.conditions.allBusy")}
              onChange={(available) => onChange({ ...rule, available })}
            />
          </Field>
          <Field label={t("automations.team")} error={err("team_id")}>
            <Select
              value={rule.team_id ?? ""}
              options={[
                { value: "", label: t("automations.conditions.anyTeam") },
                ...refs.teams.map((team) => ({ value: team.id, label: team.name })),
              ]}
              onChange={(e) => {
                const { team_id: _, ...rest } = rule;
                const team = e.currentTarget.value;
                onChange(team ? { ...rest, team_id: team } : rest);
              }}
            />
          </Field>
        </>
      );
    case "customer_replied":
      return (
        <Field label={t("automations.conditions.sinceStart")}>
          <YesNo
            value={rule.replied}
            yes={t("automations.conditions.replied")}
            no={t("automations.conditions.notReplied")}
            onChange={(replied) => onChange({ ...rule, replied })}
          />
        </Field>
      );
  }
}

function YesNo({
  value,
  yes,
  no,
  onChange,
}: {
  value: boolean;
  yes: string;
  no: string;
  onChange: (value: boolean) => void;
}) {
  return (
    <Select
      value={value ? "yes" : "no"}
      options={[
        { value: "yes", label: yes },
        { value: "no", label: no },
      ]}
      onChange={(e) => onChange(e.currentTarget.value === "yes")}
    />
  );
}

/** Channels to pick from; none picked means any channel. */
export function ChannelChecks({
  selected,
  onChange,
  refs,
  error,
  label = t("automations.channels"),
}: {
  selected: string[];
  onChange: (ids: string[]) => void;
  refs: References;
  error?: string;
  label?: string;
}) {
  const toggle = (id: string, on: boolean) =>
    onChange(on ? [...selected, id] : selected.filter((x) => x !== id));
  return (
    <fieldset class="field plain-fieldset">
      <legend class="label">{label}</legend>
      <div class="check-row">
        {refs.channels.map((c) => (
          <Checkbox
            key={c.id}
            label={c.name}
            checked={selected.includes(c.id)}
            onChange={(on) => toggle(c.id, on)}
          />
        ))}
      </div>
      {error && <span class="field-error">{error}</span>}
    </fieldset>
  );
}

export function WeekdayChecks({
  days,
  onChange,
  error,
}: {
  days: number[];
  onChange: (days: number[]) => void;
  error?: string;
}) {
  return (
    <fieldset class="field plain-fieldset">
      <legend class="label">{t("automations.conditions.days")}</legend>
      <div class="check-row">
        {WEEKDAYS.map((day) => (
          <Checkbox
            key={day}
            label={weekdayName(day)}
            checked={days.includes(day)}
            onChange={(on) => onChange(on ? [...days, day].sort() : days.filter((d) => d !== day))}
          />
        ))}
      </div>
      {error && <span class="field-error">{error}</span>}
    </fieldset>
  );
}
