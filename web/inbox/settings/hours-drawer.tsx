import { CalendarOff, Plus, Trash2, X } from "lucide-preact";
import { useMemo, useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Button,
  Combobox,
  Field,
  FormDialog,
  IconButton,
  Switch,
  TextInput,
  t,
  useSubmit,
} from "../../shared/ui";
import {
  type Closure,
  type Draft,
  dayName,
  draftOf,
  emptyDraft,
  type Hours,
  type Interval,
  indexInWeekly,
  intervalError,
  localTime,
  WEEK,
  weeklyOf,
} from "./hours-format";
import { timezoneOptions } from "./places";

function DayRow({
  day,
  intervals,
  errorAt,
  onChange,
}: {
  day: number;
  intervals: Interval[];
  errorAt: (i: number) => string | undefined;
  onChange: (intervals: Interval[]) => void;
}) {
  const name = dayName(day, "long");
  const set = (i: number, patch: Partial<Interval>) =>
    onChange(intervals.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <div class="day-row" data-day={day}>
      <div class="day-name">
        <Switch
          checked={intervals.length > 0}
          label={name}
          onChange={(on) => onChange(on ? [{ open: "09:00", close: "17:00" }] : [])}
        />
      </div>
      <div class="day-intervals">
        {intervals.length === 0 && <span class="muted">{t("business-hours.closed")}</span>}
        {intervals.map((interval, i) => {
          const error = errorAt(i);
          const errorId = `err-${day}-${i}`;
          return (
            <div key={i} class="interval">
              <div class="interval-times">
                <input
                  type="time"
                  class="input"
                  aria-label={t("business-hours.opensOn", { day: name })}
                  value={interval.open}
                  onInput={(e) => set(i, { open: e.currentTarget.value })}
                />
                <span aria-hidden="true">–</span>
                <input
                  type="time"
                  class="input"
                  aria-label={t("business-hours.closesOn", { day: name })}
                  aria-invalid={error ? "true" : undefined}
                  aria-describedby={error ? errorId : undefined}
                  value={interval.close === "24:00" ? "23:59" : interval.close}
                  onInput={(e) => set(i, { close: e.currentTarget.value })}
                />
                <IconButton
                  size="sm"
                  label={t("business-hours.removeInterval")}
                  icon={<X size={14} />}
                  onClick={() => onChange(intervals.filter((_, j) => j !== i))}
                />
              </div>
              {error && (
                <span id={errorId} class="field-error" role="alert">
                  {error}
                </span>
              )}
            </div>
          );
        })}
        {intervals.length > 0 && (
          <Button
            size="sm"
            variant="ghost"
            icon={<Plus size={14} />}
            onClick={() => {
              const last = intervals.at(-1);
              onChange([...intervals, { open: last?.close ?? "13:00", close: "18:00" }]);
            }}
          >
            {t("business-hours.addInterval")}
          </Button>
        )}
      </div>
    </div>
  );
}

function ClosureRows({
  closures,
  errors,
  onChange,
}: {
  closures: Closure[];
  errors: Record<string, string>;
  onChange: (closures: Closure[]) => void;
}) {
  const set = (i: number, patch: Partial<Closure>) =>
    onChange(closures.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <div class="closures">
      {closures.length === 0 && <p class="muted">{t("business-hours.noHolidays")}</p>}
      {closures.map((c, i) => (
        <div key={i} class="closure" data-closure={i}>
          <Field label={t("business-hours.holidayName")} error={errors[`closures.${i}.name`]}>
            <TextInput
              value={c.name ?? ""}
              onInput={(e) => set(i, { name: e.currentTarget.value })}
            />
          </Field>
          <Field label={t("business-hours.from")} error={errors[`closures.${i}.from`]}>
            <input
              type="date"
              class="input"
              value={c.from}
              onInput={(e) => {
                const from = e.currentTarget.value;
                set(i, { from, to: !c.to || c.to < from ? from : c.to });
              }}
            />
          </Field>
          <Field label={t("business-hours.to")} error={errors[`closures.${i}.to`]}>
            <input
              type="date"
              class="input"
              value={c.to}
              onInput={(e) => set(i, { to: e.currentTarget.value })}
            />
          </Field>
          <IconButton
            label={t("business-hours.removeHoliday")}
            icon={<Trash2 size={16} />}
            onClick={() => onChange(closures.filter((_, j) => j !== i))}
          />
        </div>
      ))}
      <Button
        size="sm"
        icon={<CalendarOff size={14} />}
        onClick={() => {
          const today = new Date().toISOString().slice(0, 10);
          onChange([...closures, { name: "", from: today, to: today }]);
        }}
      >
        {t("business-hours.addHoliday")}
      </Button>
    </div>
  );
}

export function HoursDrawer({
  editing,
  onClose,
  onSaved,
}: {
  editing: Hours | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => (editing ? draftOf(editing) : emptyDraft()));
  const zones = useMemo(timezoneOptions, []);
  const form = useSubmit(
    async () => {
      const body = {
        name: draft.name,
        timezone: draft.timezone,
        weekly: weeklyOf(draft.days),
        closures: draft.closures.map((c) => (c.name?.trim() ? c : { from: c.from, to: c.to })),
      };
      await request(editing ? `/api/v1/business-hours/${editing.id}` : "/api/v1/business-hours", {
        method: editing ? "PATCH" : "POST",
        json: body,
      });
      onSaved();
    },
    { success: t("business-hours.saved"), inline: true },
  );
  const { errors } = form;
  const setDay = (day: number, intervals: Interval[]) =>
    setDraft({ ...draft, days: draft.days.map((d, i) => (i === day ? intervals : d)) });
  return (
    <FormDialog
      open
      kind="drawer"
      wide
      onClose={onClose}
      title={editing ? t("business-hours.edit") : t("business-hours.new")}
      form={form}
    >
      <Field label={t("business-hours.name")} error={errors.name}>
        <TextInput
          name="name"
          value={draft.name}
          placeholder={t("business-hours.namePlaceholder")}
          onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
        />
      </Field>
      <Field
        label={t("business-hours.timezone")}
        error={errors.timezone}
        hint={t("business-hours.localTime", { time: localTime(draft.timezone) })}
      >
        <Combobox
          options={zones}
          value={draft.timezone}
          onChange={(timezone) => setDraft({ ...draft, timezone })}
        />
      </Field>
      <fieldset class="fieldset">
        <legend>{t("business-hours.weekly")}</legend>
        {errors.weekly && <span class="field-error">{errors.weekly}</span>}
        {WEEK.map((day) => (
          <DayRow
            key={day}
            day={day}
            intervals={draft.days[day] ?? []}
            onChange={(intervals) => setDay(day, intervals)}
            errorAt={(i) => {
              const n = indexInWeekly(draft.days, day, i);
              return intervalError(
                errors[`weekly.${n}.close`] ?? errors[`weekly.${n}.open`] ?? errors[`weekly.${n}`],
              );
            }}
          />
        ))}
      </fieldset>
      <fieldset class="fieldset">
        <legend>{t("business-hours.holidays")}</legend>
        <p class="hint muted">{t("business-hours.holidaysHint")}</p>
        <ClosureRows
          closures={draft.closures}
          errors={errors}
          onChange={(closures) => setDraft({ ...draft, closures })}
        />
      </fieldset>
    </FormDialog>
  );
}
