import { formatDate, formatNumber } from "../../shared/ui";

const unit = (value: number, name: "day" | "hour" | "minute" | "second") =>
  formatNumber(value, { style: "unit", unit: name, unitDisplay: "short" });

/** A duration for people: "45 sec", "4 min", "2 hr 5 min", "3 days 4 hr"; "—" when none. */
export function formatDuration(seconds: number | null) {
  if (seconds === null) return "—";
  if (seconds < 60) return unit(Math.round(seconds), "second");
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return unit(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${unit(hours, "hour")} ${unit(rest, "minute")}` : unit(hours, "hour");
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${unit(days, "day")} ${unit(rest, "hour")}` : unit(days, "day");
}

/** A share given in percent (87.5) as the UI language writes it; "—" when none. */
export const formatPercent = (value: number | null) =>
  value === null ? "—" : formatNumber(value / 100, { style: "percent", maximumFractionDigits: 1 });

export type Change = { direction: "up" | "down" | "flat"; text: string } | null;

/** How `now` compares with `before`, in percent; null when there is nothing to compare with. */
export function changeOf(now: number | null, before: number | null): Change {
  if (now === null || before === null || before === 0) return null;
  const ratio = (now - before) / before;
  const text = formatNumber(Math.abs(ratio), { style: "percent", maximumFractionDigits: 0 });
  if (Math.round(ratio * 100) === 0) return { direction: "flat", text };
  return { direction: ratio > 0 ? "up" : "down", text };
}

/** A series' period ("2026-11-01", or "2026-11-01T13:00" by hour) as a short axis label. */
export function periodLabel(period: string, byHour: boolean) {
  const at = period.length === 10 ? `${period}T00:00` : period;
  return byHour
    ? formatDate(at, { day: "numeric", month: "short", hour: "numeric" })
    : formatDate(at, { day: "numeric", month: "short" });
}

/** A day ("2026-11-01") as the UI language writes it. */
export const dayLabel = (day: string) => formatDate(`${day}T00:00`, { dateStyle: "medium" });

/** Weekday names, Sunday (0) first, in the UI language. */
export const weekdayNames = (style: "short" | "long") =>
  Array.from({ length: 7 }, (_, day) =>
    // 2023-01-01 was a Sunday
    formatDate(Date.UTC(2023, 0, 1 + day, 12), { weekday: style, timeZone: "UTC" }),
  );
