import type { components } from "../../../client/schema";
import { request } from "../../shared/api";

export type ScheduledItem = components["schemas"]["ScheduledListItem"];
export type ScheduledPage = components["schemas"]["ScheduledMessageList"];
export type ScheduledStatus = ScheduledItem["status"];

/** The statuses the filter offers ("sending" lasts a moment: it shows under any status). */
export const STATUSES: ScheduledStatus[] = ["pending", "sent", "failed", "cancelled"];
export const RANGES = ["any", "next7", "next30", "dates"] as const;
export type Range = (typeof RANGES)[number];

export type CalendarFilters = {
  status: ScheduledStatus | "";
  contactId: string;
  range: Range;
  /** days ("2026-12-06") when the range is "dates" */
  fromDay: string;
  toDay: string;
};

export const DEFAULT_FILTERS: CalendarFilters = {
  status: "pending",
  contactId: "",
  range: "any",
  fromDay: "",
  toDay: "",
};

export const PAGE_SIZE = 50;

/** Midnight, here, `days` after the given day's. */
export function startOfDay(from: Date, days = 0) {
  const d = new Date(from);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + days);
  return d;
}

const dayStart = (day: string) => new Date(`${day}T00:00`);

/** The API's `from` / `to` (to exclusive) for the chosen range, as of `now`. */
export function rangeBounds(filters: CalendarFilters, now = new Date()) {
  const days = filters.range === "next7" ? 7 : filters.range === "next30" ? 30 : 0;
  if (days) return { from: now.toISOString(), to: startOfDay(now, days).toISOString() };
  if (filters.range !== "dates") return {};
  return {
    ...(filters.fromDay ? { from: dayStart(filters.fromDay).toISOString() } : {}),
    ...(filters.toDay ? { to: startOfDay(dayStart(filters.toDay), 1).toISOString() } : {}),
  };
}

export function listScheduled(filters: CalendarFilters, cursor: string | null) {
  const params = new URLSearchParams({ limit: `${PAGE_SIZE}`, ...rangeBounds(filters) });
  if (filters.status) params.set("status", filters.status);
  if (filters.contactId) params.set("contact_id", filters.contactId);
  if (cursor) params.set("cursor", cursor);
  return request<ScheduledPage>(`/api/v1/scheduled-messages?${params}`);
}

export const cancelOne = (id: string) =>
  request(`/api/v1/scheduled-messages/${id}/cancel`, { method: "POST" });

export const cancelSequence = (id: string) =>
  request(`/api/v1/scheduled-messages/sequences/${id}/cancel`, { method: "POST" });
