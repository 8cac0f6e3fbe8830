import { Plus, Trash2 } from "lucide-preact";
import {
  Button,
  Checkbox,
  Field,
  type FieldErrors,
  formatDate,
  IconButton,
  Select,
  TextInput,
  t,
} from "../../shared/ui";
import type { Condition, ConditionGroup, Conditions, References } from "./api";
import {
  COMPARISONS,
  CONDITION_TYPES,
  defaultCondition,
  emptyGroup,
  removed,
  replaced,
  WEEKDAYS,
} from "./model";

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

const matchOptions = () => [
  { value: "all", label: t("automations.conditions.all") },
  { value: "any", label: t("automations.conditions.any") },
];

/** Groups of rules: each group needs all or any of its rules, and the groups join the same way. */
export function ConditionsEditor({ value, onChange, path, errors, refs }: Props) {
  const setGroup = (at: number, group: ConditionGroup) =>
    onChange({ ...value, groups: replaced(value.groups, at, group) });
  return (
    <div class="conditions">
      {value.groups.length > 1 && (
        <Field label={t("automations.conditions.groupsJoin")}>
          <Select
            value={value.match ?? "all"}
            options={matchOptions()}
            onChange={(e) => onChange({ ...value, match: e.currentTarget.value as "all" })}
          />
        </Field>
      )}
      {value.groups.map((group, g) => (
        <div key={g} class="condition-group-wrap">
          {g > 0 && (
            <span class="joiner">
              {value.match === "any"
                ? t("automations.conditions.or")
                : t("automations.conditions.and")}
            </span>
          )}
          <fieldset class="condition-group">
            <legend>{t("automations.conditions.group", { number: g + 1 })}</legend>
            <div class="group-head">
              <Select
                aria-label={t("automations.conditions.groupMatch", { number: g + 1 })}
                value={group.match ?? "all"}
                options={matchOptions()}
                onChange={(e) => setGroup(g, { ...group, match: e.currentTarget.value as "all" })}
              />
              <IconButton
                size="sm"
                label={t("automations.conditions.removeGroup", { number: g + 1 })}
                icon={<Trash2 size={15} />}
                onClick={() => onChange({ ...value, groups: removed(value.groups, g) })}
              />
            </div>
            {group.rules.map((rule, r) => (
              <RuleRow
                key={r}
                rule={rule}
                refs={refs}
                errors={errors}
                path={`${path}.groups.${g}.rules.${r}`}
                onChange={(next) =>
                  setGroup(g, { ...group, rules: replaced(group.rules, r, next) })
                }
                onRemove={
                  group.rules.length > 1
                    ? () => setGroup(g, { ...group, rules: removed(group.rules, r) })
                    : undefined
                }
              />
            ))}
            <Button
              size="sm"
              variant="ghost"
              icon={<Plus size={14} />}
              onClick={() =>
                setGroup(g, { ...group, rules: [...group.rules, defaultCondition("tag")] })
              }
            >
              {t("automations.conditions.addRule")}
            </Button>
          </fieldset>
        </div>
      ))}
      <div>
        <Button
          size="sm"
          icon={<Plus size={14} />}
          onClick={() => onChange({ ...value, groups: [...value.groups, emptyGroup()] })}
        >
          {t("automations.conditions.addGroup")}
        </Button>
      </div>
    </div>
  );
}

function RuleRow({
  rule,
  onChange,
  onRemove,
  refs,
  errors,
  path,
}: {
  rule: Condition;
  onChange: (rule: Condition) => void;
  onRemove?: () => void;
  refs: References;
  errors: FieldErrors;
  path: string;
}) {
  return (
    <div class="rule">
      <Field label={t("automations.conditions.type")}>
        <Select
          value={rule.type}
          options={CONDITION_TYPES.map((type) => ({
            value: type,
            label: t(`automations.rule.${type}`),
          }))}
          onChange={(e) => onChange(defaultCondition(e.currentTarget.value as Condition["type"]))}
        />
      </Field>
      <RuleOptions rule={rule} onChange={onChange} refs={refs} errors={errors} path={path} />
      {onRemove && (
        <IconButton
          class="rule-remove"
          size="sm"
          label={t("automations.conditions.removeRule")}
          icon={<Trash2 size={15} />}
          onClick={onRemove}
        />
      )}
    </div>
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
