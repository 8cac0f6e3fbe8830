import { and, count, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import {
  conversations,
  memberships,
  type ReportMetric,
  reportRollups,
  users,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { instantOf, localParts } from "../routing/hours";
import { type BucketTally, HOUR_MS, percentileSeconds } from "./buckets";

/** A report's range: local dates, both included, in a timezone; one channel or agent, or all. */
export type ReportRange = {
  from: string;
  to: string;
  timezone: string;
  channelId?: string | undefined;
  agentId?: string | undefined;
};

const DAY_MS = 24 * HOUR_MS;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** The instants a range spans: from its first local midnight to the one after its last day. */
const spanOf = (range: ReportRange) => ({
  start: instantOf(range.from, 0, range.timezone),
  end: instantOf(addDays(range.to, 1), 0, range.timezone),
});

/** The same number of days just before the range, to compare with. */
export function previousRange(range: ReportRange): ReportRange {
  const days = daysBetween(range.from, range.to);
  return { ...range, from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

const dimensionOf = (range: ReportRange) =>
  range.channelId ? `channel:${range.channelId}` : range.agentId ? `agent:${range.agentId}` : "";

type Row = { metric: ReportMetric; hour: number; bucket: number; count: number; seconds: number };

/** The counters of the metrics over the range, per UTC hour and bucket. */
export async function rollupsIn(
  db: Db,
  workspaceId: string,
  range: ReportRange,
  metrics: ReportMetric[],
  dimension = dimensionOf(range),
): Promise<Row[]> {
  const { start, end } = spanOf(range);
  return db
    .select({
      metric: reportRollups.metric,
      hour: reportRollups.hour,
      bucket: reportRollups.bucket,
      count: reportRollups.count,
      seconds: reportRollups.seconds,
    })
    .from(reportRollups)
    .where(
      inWorkspace(
        reportRollups,
        workspaceId,
        inArray(reportRollups.metric, metrics),
        eq(reportRollups.dimension, dimension),
        gte(reportRollups.hour, start),
        lt(reportRollups.hour, end),
      ),
    );
}

/** Durations' median, p90 and mean, in seconds (null when none). */
export type DurationSummary = {
  median_seconds: number | null;
  p90_seconds: number | null;
  mean_seconds: number | null;
};

/** Counts and durations added up over some rows. */
class Tally {
  readonly counts = new Map<ReportMetric, number>();
  readonly durations = new Map<ReportMetric, Map<number, BucketTally>>();

  add(row: Row) {
    this.counts.set(row.metric, (this.counts.get(row.metric) ?? 0) + row.count);
    if (row.bucket < 0) return;
    const buckets = this.durations.get(row.metric) ?? new Map<number, BucketTally>();
    const tally = buckets.get(row.bucket) ?? { count: 0, seconds: 0 };
    buckets.set(row.bucket, {
      count: tally.count + row.count,
      seconds: tally.seconds + row.seconds,
    });
    this.durations.set(row.metric, buckets);
  }

  count(metric: ReportMetric) {
    return this.counts.get(metric) ?? 0;
  }

  duration(metric: ReportMetric): DurationSummary {
    const buckets = this.durations.get(metric) ?? new Map<number, BucketTally>();
    let n = 0;
    let seconds = 0;
    for (const tally of buckets.values()) {
      n += tally.count;
      seconds += tally.seconds;
    }
    return {
      median_seconds: percentileSeconds(buckets, 50),
      p90_seconds: percentileSeconds(buckets, 90),
      mean_seconds: n > 0 ? Math.round(seconds / n) : null,
    };
  }

  totals() {
    return {
      conversations_opened: this.count("conversations_opened"),
      conversations_closed: this.count("resolution"),
      messages_in: this.count("messages_in"),
      messages_out: this.count("messages_out"),
      first_responses: this.count("first_response"),
      first_response_time: this.duration("first_response"),
      resolution_time: this.duration("resolution"),
    };
  }
}

const SUMMARY_METRICS: ReportMetric[] = [
  "conversations_opened",
  "messages_in",
  "messages_out",
  "first_response",
  "resolution",
];

/** The local period (`YYYY-MM-DD`, or `YYYY-MM-DDTHH:00` by hour) a UTC hour falls in. */
export function periodOf(hour: number, timezone: string, granularity: "day" | "hour") {
  const local = localParts(hour, timezone);
  if (granularity === "day") return local.date;
  return `${local.date}T${String(Math.floor(local.minutes / 60)).padStart(2, "0")}:00`;
}

/** Every period of the range, in order, so days with nothing show as zero. */
export function periodsOf(range: ReportRange, granularity: "day" | "hour") {
  if (granularity === "day")
    return Array.from({ length: daysBetween(range.from, range.to) }, (_, i) =>
      addDays(range.from, i),
    );
  const { start, end } = spanOf(range);
  const periods = new Set<string>();
  for (let hour = start; hour < end; hour += HOUR_MS)
    periods.add(periodOf(hour, range.timezone, "hour"));
  return [...periods];
}

/** Conversations, messages and response times over the range, by period, and the range before. */
export async function conversationsReport(
  db: Db,
  workspaceId: string,
  range: ReportRange,
  granularity: "day" | "hour",
) {
  const before = previousRange(range);
  const [rows, previousRows] = await Promise.all([
    rollupsIn(db, workspaceId, range, SUMMARY_METRICS),
    rollupsIn(db, workspaceId, before, SUMMARY_METRICS),
  ]);
  const total = new Tally();
  const byPeriod = new Map<string, Tally>();
  for (const row of rows) {
    total.add(row);
    const period = periodOf(row.hour, range.timezone, granularity);
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
    totals: total.totals(),
    previous: { from: before.from, to: before.to, totals: previous.totals() },
    series: periodsOf(range, granularity).map((period) => {
      const tally = byPeriod.get(period) ?? new Tally();
      const { first_response_time, resolution_time, ...counts } = tally.totals();
      return {
        period,
        ...counts,
        first_response_median_seconds: first_response_time.median_seconds,
        resolution_median_seconds: resolution_time.median_seconds,
      };
    }),
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
  for (const row of rows) {
    const local = localParts(row.hour, range.timezone);
    const cell = cells[local.day * 24 + Math.floor(local.minutes / 60)];
    if (cell) cell.messages_in += row.count;
  }
  return { from: range.from, to: range.to, timezone: range.timezone, cells };
}

/**
 * Each member's replies, first responses and closes over the range, most replies first; members
 * with none are left out. Their counters are read by key, a member at a time.
 */
export async function agentLeaderboard(db: Db, workspaceId: string, range: ReportRange) {
  const { start, end } = spanOf(range);
  const members = await db
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inWorkspace(memberships, workspaceId));
  const rows = await readInChunks(
    members.map((member) => `agent:${member.id}`),
    (dimensions) =>
      db
        .select({
          dimension: reportRollups.dimension,
          metric: reportRollups.metric,
          hour: reportRollups.hour,
          bucket: reportRollups.bucket,
          count: reportRollups.count,
          seconds: reportRollups.seconds,
        })
        .from(reportRollups)
        .where(
          inWorkspace(
            reportRollups,
            workspaceId,
            inArray(reportRollups.metric, ["messages_out", "first_response", "resolution"]),
            inArray(reportRollups.dimension, dimensions),
            gte(reportRollups.hour, start),
            lt(reportRollups.hour, end),
          ),
        ),
  );
  const byAgent = new Map<string, Tally>();
  for (const row of rows) {
    const agentId = row.dimension.slice("agent:".length);
    const tally = byAgent.get(agentId) ?? new Tally();
    tally.add(row);
    byAgent.set(agentId, tally);
  }
  const names = new Map(members.map((member) => [member.id, member.name]));
  const agents = [...byAgent].map(([agentId, tally]) => ({
    agent_id: agentId,
    name: names.get(agentId) ?? null,
    replies: tally.count("messages_out"),
    first_responses: tally.count("first_response"),
    first_response_time: tally.duration("first_response"),
    conversations_closed: tally.count("resolution"),
    resolution_time: tally.duration("resolution"),
  }));
  agents.sort((a, b) => b.replies - a.replies || a.agent_id.localeCompare(b.agent_id));
  return { from: range.from, to: range.to, timezone: range.timezone, agents };
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
