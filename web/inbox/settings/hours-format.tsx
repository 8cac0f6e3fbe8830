import type { components } from "../../../client/schema";
import { Badge, formatDate, t } from "../../shared/ui";

export type Hours = components["schemas"]["BusinessHours"];
export type Interval = { open: string; close: string };
export type Closure = { from: string; to: string; name?: string };
export type Draft = { name: string; timezone: string; days: Interval[][]; closures: Closure[] };

/** Monday first: the order people read a working week in. */
export const WEEK = [1, 2, 3, 4, 5, 6, 0];
// 7 January 2024 was a Sunday: day d of the week is the 7th + d
export const dayName = (day: number, weekday: "long" | "short") =>
  formatDate(Date.UTC(2024, 0, 7 + day, 12), { weekday, timeZone: "UTC" });

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export const emptyDraft = (): Draft => ({
  name: "",
  timezone: browserZone(),
  days: Array.from({ length: 7 }, (_, day) =>
    day >= 1 && day <= 5 ? [{ open: "09:00", close: "17:00" }] : [],
  ),
  closures: [],
});

export function draftOf(hours: Hours): Draft {
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
export const intervalError = (message: string | undefined) =>
  message === "close must be after open" ? t("business-hours.closeAfterOpen") : message;

/** The weekly list the API takes, Sunday first; its index n is `weekly.n` in errors. */
export const weeklyOf = (days: Interval[][]) =>
  days.flatMap((intervals, day) => intervals.map((i) => ({ day, ...i })));

export const indexInWeekly = (days: Interval[][], day: number, i: number) =>
  days.slice(0, day).reduce((sum, d) => sum + d.length, 0) + i;

const intervalText = (intervals: { open: string; close: string }[]) =>
  intervals.map((i) => `${i.open}–${i.close}`).join(", ");

/** "Mon–Fri 09:00–17:00 · Sat 10:00–14:00": consecutive days with the same hours grouped. */
export function weekSummary(hours: Hours) {
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
export function OpenStatus({ hours }: { hours: Hours }) {
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

export const localTime = (zone: string) =>
  formatDate(Date.now(), { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit" });
