import { formatDate, t } from "../../shared/ui";
import { type ScheduledItem, startOfDay } from "./api";

export type Day = { key: string; label: string; items: ScheduledItem[] };

const keyOf = (date: Date) => startOfDay(date).toISOString();

/** "Today", "Tomorrow", "Yesterday", else the date in the agent's language. */
export function dayLabel(date: Date, now = new Date()) {
  const offset = Math.round((startOfDay(date).getTime() - startOfDay(now).getTime()) / 86_400_000);
  if (offset === 0) return t("scheduled.day.today");
  if (offset === 1) return t("scheduled.day.tomorrow");
  if (offset === -1) return t("scheduled.day.yesterday");
  const otherYear = date.getFullYear() !== now.getFullYear();
  return formatDate(date, {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(otherYear ? { year: "numeric" } : {}),
  });
}

/** The messages (already in send-time order) grouped by their local day. */
export function groupByDay(items: ScheduledItem[], now = new Date()): Day[] {
  const days: Day[] = [];
  for (const item of items) {
    const date = new Date(item.send_at);
    const key = keyOf(date);
    const last = days.at(-1);
    if (last?.key === key) last.items.push(item);
    else days.push({ key, label: dayLabel(date, now), items: [item] });
  }
  return days;
}

/** "Every 2 weeks", "Every day". */
export const repeatLabel = (repeat: NonNullable<ScheduledItem["repeat"]>) =>
  t(`scheduled.every.${repeat.unit}`, { count: repeat.every });

/** How a repeat ends: "until 3 Jan 2027" or "5 times in all". */
export function repeatEnd(repeat: NonNullable<ScheduledItem["repeat"]>) {
  if (repeat.until)
    return t("scheduled.until", { date: formatDate(repeat.until, { dateStyle: "medium" }) });
  if (repeat.count) return t("scheduled.times", { count: repeat.count });
  return t("scheduled.noEnd");
}
