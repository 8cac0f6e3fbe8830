/**
 * Business hours: weekly opening intervals in an IANA timezone, with closures (holidays) as
 * local date ranges. All computations go through local wall-clock time, so DST changes move
 * the opening instants the way people expect.
 */

import type { Closure, WeeklyInterval } from "../../db/schema";

export type BusinessHours = { timezone: string; weekly: WeeklyInterval[]; closures: Closure[] };

const MINUTE = 60_000;
const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string) {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timezone, f);
  }
  return f;
}

export const isTimezone = (timezone: string) => {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
};

/** Wall-clock parts of an instant in the timezone. */
export function localParts(at: number, timezone: string) {
  const parts = Object.fromEntries(
    formatter(timezone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return {
    date,
    day: DAY_NAMES.indexOf(parts.weekday ?? ""),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    seconds: Number(parts.second),
  };
}

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The offset (local − UTC, ms) in effect at an instant. */
function offsetAt(at: number, timezone: string) {
  const p = localParts(at, timezone);
  const [y, mo, d] = p.date.split("-").map(Number);
  const asUtc = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, 0, p.minutes, p.seconds);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a local date and minute-of-day happen. A time skipped by DST is moved forward by
 * the gap (02:30 on the spring-forward night is 03:30), as Temporal's "compatible" rule does.
 */
export function instantOf(date: string, minutes: number, timezone: string) {
  const [y, mo, d] = date.split("-").map(Number);
  const wall = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, 0, minutes);
  let guess = wall - offsetAt(wall, timezone);
  guess = wall - offsetAt(guess, timezone);
  const back = localParts(guess, timezone);
  if (back.date === date && back.minutes === minutes % (24 * 60)) return guess;
  const day = 24 * 60 * MINUTE;
  return Math.max(wall - offsetAt(wall - day, timezone), wall - offsetAt(wall + day, timezone));
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 24 * 60 * MINUTE).toISOString().slice(0, 10);

const closedOn = (hours: BusinessHours, date: string) =>
  hours.closures.some((c) => c.from <= date && date <= c.to);

/** Opening intervals of a local date, as instants. */
function intervalsOn(hours: BusinessHours, date: string): [number, number][] {
  if (closedOn(hours, date)) return [];
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  return hours.weekly
    .filter((w) => w.day === day)
    .map((w): [number, number] => [
      instantOf(date, toMinutes(w.open), hours.timezone),
      toMinutes(w.close) >= 24 * 60
        ? instantOf(addDays(date, 1), 0, hours.timezone)
        : instantOf(date, toMinutes(w.close), hours.timezone),
    ])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
}

/** Opening intervals from `at` onwards, day by day, for up to `days` days. */
function* intervalsFrom(hours: BusinessHours, at: number, days = 400) {
  const start = localParts(at, hours.timezone).date;
  for (let i = -1; i < days; i++) {
    for (const [from, to] of intervalsOn(hours, addDays(start, i))) {
      if (to > at) yield [Math.max(from, at), to] as const;
    }
  }
}

export function isOpen(hours: BusinessHours, at: number) {
  const first = intervalsFrom(hours, at, 1).next();
  return !first.done && first.value[0] <= at;
}

/** When the business is next open (now, if it is). Null when it never opens. */
export function nextOpening(hours: BusinessHours, at: number): number | null {
  const first = intervalsFrom(hours, at).next();
  return first.done ? null : first.value[0];
}

/**
 * When the next open period begins after `at`: the one in progress does not count, and back-to-back
 * intervals (18:00–24:00 then 00:00–02:00) are one period. Null when it never opens again.
 */
export function nextPeriodStart(hours: BusinessHours, at: number): number | null {
  let openUntil = at;
  for (const [from, to] of intervalsFrom(hours, at)) {
    if (from > openUntil) return from;
    openUntil = Math.max(openUntil, to);
  }
  return null;
}

/** Open time between two instants, in milliseconds: report durations in business hours. */
export function openMsBetween(hours: BusinessHours, from: number, to: number) {
  let open = 0;
  for (const [start, end] of intervalsFrom(hours, from)) {
    if (start >= to) break;
    open += Math.min(end, to) - start;
  }
  return open;
}

/** The instant `minutes` of open time after `start`: SLA targets count business time only. */
export function addBusinessMinutes(hours: BusinessHours, start: number, minutes: number) {
  let left = minutes * MINUTE;
  for (const [from, to] of intervalsFrom(hours, start)) {
    if (to - from >= left) return from + left;
    left -= to - from;
  }
  return null;
}
