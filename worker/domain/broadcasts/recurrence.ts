import type { BroadcastRecurrence } from "../../db/schema";
import { instantOf, localParts } from "../routing/hours";

const toMinutes = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

const daysInMonth = (year: number, month: number) =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Whether the recurrence sends on this local date (a day past the month's end means its last). */
function sendsOn(recurrence: BroadcastRecurrence, date: string, weekday: number) {
  const [year = 1970, month = 1, day = 1] = date.split("-").map(Number);
  const onDayOfMonth = () =>
    day === Math.min(recurrence.day_of_month ?? 1, daysInMonth(year, month));
  switch (recurrence.every) {
    case "daily":
      return true;
    case "weekly":
      return (recurrence.days_of_week ?? []).includes(weekday);
    case "monthly":
      return onDayOfMonth();
    case "yearly":
      return month === recurrence.month && onDayOfMonth();
  }
}

/** The period a run belongs to: its local date, month or year. */
function periodKeyOf(recurrence: BroadcastRecurrence, date: string) {
  if (recurrence.every === "monthly") return date.slice(0, 7);
  if (recurrence.every === "yearly") return date.slice(0, 4);
  return date;
}

/**
 * The period whose run is due at `now`: today (local) is a sending day and its `time` has come.
 * The local clock decides, so 09:00 stays 09:00 across DST; a time the clocks skip is due when
 * they jump past it, and a doubled hour is still the same period. A run due before `since`
 * (when the recurrence was set) is not. Late ticks catch up within the same local day.
 */
export function duePeriod(
  recurrence: BroadcastRecurrence,
  timezone: string,
  now: number,
  since: number,
) {
  const local = localParts(now, timezone);
  if (!sendsOn(recurrence, local.date, local.day)) return null;
  const time = toMinutes(recurrence.time);
  if (local.minutes < time) return null;
  if (instantOf(local.date, time, timezone) < since) return null;
  return { key: periodKeyOf(recurrence, local.date), at: instantOf(local.date, time, timezone) };
}

/** Whether the recurrence makes no more runs after run number `runs`, at `now`. */
export function recurrenceEnded(recurrence: BroadcastRecurrence, runs: number, now: number) {
  const { ends } = recurrence;
  if (ends?.after_runs !== undefined && runs >= ends.after_runs) return true;
  return ends?.at !== undefined && now >= Date.parse(ends.at);
}

const DAY = 24 * 60 * 60 * 1000;
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString();

/** A year and a month: every recurrence sends at least once within it. */
const LOOKAHEAD_DAYS = 366 + 31;

/**
 * When the recurrence runs next after `now` (and not before `since`, its first run), after
 * `runs` runs so far; null once it has ended. Periods already due are not looked back at.
 */
export function nextRunAt(
  recurrence: BroadcastRecurrence,
  timezone: string,
  now: number,
  since: number,
  runs: number,
) {
  const from = Math.max(now, since);
  const time = toMinutes(recurrence.time);
  let date = localParts(from, timezone).date;
  for (let i = 0; i < LOOKAHEAD_DAYS; i++) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const at = sendsOn(recurrence, date, weekday) ? instantOf(date, time, timezone) : null;
    if (at !== null && at >= from) return recurrenceEnded(recurrence, runs, at) ? null : at;
    date = nextDate(date).slice(0, 10);
  }
  return null;
}
