import { instantOf, localParts } from "./effects";

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

const DAY = 24 * 60 * 60 * 1000;
const nextDate = (date: string, days = 1) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** Is the local minute-of-day inside [from, to)? A window may wrap midnight (21:00–08:00). */
export function inWindow(minutes: number, from: string, to: string) {
  const start = toMinutes(from);
  const end = toMinutes(to);
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/**
 * Quiet hours: when `at` falls inside the window in `timezone`, the instant the window ends (the
 * morning a message waits for); null when it may go now.
 */
export function quietUntil(at: number, quiet: { from: string; to: string }, timezone: string) {
  const local = localParts(at, timezone);
  if (!inWindow(local.minutes, quiet.from, quiet.to)) return null;
  const endMinutes = toMinutes(quiet.to);
  const endsToday = local.minutes < endMinutes;
  return instantOf(endsToday ? local.date : nextDate(local.date), endMinutes, timezone);
}

/** The next instant after `at` that is `time` in `timezone`, on one of `days` (0 = Sunday) if given. */
export function nextLocalTime(at: number, time: string, timezone: string, days?: number[]) {
  const local = localParts(at, timezone);
  const minutes = toMinutes(time);
  for (let offset = 0; offset <= 8; offset++) {
    const date = offset === 0 ? local.date : nextDate(local.date, offset);
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (days && !days.includes(weekday)) continue;
    const instant = instantOf(date, minutes, timezone);
    if (instant > at) return instant;
  }
  throw new Error("no such local time within a week");
}

/** Minutes since local midnight and weekday (0 = Sunday) of an instant in a timezone. */
export function localClock(at: number, timezone: string) {
  const local = localParts(at, timezone);
  return { minutes: local.minutes, day: local.day };
}
