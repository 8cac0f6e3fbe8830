import { CalendarOff, Clock, Plus, Trash2, X } from "lucide-preact";
import { useMemo, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  type Column,
  Combobox,
  confirmAction,
  DataTable,
  Dialog,
  EmptyState,
  editDeleteColumn,
  Field,
  formatDate,
  IconButton,
  problemMessage,
  SkeletonRows,
  Switch,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import "./people.css";
import { timezoneOptions } from "./places";
import { listOf, useLoad } from "./use-load";

type Hours = components["schemas"]["BusinessHours"];
type Interval = { open: string; close: string };
type Closure = { from: string; to: string; name?: string };
type Draft = { name: string; timezone: string; days: Interval[][]; closures: Closure[] };

/** Monday first: the order people read a working week in. */
const WEEK = [1, 2, 3, 4, 5, 6, 0];
// 7 January 2024 was a Sunday: day d of the week is the 7th + d
const dayName = (day: number, weekday: "long" | "short") =>
  formatDate(Date.UTC(2024, 0, 7 + day, 12), { weekday, timeZone: "UTC" });

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

const emptyDraft = (): Draft => ({
  name: "",
  timezone: browserZone(),
  days: Array.from({ length: 7 }, (_, day) =>
    day >= 1 && day <= 5 ? [{ open: "09:00", close: "17:00" }] : [],
  ),
  closures: [],
});

function draftOf(hours: Hours): Draft {
  const days: Interval[][] = Array.from({ length: 7 }, () => []);
  for (const w of hours.weekly) days[w.day]?.push({ open: w.open, close: w.close });
  return {
    name: hours.name,
    timezone: hours.timezone,
    days,
    closures: hours.closures.map((c) => ({ ...c })),
  };
}

/** An interval's error in the agent's language when it is the API's "close must be after open". */
const intervalError = (message: string | undefined) =>
  message === "close must be after open" ? t("business-hours.closeAfterOpen") : message;

/** The weekly list the API takes, Sunday first; its index n is `weekly.n` in errors. */
const weeklyOf = (days: Interval[][]) =>
  days.flatMap((intervals, day) => intervals.map((i) => ({ day, ...i })));

const indexInWeekly = (days: Interval[][], day: number, i: number) =>
  days.slice(0, day).reduce((sum, d) => sum + d.length, 0) + i;

const intervalText = (intervals: { open: string; close: string }[]) =>
  intervals.map((i) => `${i.open}–${i.close}`).join(", ");

/** "Mon–Fri 09:00–17:00 · Sat 10:00–14:00": consecutive days with the same hours grouped. */
function weekSummary(hours: Hours) {
  const groups: { from: number; to: number; text: string }[] = [];
  for (const day of WEEK) {
    const text = intervalText(hours.weekly.filter((w) => w.day === day));
    const last = groups.at(-1);
    if (text && last?.text === text && WEEK.indexOf(last.to) === WEEK.indexOf(day) - 1)
      last.to = day;
    else if (text) groups.push({ from: day, to: day, text });
  }
  if (groups.length === 0) return t("business-hours.alwaysClosed");
  return groups
    .map((g) =>
      g.from === g.to
        ? `${dayName(g.from, "short")} ${g.text}`
        : `${dayName(g.from, "short")}–${dayName(g.to, "short")} ${g.text}`,
    )
    .join(" · ");
}

/** Open now, or when it opens next, told in the schedule's own zone. */
function OpenStatus({ hours }: { hours: Hours }) {
  if (hours.open_now) return <Badge tone="success">{t("business-hours.openNow")}</Badge>;
  if (!hours.next_opening) return <Badge>{t("business-hours.neverOpens")}</Badge>;
  const when = formatDate(hours.next_opening, {
    timeZone: hours.timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
  return <Badge tone="warning">{t("business-hours.opensAt", { when })}</Badge>;
}

const localTime = (zone: string) =>
  formatDate(Date.now(), { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit" });

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

function HoursDrawer({
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
  const { busy, errors, submit } = useSubmit(
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
    { success: t("business-hours.saved") },
  );
  const setDay = (day: number, intervals: Interval[]) =>
    setDraft({ ...draft, days: draft.days.map((d, i) => (i === day ? intervals : d)) });
  return (
    <Dialog
      open
      kind="drawer"
      wide
      onClose={onClose}
      title={editing ? t("business-hours.edit") : t("business-hours.new")}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" type="submit" form="hours-form" loading={busy}>
            {t("common.save")}
          </Button>
        </>
      }
    >
      <form id="hours-form" class="form" onSubmit={submit} noValidate>
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
                  errors[`weekly.${n}.close`] ??
                    errors[`weekly.${n}.open`] ??
                    errors[`weekly.${n}`],
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
      </form>
    </Dialog>
  );
}

export default function BusinessHoursScreen() {
  const { data, reload } = useLoad<{ data: Hours[] }>("/api/v1/business-hours");
  const rows = listOf(data);
  const [editing, setEditing] = useState<Hours | null | undefined>(undefined);

  const remove = async (hours: Hours) => {
    const ok = await confirmAction({
      title: t("common.deleteConfirm", { name: hours.name }),
      body: t("business-hours.deleteBody"),
      confirm: t("common.delete"),
      danger: true,
    });
    if (!ok) return;
    try {
      await request(`/api/v1/business-hours/${hours.id}`, { method: "DELETE" });
      toast.success(t("business-hours.deleted", { name: hours.name }));
      reload();
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };

  const columns: Column<Hours>[] = [
    {
      key: "name",
      header: t("business-hours.name"),
      sortBy: (h) => h.name,
      render: (h) => (
        <div class="cell-stack">
          <strong>{h.name}</strong>
          <span class="muted small">{weekSummary(h)}</span>
        </div>
      ),
    },
    {
      key: "timezone",
      header: t("business-hours.timezone"),
      sortBy: (h) => h.timezone,
      render: (h) => (
        <div class="cell-stack">
          <span>{h.timezone.replaceAll("_", " ")}</span>
          <span class="muted small">{localTime(h.timezone)}</span>
        </div>
      ),
    },
    { key: "status", header: t("business-hours.status"), render: (h) => <OpenStatus hours={h} /> },
    {
      key: "holidays",
      header: t("business-hours.holidays"),
      sortBy: (h) => h.closures.length,
      render: (h) => t("business-hours.holidayCount", { count: h.closures.length }),
    },
    editDeleteColumn({
      class: "actions",
      editLabel: (h) => t("business-hours.editNamed", { name: h.name }),
      deleteLabel: (h) => t("business-hours.deleteNamed", { name: h.name }),
      onEdit: setEditing,
      onDelete: remove,
    }),
  ];

  const create = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing(null)}>
      {t("business-hours.new")}
    </Button>
  );

  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>{t("business-hours.title")}</h1>
          <p>{t("business-hours.description")}</p>
        </div>
        {rows && rows.length > 0 && create}
      </div>
      {!rows ? (
        <SkeletonRows rows={3} />
      ) : rows.length === 0 ? (
        <EmptyState
          icon={<Clock size={22} />}
          title={t("business-hours.emptyTitle")}
          action={create}
        >
          {t("business-hours.emptyBody")}
        </EmptyState>
      ) : (
        <DataTable
          label={t("business-hours.title")}
          columns={columns}
          rows={rows}
          rowKey={(h) => h.id}
          initialSort={{ key: "name", direction: "asc" }}
        />
      )}
      {editing !== undefined && (
        <HoursDrawer
          editing={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            reload();
          }}
        />
      )}
    </div>
  );
}
