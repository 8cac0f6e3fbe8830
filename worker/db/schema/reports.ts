import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { millis } from "./columns";
import { workspaceId } from "./workspace";

/**
 * What reports count: conversations opened, customer messages in, messages out to the customer,
 * first responses (with the time they took), conversations closed (with the time from opening,
 * taken back when one is reopened), satisfaction surveys sent and their scores (1–5 or 0–10, the
 * score in `bucket`); the `_business` ones count the durations in business hours only. The
 * `_sla` ones count first responses and closes against the team's target: `bucket` 1 met, 0 not.
 * Reopens and assignments (to the agent assigned) are counted from the transitions' log.
 */
export const REPORT_METRICS = [
  "conversations_opened",
  "messages_in",
  "messages_out",
  "first_response",
  "resolution",
  "first_response_business",
  "resolution_business",
  "csat_asked",
  "csat_score",
  "nps_score",
  "first_response_sla",
  "resolution_sla",
  "conversations_reopened",
  "assignments",
] as const;

export type ReportMetric = (typeof REPORT_METRICS)[number];

/**
 * Report counters, kept as things happen so no report reads the messages: per workspace, metric,
 * dimension and UTC hour; durations per bucket of the time taken (see domain/reports/buckets).
 */
export const reportRollups = sqliteTable(
  "report_rollups",
  {
    workspaceId: workspaceId(),
    metric: text("metric", { enum: REPORT_METRICS }).notNull(),
    /** '' for the whole workspace, else `channel:<id>`, `agent:<id>` or `team:<id>` */
    dimension: text("dimension").notNull(),
    /** the start of the UTC hour it happened in */
    hour: millis("hour").notNull(),
    /** for durations, the bucket of the time taken; for survey scores, the score; -1 for plain counts */
    bucket: integer("bucket").notNull(),
    count: integer("count").notNull(),
    /** for durations, the seconds taken, summed */
    seconds: integer("seconds").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.metric, t.dimension, t.hour, t.bucket] })],
);

/**
 * The counting rules each workspace's counters were last rebuilt under: a workspace behind
 * `REPORTS_VERSION` (new, or from before an upgrade that changed what is counted) is rebuilt once
 * by the minute's cron.
 */
export const reportRebuilds = sqliteTable("report_rebuilds", {
  workspaceId: workspaceId().primaryKey(),
  version: integer("version").notNull(),
  rebuiltAt: millis("rebuilt_at").notNull(),
});

export const TRANSITION_KINDS = ["conversations_reopened", "assignments"] as const;

/**
 * What happened to a conversation that its row does not keep: each reopen (by whom) and each
 * assignment (to whom), with its team then. Written with the counters they make, so a rebuild
 * counts them again from here.
 */
export const conversationTransitions = sqliteTable(
  "conversation_transitions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    conversationId: text("conversation_id").notNull(),
    kind: text("kind", { enum: TRANSITION_KINDS }).notNull(),
    at: millis("at").notNull(),
    agentId: text("agent_id"),
    teamId: text("team_id"),
  },
  (t) => [index("conversation_transitions_conversation_idx").on(t.workspaceId, t.conversationId)],
);
