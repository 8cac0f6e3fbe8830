import {
  Checkbox,
  ChipsInput,
  Field,
  type FieldErrors,
  Select,
  TextInput,
  t,
} from "../../../shared/ui";
import type { ContactField, FieldValue } from "../api";
import { channelLabel } from "../channels";
import { FieldInput } from "../field-input";
import type { SegmentRule } from "./api";
import {
  CONSENT_CHANNELS,
  defaultRule,
  FIELD_OPERATORS,
  type Refs,
  RULE_TYPES,
  valueAfter,
} from "./model";

type FieldRule = Extract<SegmentRule, { type: "field" }>;

/** One rule's inputs: what it looks at, then the operator and values that kind takes. */
export function SegmentRuleInputs({
  rule,
  onChange,
  refs,
  errors,
  path,
}: {
  rule: SegmentRule;
  onChange: (rule: SegmentRule) => void;
  refs: Refs;
  errors: FieldErrors;
  path: string;
}) {
  return (
    <>
      <Field label={t("segments.rule.type")} error={errors[`${path}.type`]}>
        <Select
          value={rule.type}
          options={RULE_TYPES.map((type) => ({ value: type, label: t(`segments.type.${type}`) }))}
          onChange={(e) =>
            onChange(defaultRule(e.currentTarget.value as SegmentRule["type"], refs))
          }
        />
      </Field>
      <RuleOptions rule={rule} onChange={onChange} refs={refs} errors={errors} path={path} />
    </>
  );
}

/** The error at `at`, or at one of its items ("values.1" shows under the values). */
const errorAt = (errors: FieldErrors, at: string) =>
  errors[at] ?? Object.entries(errors).find(([path]) => path.startsWith(`${at}.`))?.[1];

const options = <T extends string>(values: readonly T[], label: (value: T) => string) =>
  values.map((value) => ({ value, label: label(value) }));

function RuleOptions({
  rule,
  onChange,
  refs,
  errors,
  path,
}: {
  rule: SegmentRule;
  onChange: (rule: SegmentRule) => void;
  refs: Refs;
  errors: FieldErrors;
  path: string;
}) {
  const err = (name: string) => errorAt(errors, `${path}.${name}`);
  const operator = (values: readonly string[]) => (
    <Field label={t("segments.rule.operator")} error={err("operator")}>
      <Select
        value={(rule as { operator: string }).operator}
        options={options(values, (op) => t(`segments.op.${rule.type}.${op}`))}
        onChange={(e) => onChange({ ...rule, operator: e.currentTarget.value } as SegmentRule)}
      />
    </Field>
  );
  const days = (value: number | undefined, change: (days: number | undefined) => void) => (
    <Field label={t("segments.rule.days")} error={err("days")}>
      <NumberInput value={value} onChange={change} />
    </Field>
  );
  switch (rule.type) {
    case "tag":
      return (
        <>
          {operator(["has_any", "has_all", "lacks_any", "lacks_all"])}
          <Field label={t("segments.rule.tags")} error={err("tags")} hint={t("segments.chipsHint")}>
            <ChipsInput values={rule.tags} onChange={(tags) => onChange({ ...rule, tags })} />
          </Field>
        </>
      );
    case "field":
      return <FieldRuleOptions rule={rule} onChange={onChange} refs={refs} err={err} />;
    case "channel_kind":
      return (
        <>
          {operator(["has", "lacks"])}
          <Field label={t("segments.rule.kind")} error={err("kind")}>
            <Select
              value={rule.kind}
              options={options(CONSENT_CHANNELS, channelLabel)}
              onChange={(e) => onChange({ ...rule, kind: e.currentTarget.value as "email" })}
            />
          </Field>
        </>
      );
    case "channel":
      return (
        <>
          {operator(["has", "lacks"])}
          <Field label={t("segments.rule.channel")} error={err("channel_id")}>
            <Select
              value={rule.channel_id}
              placeholder={t("segments.choose")}
              options={refs.channels.map((c) => ({ value: c.id, label: c.name }))}
              onChange={(e) => onChange({ ...rule, channel_id: e.currentTarget.value })}
            />
          </Field>
        </>
      );
    case "consent":
      return (
        <>
          <Field label={t("segments.rule.kind")} error={err("channel")}>
            <Select
              value={rule.channel}
              options={options(CONSENT_CHANNELS, channelLabel)}
              onChange={(e) => onChange({ ...rule, channel: e.currentTarget.value as "email" })}
            />
          </Field>
          <Field label={t("segments.rule.status")} error={err("status")}>
            <Select
              value={rule.status}
              options={options(["opted_in", "opted_out", "not_opted_out"], (s) =>
                t(`segments.consent.${s}`),
              )}
              onChange={(e) => onChange({ ...rule, status: e.currentTarget.value as "opted_in" })}
            />
          </Field>
        </>
      );
    case "last_activity":
      return (
        <>
          {operator(["within", "not_within"])}
          {days(rule.days, (n) => onChange({ ...rule, days: n as number }))}
        </>
      );
    case "created":
      return (
        <>
          {operator(["before", "after", "within_last"])}
          {rule.operator === "within_last" ? (
            days(rule.days, (n) => onChange({ ...rule, days: n }))
          ) : (
            <Field label={t("segments.rule.date")} error={err("date")}>
              <TextInput
                type="date"
                value={rule.date ?? ""}
                onInput={(e) => onChange({ ...rule, date: e.currentTarget.value || undefined })}
              />
            </Field>
          )}
        </>
      );
    case "language":
    case "timezone":
      return (
        <>
          {operator(["in", "not_in"])}
          <Field
            label={t(`segments.rule.${rule.type}s`)}
            error={err("values")}
            hint={t("segments.chipsHint")}
          >
            <ChipsInput
              values={rule.values}
              placeholder={rule.type === "language" ? "es, pt-BR" : "Europe/Madrid"}
              onChange={(values) => onChange({ ...rule, values })}
            />
          </Field>
        </>
      );
  }
}

function FieldRuleOptions({
  rule,
  onChange,
  refs,
  err,
}: {
  rule: FieldRule;
  onChange: (rule: SegmentRule) => void;
  refs: Refs;
  err: (name: string) => string | undefined;
}) {
  const field = refs.fields.find((f) => f.key === rule.field);
  const ops = field ? FIELD_OPERATORS[field.type] : [];
  return (
    <>
      <Field label={t("segments.rule.field")} error={err("field")}>
        <Select
          value={rule.field}
          placeholder={t("segments.choose")}
          options={refs.fields.map((f) => ({ value: f.key, label: f.label }))}
          onChange={(e) => {
            const next = refs.fields.find((f) => f.key === e.currentTarget.value);
            const op = next ? (FIELD_OPERATORS[next.type][0] ?? "eq") : "eq";
            onChange(valueAfter({ ...rule, field: e.currentTarget.value, operator: op }, next));
          }}
        />
      </Field>
      {field && (
        <Field label={t("segments.rule.operator")} error={err("operator")}>
          <Select
            value={rule.operator}
            options={options(ops, (op) => fieldOperatorLabel(op))}
            onChange={(e) =>
              onChange(
                valueAfter(
                  { ...rule, operator: e.currentTarget.value as FieldRule["operator"] },
                  field,
                ),
              )
            }
          />
        </Field>
      )}
      {field && rule.operator !== "set" && rule.operator !== "unset" && (
        <FieldValueInput rule={rule} field={field} onChange={onChange} error={err("value")} />
      )}
    </>
  );
}

function FieldValueInput({
  rule,
  field,
  onChange,
  error,
}: {
  rule: FieldRule;
  field: ContactField;
  onChange: (rule: SegmentRule) => void;
  error?: string;
}) {
  if (rule.operator === "within_last")
    return (
      <Field label={t("segments.rule.days")} error={error}>
        <NumberInput
          value={typeof rule.value === "number" ? rule.value : undefined}
          onChange={(value) => onChange({ ...rule, value })}
        />
      </Field>
    );
  if (rule.operator === "in") {
    const chosen = Array.isArray(rule.value) ? rule.value : [];
    return (
      <fieldset class="field plain-fieldset">
        <legend class="label">{t("segments.rule.values")}</legend>
        <div class="check-row">
          {field.options.map((option) => (
            <Checkbox
              key={option}
              label={option}
              checked={chosen.includes(option)}
              onChange={(on) =>
                onChange({
                  ...rule,
                  value: on ? [...chosen, option] : chosen.filter((o) => o !== option),
                })
              }
            />
          ))}
        </div>
        {error && <span class="field-error">{error}</span>}
      </fieldset>
    );
  }
  return (
    <Field label={t("segments.rule.value")} error={error}>
      <FieldInput
        field={field}
        value={(rule.value ?? null) as FieldValue | null}
        onChange={(value) => onChange({ ...rule, value: value ?? undefined })}
      />
    </Field>
  );
}

function NumberInput({
  value,
  onChange,
  ...aria
}: {
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  /** set by Field */
  id?: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
}) {
  return (
    <input
      {...aria}
      class="input"
      type="number"
      min={1}
      step={1}
      value={value === undefined ? "" : String(value)}
      onInput={(e) => {
        const text = e.currentTarget.value;
        onChange(text === "" ? undefined : Number(text));
      }}
    />
  );
}

/** A field operator in words: the contact filter's, plus the two only segments have. */
export function fieldOperatorLabel(op: FieldRule["operator"]) {
  return op === "within_last" || op === "in"
    ? t(`segments.op.field.${op}`)
    : t(`contacts.op.${op}`);
}
