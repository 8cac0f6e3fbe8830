import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import type { Me } from "../me";

type Schemas = components["schemas"];
export type Overview = Schemas["OverviewReport"];
export type ConversationsReport = Schemas["ConversationsReport"];
export type Totals = Schemas["ReportTotals"];
export type BusiestHours = Schemas["BusiestHoursReport"];
export type AgentsReport = Schemas["AgentsReport"];
export type AgentRow = AgentsReport["agents"][number];
export type CsatReport = Schemas["CsatReport"];
export type TeamsReport = Schemas["TeamsReport"];
export type ConsolidatedReport = Schemas["ConsolidatedReport"];
export type TeamRow = TeamsReport["teams"][number];
export type LabelsReport = Schemas["LabelsReport"];
export type LabelRow = LabelsReport["labels"][number];
export type BroadcastsReport = Schemas["BroadcastsReport"];
export type AutomationsReport = Schemas["AutomationsReport"];
export type AiReport = Schemas["AiReport"];
export type ContactsReport = Schemas["ContactsReport"];
export type Channel = Schemas["Channel"];
export type Member = Schemas["User"];

/** The team's figures are a supervisor's to read, as the API says. */
export const canReadReports = (me: Me) =>
  me.role === "owner" || me.role === "admin" || me.role === "supervisor";

export const PRESETS = ["7d", "30d", "month", "custom"] as const;
export type Preset = (typeof PRESETS)[number];
export type Granularity = "day" | "hour";

/** What the reports show, as the address keeps it (`?range=custom&from=…&to=…&channel=…`). */
export type ReportFilters = {
  range: Preset;
  from: string;
  to: string;
  channel: string;
  agent: string;
  granularity: Granularity;
  /** `business`: response and resolution times in business hours only */
  hours: "all" | "business";
};

const pad = (n: number) => String(n).padStart(2, "0");
/** A day as the API takes it ("2026-12-08"), in the browser's calendar. */
export const dayOf = (date: Date) =>
  `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
const daysBefore = (date: Date, days: number) =>
  new Date(date.getFullYear(), date.getMonth(), date.getDate() - days);
const isDay = (value: string | undefined): value is string =>
  !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

/** The first and last day a preset covers, up to today. */
export function presetRange(preset: Exclude<Preset, "custom">, today = new Date()) {
  const to = dayOf(today);
  if (preset === "month")
    return { from: dayOf(new Date(today.getFullYear(), today.getMonth(), 1)), to };
  return { from: dayOf(daysBefore(today, preset === "7d" ? 6 : 29)), to };
}

/** The filters the address names; what it leaves out is the last 7 days of everyone. */
export function filtersInQuery(
  query: Record<string, string | undefined>,
  today = new Date(),
): ReportFilters {
  const range = PRESETS.includes(query.range as Preset) ? (query.range as Preset) : "7d";
  const fallback = presetRange("7d", today);
  const days =
    range === "custom"
      ? {
          from: isDay(query.from) ? query.from : fallback.from,
          to: isDay(query.to) ? query.to : fallback.to,
        }
      : presetRange(range, today);
  return {
    range,
    ...days,
    // the API takes one or the other
    channel: query.channel ?? "",
    agent: query.channel ? "" : (query.agent ?? ""),
    granularity: query.granularity === "hour" ? "hour" : "day",
    hours: query.hours === "business" ? "business" : "all",
  };
}

/** The address's query for `filters`: a preset's days are worked out again on load. */
export function searchOf(filters: ReportFilters) {
  const params = new URLSearchParams({ range: filters.range });
  if (filters.range === "custom") {
    params.set("from", filters.from);
    params.set("to", filters.to);
  }
  if (filters.channel) params.set("channel", filters.channel);
  if (filters.agent) params.set("agent", filters.agent);
  if (filters.granularity === "hour") params.set("granularity", "hour");
  if (filters.hours === "business") params.set("hours", "business");
  return `?${params}`;
}

/** Reports of the whole workspace (or organization): the channel and agent filters do not apply. */
const WORKSPACE_REPORTS = [
  "teams",
  "labels",
  "consolidated",
  "broadcasts",
  "automations",
  "ai",
  "contacts",
] as const;
type WorkspaceReport = (typeof WORKSPACE_REPORTS)[number];

export type Report = "conversations" | "busiest-hours" | "agents" | "csat" | WorkspaceReport;

const takesFilters = (report: Report) => !WORKSPACE_REPORTS.includes(report as WorkspaceReport);

/** Reports whose durations can count business hours only. */
const TIMED: Report[] = ["conversations", "agents", "teams", "consolidated"];

/** A report's URL for the filters, as JSON or as the CSV download. */
export function reportUrl(report: Report, filters: ReportFilters, format?: "csv") {
  const params = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.channel && takesFilters(report)) params.set("channel_id", filters.channel);
  if (filters.agent && takesFilters(report)) params.set("agent_id", filters.agent);
  if (report === "conversations" && filters.granularity === "hour")
    params.set("granularity", "hour");
  if (TIMED.includes(report) && filters.hours === "business") params.set("hours", "business");
  if (format) params.set("format", format);
  return `/api/v1/reports/${report}?${params}`;
}

export const overviewNow = () => request<Overview>("/api/v1/reports/overview");
export const channelsOf = () =>
  request<{ data: Channel[] }>("/api/v1/channels").then((r) => r.data);
export const membersOf = () =>
  request<{ data: Member[] }>("/api/v1/users").then((r) => r.data.filter((m) => m.active));
