import { and, count, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import { conversations, memberships, type ReportMetric, reportRollups } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { localParts } from "../routing/hours";
import { HOUR_MS } from "./buckets";
import { instantsOf } from "./span";
import { type RollupRow as Row, Tally } from "./tally";

/** A report's range: local dates, both included, in a timezone; one channel or agent, or all. */
export type ReportRange = {
  from: string;
  to: string;
  timezone: string;
  /** `business`: durations count the business hours' open time only */
  hours?: "all" | "business" | undefined;
  channelId?: string | undefined;
  agentId?: string | undefined;
};

const DAY_MS = 24 * HOUR_MS;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** The same number of days just before the range, to compare with. */
export function previousRange(range: ReportRange): ReportRange {
  const days = daysBetween(range.from, range.to);
  return { ...range, from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

const dimensionOf = (range: ReportRange) =>
  range.channelId ? `channel:${range.channelId}` : range.agentId ? `agent:${range.agentId}` : "";

/** A counter as reports read it. */
export const ROW_COLUMNS = {
  metric: reportRollups.metric,
  hour: reportRollups.hour,
  bucket: reportRollups.bucket,
  count: reportRollups.count,
  seconds: reportRollups.seconds,
};

/** The counters of the metrics over the range, per UTC hour and bucket. */
export async function rollupsIn(
  db: Db,
  workspaceId: string,
  range: ReportRange,
  metrics: ReportMetric[],
  dimension = dimensionOf(range),
): Promise<Row[]> {
  return db
    .select(ROW_COLUMNS)
    .from(reportRollups)
    .where(countersOf(workspaceId, range, metrics, eq(reportRollups.dimension, dimension)));
}

/** The counters of the metrics under some dimensions over the range: an index search. */
export function countersOf(
  workspaceId: string,
  range: ReportRange,
  metrics: ReportMetric[],
  dimensions: SQL | undefined,
) {
  const { start, end } = instantsOf(range);
  return inWorkspace(
    reportRollups,
    workspaceId,
    inArray(reportRollups.metric, metrics),
    dimensions,
    gte(reportRollups.hour, start),
    lt(reportRollups.hour, end),
  );
}

/** What the conversations report reads. */
const SUMMARY_METRICS: ReportMetric[] = [
  "conversations_opened",
  "messages_in",
  "messages_out",
  "first_response",
  "resolution",
  "first_response_business",
  "resolution_business",
  "first_response_sla",
  "resolution_sla",
  "conversations_reopened",
  "assignments",
];

/**
 * Wall-clock parts of UTC hours in a timezone, each hour worked out once: a report's counters
 * share a few thousand hours between tens of thousands of rows.
 */
export function localHours(timezone: string) {
  const known = new Map<number, ReturnType<typeof localParts>>();
  return (hour: number) => {
    let local = known.get(hour);
    if (!local) {
      local = localParts(hour, timezone);
      known.set(hour, local);
    }
    return local;
  };
}

type LocalHours = ReturnType<typeof localHours>;

/** The local period (`YYYY-MM-DD`, or `YYYY-MM-DDTHH:00` by hour) a UTC hour falls in. */
export function periodOf(hour: number, local: LocalHours, granularity: "day" | "hour") {
  const parts = local(hour);
  if (granularity === "day") return parts.date;
  return `${parts.date}T${String(Math.floor(parts.minutes / 60)).padStart(2, "0")}:00`;
}

/** Every period of the range, in order, so days with nothing show as zero. */
export function periodsOf(range: ReportRange, local: LocalHours, granularity: "day" | "hour") {
  if (granularity === "day")
    return Array.from({ length: daysBetween(range.from, range.to) }, (_, i) =>
      addDays(range.from, i),
    );
  const { start, end } = instantsOf(range);
  const periods = new Set<string>();
  for (let hour = start; hour < end; hour += HOUR_MS) periods.add(periodOf(hour, local, "hour"));
  return [...periods];
}

type RangeRows = { rows: Row[]; previousRows: Row[] };

/** The counters the conversations report reads, of the range and of the one before it. */
async function conversationRows(
  db: Db,
  workspaceId: string,
  range: ReportRange,
): Promise<RangeRows> {
  const [rows, previousRows] = await Promise.all([
    rollupsIn(db, workspaceId, range, SUMMARY_METRICS),
    rollupsIn(db, workspaceId, previousRange(range), SUMMARY_METRICS),
  ]);
  return { rows, previousRows };
}

function summarise(
  { rows, previousRows }: RangeRows,
  range: ReportRange,
  granularity: "day" | "hour",
) {
  const before = previousRange(range);
  const local = localHours(range.timezone);
  const total = new Tally();
  const byPeriod = new Map<string, Tally>();
  for (const row of rows) {
    total.add(row);
    const period = periodOf(row.hour, local, granularity);
    const tally = byPeriod.get(period) ?? new Tally();
    tally.add(row);
    byPeriod.set(period, tally);
  }
  const previous = new Tally();
  for (const row of previousRows) previous.add(row);
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    granularity,
    totals: total.totals(range.hours),
    previous: { from: before.from, to: before.to, totals: previous.totals(range.hours) },
    series: periodsOf(range, local, granularity).map((period) => {
      const tally = byPeriod.get(period) ?? new Tally();
      const {
        first_response_time,
        resolution_time,
        first_response_sla,
        resolution_sla,
        ...counts
      } = tally.totals(range.hours);
      return {
        period,
        ...counts,
        first_response_median_seconds: first_response_time.median_seconds,
        resolution_median_seconds: resolution_time.median_seconds,
      };
    }),
  };
}

/** Conversations, messages and response times over the range, by period, and the range before. */
export async function conversationsReport(
  db: Db,
  workspaceId: string,
  range: ReportRange,
  granularity: "day" | "hour",
) {
  return summarise(await conversationRows(db, workspaceId, range), range, granularity);
}

/**
 * The conversations report of several workspaces (an organization's locations) added up, with
 * each one's totals beside. Durations are combined from their counters, not averaged.
 */
export async function consolidatedReport(
  db: Db,
  workspaces: { id: string; name: string }[],
  range: ReportRange,
  granularity: "day" | "hour",
) {
  const each = await Promise.all(
    workspaces.map(async (workspace) => ({
      workspace,
      rows: await conversationRows(db, workspace.id, range),
    })),
  );
  const all = {
    rows: each.flatMap((one) => one.rows.rows),
    previousRows: each.flatMap((one) => one.rows.previousRows),
  };
  return {
    ...summarise(all, range, granularity),
    workspaces: each.map(({ workspace, rows }) => ({
      workspace_id: workspace.id,
      name: workspace.name,
      totals: summarise(rows, range, granularity).totals,
    })),
  };
}

/** Customer messages by local weekday (0 Sunday) and hour: when the inbox is busiest. */
export async function busiestHours(db: Db, workspaceId: string, range: ReportRange) {
  const rows = await rollupsIn(db, workspaceId, range, ["messages_in"]);
  const cells = Array.from({ length: 7 * 24 }, (_, i) => ({
    weekday: Math.floor(i / 24),
    hour: i % 24,
    messages_in: 0,
  }));
  const local = localHours(range.timezone);
  for (const row of rows) {
    const parts = local(row.hour);
    const cell = cells[parts.day * 24 + Math.floor(parts.minutes / 60)];
    if (cell) cell.messages_in += row.count;
  }
  return { from: range.from, to: range.to, timezone: range.timezone, cells };
}

/** The inbox now: conversations by state and the agents online. */
export async function overviewNow(db: Db, workspaceId: string) {
  const [byStatus, unassigned, waiting, online] = await Promise.all([
    db
      .select({ status: conversations.status, n: count() })
      .from(conversations)
      .where(
        inWorkspace(
          conversations,
          workspaceId,
          inArray(conversations.status, ["open", "pending", "snoozed"]),
        ),
      )
      .groupBy(conversations.status),
    db
      .select({ n: count() })
      .from(conversations)
      .where(
        inWorkspace(
          conversations,
          workspaceId,
          eq(conversations.status, "open"),
          sql`${conversations.assigneeId} IS NULL`,
        ),
      ),
    db
      .select({ n: count() })
      .from(conversations)
      .where(
        inWorkspace(
          conversations,
          workspaceId,
          eq(conversations.status, "open"),
          inArray(conversations.lastMessageSenderType, ["contact", "visitor"]),
        ),
      ),
    db
      .select({ n: count() })
      .from(memberships)
      .where(
        inWorkspace(
          memberships,
          workspaceId,
          and(eq(memberships.active, true), eq(memberships.presence, "online")),
        ),
      ),
  ]);
  const of = (status: string) => byStatus.find((row) => row.status === status)?.n ?? 0;
  return {
    open: of("open"),
    pending: of("pending"),
    snoozed: of("snoozed"),
    unassigned: unassigned[0]?.n ?? 0,
    waiting_on_agent: waiting[0]?.n ?? 0,
    agents_online: online[0]?.n ?? 0,
  };
}
