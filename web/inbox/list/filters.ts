import type { components } from "../../../client/schema";
import type { Conversation } from "../../shared/api";

export type View = "mine" | "unassigned" | "my_teams" | "mentions" | "all";
export type Sort = "newest" | "oldest" | "waiting_longest" | "sla_due";
export type Status = "" | "open" | "pending" | "snoozed" | "closed";

/** What the list shows: the query of GET /conversations, as a saved view stores it. */
export type Filters = { view: View; status: Status; team_id: string; label: string; sort: Sort };

export type SavedView = components["schemas"]["SavedView"];

export const DEFAULT_FILTERS: Filters = {
  view: "all",
  status: "open",
  team_id: "",
  label: "",
  sort: "newest",
};

export const VIEWS: View[] = ["mine", "unassigned", "my_teams", "mentions", "all"];
export const SORTS: Sort[] = ["newest", "oldest", "waiting_longest", "sla_due"];
export const STATUSES: Status[] = ["open", "pending", "snoozed", "closed", ""];

export function queryOf(filters: Filters, extra: Record<string, string> = {}) {
  const params = new URLSearchParams({ view: filters.view, sort: filters.sort, ...extra });
  if (filters.status) params.set("status", filters.status);
  if (filters.team_id) params.set("team_id", filters.team_id);
  if (filters.label) params.set("label", filters.label);
  return params;
}

const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T) =>
  allowed.includes(value as T) ? (value as T) : fallback;

const IN_ADDRESS = ["view", "status", "team_id", "label", "sort"];

/**
 * The filters the address names (`?view=mine&status=open&sort=oldest`): what it leaves out does not
 * narrow. Null when it names none (a bare `/`), for the remembered filters to apply.
 */
export function filtersInQuery(query: Record<string, string | undefined>): Filters | null {
  if (!IN_ADDRESS.some((key) => query[key] !== undefined)) return null;
  return {
    view: oneOf(query.view, VIEWS, "all"),
    status: oneOf(query.status, STATUSES, ""),
    team_id: query.team_id ?? "",
    label: query.label ?? "",
    sort: oneOf(query.sort, SORTS, "newest"),
  };
}

/** The address's query for `filters`, with the saved view they were picked from. */
export function searchOf(filters: Filters, saved?: string | null) {
  const params = queryOf(filters);
  if (saved) params.set("saved", saved);
  return `?${params}`;
}

/** A saved view's filters over the defaults (a view saved with fewer keys). */
export function filtersOf(view: SavedView): Filters {
  const f = view.filters;
  return {
    view: (f.view as View | undefined) ?? "all",
    status: (f.status as Status | undefined) ?? "",
    team_id: f.team_id ?? "",
    label: f.label ?? "",
    sort: (f.sort as Sort | undefined) ?? "newest",
  };
}

/** The body a saved view is stored with: only the filters that narrow something. */
export function savedFilters(filters: Filters) {
  return {
    view: filters.view,
    sort: filters.sort,
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.team_id ? { team_id: filters.team_id } : {}),
    ...(filters.label ? { label: filters.label } : {}),
  } as SavedView["filters"];
}

export const sameFilters = (a: Filters, b: Filters) =>
  a.view === b.view &&
  a.status === b.status &&
  a.team_id === b.team_id &&
  a.label === b.label &&
  a.sort === b.sort;

type Viewer = { userId: string | null; teamIds: Set<string> };

/** Whether a conversation that changed live belongs in the list as filtered (mentions: only if listed). */
export function matches(c: Conversation, filters: Filters, viewer: Viewer) {
  if (filters.status && c.status !== filters.status) return false;
  if (filters.team_id && c.team_id !== filters.team_id) return false;
  if (filters.label && !c.labels.includes(filters.label.toLowerCase())) return false;
  if (filters.view === "mine") return c.assignee_id === viewer.userId;
  if (filters.view === "unassigned") return c.assignee_id === null;
  if (filters.view === "my_teams") return c.team_id !== null && viewer.teamIds.has(c.team_id);
  return filters.view === "all";
}

const NO_KEY = Number.MAX_SAFE_INTEGER;
const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NO_KEY);

/** The customer waits since their last message when nobody has answered and it is not closed. */
export function waitingSince(c: Conversation) {
  const last = c.last_message;
  if (!last || c.status === "closed" || !["contact", "visitor"].includes(last.sender_type))
    return null;
  return c.last_inbound_at ?? last.at;
}

/** The next open SLA target: the first reply until it is given, then resolution. */
export function slaDue(c: Conversation) {
  if (c.status === "closed") return null;
  return c.sla.first_response_at === null ? c.sla.first_response_due_at : c.sla.resolution_due_at;
}

/** The server's order for each sort, to place live updates. */
export function compareFor(sort: Sort) {
  const key = (c: Conversation) => {
    if (sort === "waiting_longest") return ms(waitingSince(c));
    if (sort === "sla_due") return ms(slaDue(c));
    return Date.parse(c.last_activity_at);
  };
  const direction = sort === "newest" ? -1 : 1;
  return (a: Conversation, b: Conversation) =>
    direction * (key(a) - key(b) || a.id.localeCompare(b.id));
}
