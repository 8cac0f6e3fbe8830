import { eq, inArray } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import { memberships, type ReportMetric, reportRollups, teams, users } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { countersOf, type ReportRange, ROW_COLUMNS } from "./read";
import { csatSummary, npsSummary } from "./scores";
import { kindOf, Tally } from "./tally";

/** Reports per member and per team: counters read under each one's dimension. */

/** The counters of the metrics under each of the dimensions over the range, read by key. */
async function tallyByDimension(
  db: Db,
  workspaceId: string,
  range: ReportRange,
  metrics: ReportMetric[],
  dimensions: string[],
) {
  const rows = await readInChunks(dimensions, (chunk) =>
    db
      .select({ ...ROW_COLUMNS, dimension: reportRollups.dimension })
      .from(reportRollups)
      .where(countersOf(workspaceId, range, metrics, inArray(reportRollups.dimension, chunk))),
  );
  const tallies = new Map<string, Tally>();
  for (const row of rows) {
    const tally = tallies.get(row.dimension) ?? new Tally();
    tally.add(row);
    tallies.set(row.dimension, tally);
  }
  return tallies;
}

const RESPONSE_METRICS: ReportMetric[] = [
  "first_response",
  "resolution",
  "first_response_business",
  "resolution_business",
];

/**
 * Each member's replies, first responses and closes over the range, most replies first; members
 * with none are left out. Their counters are read by key, a member at a time.
 */
export async function agentLeaderboard(db: Db, workspaceId: string, range: ReportRange) {
  const members = await db
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inWorkspace(memberships, workspaceId));
  const tallies = await tallyByDimension(
    db,
    workspaceId,
    range,
    ["messages_out", "assignments", "csat_score", "nps_score", ...RESPONSE_METRICS],
    members.map((member) => `agent:${member.id}`),
  );
  const agents = members.flatMap((member) => {
    const tally = tallies.get(`agent:${member.id}`);
    if (!tally) return [];
    return [
      {
        agent_id: member.id,
        name: member.name,
        replies: tally.count("messages_out"),
        assignments: tally.count("assignments"),
        first_responses: tally.count("first_response"),
        first_response_time: tally.duration(kindOf("first_response", range.hours)),
        conversations_closed: tally.count("resolution"),
        resolution_time: tally.duration(kindOf("resolution", range.hours)),
        csat: csatSummary(tally.scores("csat_score")).csat_percent,
        nps: npsSummary(tally.scores("nps_score")).nps,
      },
    ];
  });
  agents.sort((a, b) => b.replies - a.replies || a.agent_id.localeCompare(b.agent_id));
  return { from: range.from, to: range.to, timezone: range.timezone, agents };
}

/**
 * Each team's first responses and closes over the range, with their times and SLA targets met,
 * counted under the team the conversation was with at the time; every team, busiest first.
 */
export async function teamsReport(db: Db, workspaceId: string, range: ReportRange) {
  const list = await db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(inWorkspace(teams, workspaceId));
  const tallies = await tallyByDimension(
    db,
    workspaceId,
    range,
    [...RESPONSE_METRICS, "first_response_sla", "resolution_sla", "assignments"],
    list.map((team) => `team:${team.id}`),
  );
  const rows = list.map((team) => {
    const tally = tallies.get(`team:${team.id}`) ?? new Tally();
    return {
      team_id: team.id,
      name: team.name,
      assignments: tally.count("assignments"),
      first_responses: tally.count("first_response"),
      first_response_time: tally.duration(kindOf("first_response", range.hours)),
      first_response_sla: tally.target("first_response_sla"),
      conversations_closed: tally.count("resolution"),
      resolution_time: tally.duration(kindOf("resolution", range.hours)),
      resolution_sla: tally.target("resolution_sla"),
    };
  });
  rows.sort(
    (a, b) =>
      b.conversations_closed + b.first_responses - (a.conversations_closed + a.first_responses) ||
      a.name.localeCompare(b.name),
  );
  return { from: range.from, to: range.to, timezone: range.timezone, teams: rows };
}
