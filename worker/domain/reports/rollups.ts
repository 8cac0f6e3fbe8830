import type { ReportMetric } from "../../db/schema";
import type { Db } from "../../lib/context";
import { durationBucket, hourOf } from "./buckets";

/**
 * Something reports count, about one conversation: what, when, the agent it is theirs (a reply,
 * a close), the team the conversation was with and, for durations, the time taken. `sign` -1 takes back what was counted (a reopened
 * conversation's close). `when` is a condition on the conversation's row (`c`), checked in the
 * same transaction as the write that makes it true, so a repeat counts nothing.
 */
export type Fact = {
  workspaceId: string;
  conversationId: string;
  metric: ReportMetric;
  at: number;
  agentId?: string | null | undefined;
  teamId?: string | null | undefined;
  durationMs?: number | undefined;
  /** A survey's score, or 1 / 0 for a target met or not: counted per value, not per duration. */
  score?: number;
  sign?: 1 | -1;
  when?: { sql: string; params: unknown[] };
  /** A reopen or an assignment: logged too, as the rebuild counts them from the log. */
  logged?: { id: string };
};

/** The dimensions a fact counts under: the workspace and its channel, then its agent and team. */
const dimensionsOf = (fact: Fact): { sql: string; params: string[] }[] => [
  { sql: "''", params: [] },
  { sql: "'channel:' || c.channel_id", params: [] },
  ...(fact.agentId ? [{ sql: "?", params: [`agent:${fact.agentId}`] }] : []),
  ...(fact.teamId ? [{ sql: "?", params: [`team:${fact.teamId}`] }] : []),
];

const upsert = (dimension: string, condition: string) =>
  `INSERT INTO report_rollups (workspace_id, metric, dimension, hour, bucket, count, seconds)
SELECT c.workspace_id, ?, ${dimension}, ?, ?, ?, ? FROM conversations c
WHERE c.workspace_id = ? AND c.id = ?${condition ? ` AND ${condition}` : ""}
ON CONFLICT (workspace_id, metric, dimension, hour, bucket)
DO UPDATE SET count = count + excluded.count, seconds = seconds + excluded.seconds`;

const logInsert = (condition: string) =>
  `INSERT INTO conversation_transitions (id, workspace_id, conversation_id, kind, at, agent_id, team_id)
SELECT ?, c.workspace_id, c.id, ?, ?, ?, ? FROM conversations c
WHERE c.workspace_id = ? AND c.id = ?${condition ? ` AND ${condition}` : ""}`;

/** A logged fact's row in the transitions' log, under the same condition as its counters. */
function logStatement(d1: D1Database, fact: Fact, id: string) {
  return d1
    .prepare(logInsert(fact.when?.sql ?? ""))
    .bind(
      id,
      fact.metric,
      fact.at,
      fact.agentId ?? null,
      fact.teamId ?? null,
      fact.workspaceId,
      fact.conversationId,
      ...(fact.when?.params ?? []),
    );
}

/** The fact's counter writes, to run in the same batch as (and before) the write it follows. */
export function rollupStatements(d1: D1Database, fact: Fact): D1PreparedStatement[] {
  const counters = counterStatements(d1, fact);
  return fact.logged ? [logStatement(d1, fact, fact.logged.id), ...counters] : counters;
}

function counterStatements(d1: D1Database, fact: Fact): D1PreparedStatement[] {
  const sign = fact.sign ?? 1;
  const duration = fact.durationMs;
  const bucket = fact.score ?? (duration === undefined ? -1 : durationBucket(duration));
  const seconds = duration === undefined ? 0 : Math.round(Math.max(0, duration) / 1000);
  const condition = fact.when?.sql ?? "";
  const tail = [
    hourOf(fact.at),
    bucket,
    sign,
    sign * seconds,
    fact.workspaceId,
    fact.conversationId,
  ];
  const extra = fact.when?.params ?? [];
  return dimensionsOf(fact).map((dimension) =>
    d1
      .prepare(upsert(dimension.sql, condition))
      .bind(fact.metric, ...dimension.params, ...tail, ...extra),
  );
}

/** An SLA target counted: 1 met (done by its due time), 0 missed; null when there was none. */
export const targetMet = (at: number, dueAt: number | null) =>
  dueAt === null ? null : at <= dueAt ? 1 : 0;

type Write = { toSQL(): { sql: string; params: unknown[] } };

/**
 * Runs `write` with the counters of its facts in one transaction: `before` facts' conditions see
 * the conversation as it was, `after` facts' as `write` left it.
 */
export async function writeCounting(
  db: Db,
  write: Write,
  facts: { before?: Fact[]; after?: Fact[] },
): Promise<void> {
  const d1 = db.$client;
  const { sql, params } = write.toSQL();
  const counters = (list: Fact[] = []) => list.flatMap((fact) => rollupStatements(d1, fact));
  await d1.batch([
    ...counters(facts.before),
    d1.prepare(sql).bind(...params),
    ...counters(facts.after),
  ]);
}
