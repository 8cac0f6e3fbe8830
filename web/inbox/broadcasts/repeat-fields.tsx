import { Checkbox, Field, formatDate, Select, TextInput, t } from "../../shared/ui";
import { dayName } from "../settings/hours-format";
import { ENDS, EVERY, type Repeat, weekInLocaleOrder } from "./repeat";

const ERR = "schedule.recurrence";
const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
const monthName = (month: number) =>
  formatDate(Date.UTC(2024, month - 1, 1, 12), { month: "long", timeZone: "UTC" });

const whole = (value: string, min: number, max: number) =>
  Math.min(max, Math.max(min, Math.trunc(Number(value)) || min));

function DayOfMonth({ repeat, onChange, errors }: FieldsProps) {
  return (
    <Field
      label={t("broadcasts.repeat.dayOfMonth")}
      hint={t("broadcasts.repeat.dayOfMonthHint")}
      error={errors[`${ERR}.day_of_month`]}
    >
      <TextInput
        type="number"
        min={1}
        max={31}
        value={repeat.dayOfMonth}
        onInput={(e) => onChange({ ...repeat, dayOfMonth: whole(e.currentTarget.value, 1, 31) })}
      />
    </Field>
  );
}

function Weekdays({ repeat, onChange, errors }: FieldsProps) {
  const toggle = (day: number, on: boolean) =>
    onChange({
      ...repeat,
      days: on ? [...repeat.days, day] : repeat.days.filter((d) => d !== day),
    });
  const error = errors[`${ERR}.days_of_week`];
  return (
    <fieldset class="plain-fieldset">
      <legend>{t("broadcasts.repeat.onDays")}</legend>
      <div class="check-row weekday-checks">
        {weekInLocaleOrder().map((day) => (
          <Checkbox
            key={day}
            checked={repeat.days.includes(day)}
            onChange={(on) => toggle(day, on)}
            label={dayName(day, "long")}
          />
        ))}
      </div>
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </fieldset>
  );
}

function EndsFields({ repeat, onChange, errors }: FieldsProps) {
  return (
    <fieldset class="plain-fieldset stack repeat-ends">
      <legend>{t("broadcasts.repeat.ends")}</legend>
      {ENDS.map((ends) => (
        <label key={ends} class="check-row ends-row">
          <input
            type="radio"
            name="repeat-ends"
            checked={repeat.ends === ends}
            onChange={() => onChange({ ...repeat, ends })}
          />
          <span>{t(`broadcasts.repeat.endsKinds.${ends}`)}</span>
        </label>
      ))}
      {repeat.ends === "on" && (
        <Field label={t("broadcasts.repeat.until")} error={errors[`${ERR}.ends.at`]}>
          <TextInput
            type="date"
            value={repeat.until}
            onInput={(e) => onChange({ ...repeat, until: e.currentTarget.value })}
          />
        </Field>
      )}
      {repeat.ends === "after" && (
        <Field label={t("broadcasts.repeat.afterRuns")} error={errors[`${ERR}.ends.after_runs`]}>
          <TextInput
            type="number"
            min={1}
            max={10000}
            value={repeat.afterRuns}
            onInput={(e) =>
              onChange({ ...repeat, afterRuns: whole(e.currentTarget.value, 1, 10_000) })
            }
          />
        </Field>
      )}
    </fieldset>
  );
}

type FieldsProps = {
  repeat: Repeat;
  onChange: (repeat: Repeat) => void;
  errors: Record<string, string>;
};

/** Every day, week (on some days), month or year, at a local time, until an end. */
export function RepeatFields({ repeat, onChange, errors, zone }: FieldsProps & { zone: string }) {
  const props = { repeat, onChange, errors };
  return (
    <div class="stack repeat-fields">
      {errors[ERR] && (
        <p class="field-error" role="alert">
          {errors[ERR]}
        </p>
      )}
      <Field label={t("broadcasts.repeat.every")} error={errors[`${ERR}.every`]}>
        <Select
          value={repeat.every}
          onChange={(e) => onChange({ ...repeat, every: e.currentTarget.value as Repeat["every"] })}
          options={EVERY.map((every) => ({
            value: every,
            label: t(`broadcasts.repeat.everyKinds.${every}`),
          }))}
        />
      </Field>
      {repeat.every === "weekly" && <Weekdays {...props} />}
      {repeat.every === "yearly" && (
        <Field label={t("broadcasts.repeat.month")} error={errors[`${ERR}.month`]}>
          <Select
            value={String(repeat.month)}
            onChange={(e) => onChange({ ...repeat, month: Number(e.currentTarget.value) })}
            options={MONTHS.map((m) => ({ value: String(m), label: monthName(m) }))}
          />
        </Field>
      )}
      {(repeat.every === "monthly" || repeat.every === "yearly") && <DayOfMonth {...props} />}
      <Field
        label={t("broadcasts.repeat.time")}
        error={errors[`${ERR}.time`]}
        hint={t("broadcasts.schedule.zone", { zone: zone.replaceAll("_", " ") })}
      >
        <TextInput
          type="time"
          value={repeat.time}
          onInput={(e) => onChange({ ...repeat, time: e.currentTarget.value })}
        />
      </Field>
      <EndsFields {...props} />
    </div>
  );
}
