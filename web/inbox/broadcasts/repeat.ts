/** A recurring broadcast's rule: the form that edits it, the API's shape, and it in words. */
import type { components } from "../../../client/schema";
import { currentLanguage, formatDate, formatNumber, t } from "../../shared/ui";
import { dayName } from "../settings/hours-format";
import { instantOf, nowWall, wallTimeIn } from "./zoned";

export type Recurrence = components["schemas"]["BroadcastRecurrence"];
export type Every = Recurrence["every"];
export const EVERY: Every[] = ["daily", "weekly", "monthly", "yearly"];
export type Ends = "never" | "on" | "after";
export const ENDS: Ends[] = ["never", "on", "after"];

/** The repeat form: every field is kept while the period changes, so going back loses nothing. */
export type Repeat = {
  every: Every;
  days: number[];
  dayOfMonth: number;
  month: number;
  time: string;
  ends: Ends;
  /** the last local date a run may fall on (YYYY-MM-DD) */
  until: string;
  afterRuns: number;
};

const HOUR_MINUTE = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const dateAfter = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Weekly on today's weekday, monthly on today's date, at 09:00, with no end. */
export function freshRepeat(zone: string): Repeat {
  const today = nowWall(zone).slice(0, 10);
  const [, month = 1, day = 1] = today.split("-").map(Number);
  return {
    every: "weekly",
    days: [new Date(`${today}T00:00:00Z`).getUTCDay()],
    dayOfMonth: day,
    month,
    time: "09:00",
    ends: "never",
    until: dateAfter(today, 90),
    afterRuns: 10,
  };
}

export const repeatReady = (repeat: Repeat) =>
  HOUR_MINUTE.test(repeat.time) &&
  (repeat.every !== "weekly" || repeat.days.length > 0) &&
  (repeat.ends !== "on" || DATE.test(repeat.until)) &&
  (repeat.ends !== "after" || repeat.afterRuns >= 1);

function endsOf(repeat: Repeat, zone: string): Recurrence["ends"] {
  if (repeat.ends === "after") return { after_runs: repeat.afterRuns };
  // no run at or after the start of the day after the last one
  const at = repeat.ends === "on" ? instantOf(`${dateAfter(repeat.until, 1)}T00:00`, zone) : null;
  return at ? { at } : undefined;
}

/** The API's recurrence for the form (in the workspace's time zone: the API's default). */
export function recurrenceOf(repeat: Repeat, zone: string): Recurrence {
  const { every, time } = repeat;
  const period =
    every === "weekly"
      ? { days_of_week: [...repeat.days].sort() }
      : every === "monthly"
        ? { day_of_month: repeat.dayOfMonth }
        : every === "yearly"
          ? { month: repeat.month, day_of_month: repeat.dayOfMonth }
          : {};
  const ends = endsOf(repeat, zone);
  return { every, time, ...period, ...(ends ? { ends } : {}) };
}

/** The form for a saved recurrence. */
export function repeatOf(recurrence: Recurrence, zone: string): Repeat {
  const fresh = freshRepeat(zone);
  const { ends } = recurrence;
  return {
    ...fresh,
    every: recurrence.every,
    days: recurrence.days_of_week ?? fresh.days,
    dayOfMonth: recurrence.day_of_month ?? fresh.dayOfMonth,
    month: recurrence.month ?? fresh.month,
    time: recurrence.time,
    ends: ends?.after_runs ? "after" : ends?.at ? "on" : "never",
    until: ends?.at ? wallTimeIn(zone, Date.parse(ends.at) - 1).slice(0, 10) : fresh.until,
    afterRuns: ends?.after_runs ?? fresh.afterRuns,
  };
}

type WeekInfo = { firstDay: number };
type LocaleWithWeek = Intl.Locale & { getWeekInfo?: () => WeekInfo; weekInfo?: WeekInfo };

/** The days of the week (0 is Sunday) in the order the agent's locale starts its week. */
export function weekInLocaleOrder(): number[] {
  let first = 1;
  try {
    const locale = new Intl.Locale(currentLanguage()).maximize() as LocaleWithWeek;
    first = (locale.getWeekInfo?.() ?? locale.weekInfo)?.firstDay ?? 1;
  } catch {
    // an engine without week data: Monday first
  }
  return Array.from({ length: 7 }, (_, i) => (first + i) % 7);
}

/** "Monday and Thursday", in the locale's order and words. */
function daysInWords(days: number[]) {
  const names = weekInLocaleOrder()
    .filter((day) => days.includes(day))
    .map((day) => dayName(day, "long"));
  return new Intl.ListFormat(currentLanguage(), { type: "conjunction" }).format(names);
}

const monthDay = (month: number, day: number) =>
  formatDate(Date.UTC(2024, month - 1, day, 12), {
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });

/** "Every Monday and Thursday at 09:00, until 31 Jan 2027" */
export function repeatSummary(recurrence: Recurrence, zone: string) {
  const { time } = recurrence;
  const day = recurrence.day_of_month ?? 1;
  const rule =
    recurrence.every === "weekly"
      ? t("broadcasts.repeat.summary.weekly", {
          days: daysInWords(recurrence.days_of_week ?? []),
          time,
        })
      : recurrence.every === "monthly"
        ? t("broadcasts.repeat.summary.monthly", { day: formatNumber(day), time })
        : recurrence.every === "yearly"
          ? t("broadcasts.repeat.summary.yearly", {
              date: monthDay(recurrence.month ?? 1, day),
              time,
            })
          : t("broadcasts.repeat.summary.daily", { time });
  const { ends } = recurrence;
  if (ends?.after_runs)
    return t("broadcasts.repeat.summary.times", {
      rule,
      count: ends.after_runs,
      n: formatNumber(ends.after_runs),
    });
  if (ends?.at)
    return t("broadcasts.repeat.summary.until", {
      rule,
      // the last day a run may fall on: the one the end's instant closes
      date: formatDate(Date.parse(ends.at) - 1, { dateStyle: "medium", timeZone: zone }),
    });
  return rule;
}
