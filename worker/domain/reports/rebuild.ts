import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { readInChunks, rowChunks } from "../../db/chunks";
import { writeTogether } from "../../db/client";
import {
  conversations,
  conversationTransitions,
  csatResponses,
  messages,
  type ReportMetric,
  reportRebuilds,
  reportRollups,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { durationBucket, HOUR_MS, hourOf } from "./buckets";

type Counter = { count: number; seconds: number };
type Key = { metric: ReportMetric; dimension: string; hour: number; bucket: number };

const keyOf = (k: Key) => `${k.metric}|${k.dimension}|${k.hour}|${k.bucket}`;
const keyFrom = (key: string): Key => {
  const [metric, dimension = "", hour, bucket] = key.split("|");
  return {
    metric: metric as ReportMetric,
    dimension,
    hour: Number(hour),
    bucket: Number(bucket),
  };
};

type Dims = { channelId: string; agentId: string | null; teamId?: string | null };

/** Counters being added up, as the write paths add them (see rollups.ts). */
class Counters {
  readonly map = new Map<string, Counter>();

  add(metric: ReportMetric, at: number, dims: Dims, n = 1, durationMs?: number, score?: number) {
    const bucket = score ?? (durationMs === undefined ? -1 : durationBucket(durationMs));
    const seconds = durationMs === undefined ? 0 : Math.round(Math.max(0, durationMs) / 1000);
    const dimensions = ["", `channel:${dims.channelId}`];
    if (dims.agentId) dimensions.push(`agent:${dims.agentId}`);
    if (dims.teamId) dimensions.push(`team:${dims.teamId}`);
    for (const dimension of dimensions) {
      const key = keyOf({ metric, dimension, hour: hourOf(at), bucket });
      const counter = this.map.get(key) ?? { count: 0, seconds: 0 };
      this.map.set(key, { count: counter.count + n, seconds: counter.seconds + n * seconds });
    }
  }
}

const PAGE = 500;

/** The workspace's report counters as its conversations, messages and surveys say they should be. */
export async function recomputeRollups(db: Db, workspaceId: string): Promise<Map<string, Counter>> {
  const counters = new Counters();
  let after = "";
  for (;;) {
    const page = await db
      .select({
        id: conversations.id,
        channelId: conversations.channelId,
        status: conversations.status,
        createdAt: conversations.createdAt,
        firstResponseAt: conversations.firstResponseAt,
        firstResponseBy: conversations.firstResponseBy,
        firstResponseBusinessMs: conversations.firstResponseBusinessMs,
        firstResponseTeamId: conversations.firstResponseTeamId,
        firstResponseSlaMet: conversations.firstResponseSlaMet,
        closedAt: conversations.closedAt,
        closedBy: conversations.closedBy,
        closedTeamId: conversations.closedTeamId,
        resolutionSlaMet: conversations.resolutionSlaMet,
        resolutionBusinessMs: conversations.resolutionBusinessMs,
      })
      .from(conversations)
      .where(inWorkspace(conversations, workspaceId, gt(conversations.id, after)))
      .orderBy(asc(conversations.id))
      .limit(PAGE);
    if (page.length === 0) break;
    for (const c of page) countConversation(counters, c);
    await countMessages(db, workspaceId, counters, page);
    await countTransitions(db, workspaceId, counters, page);
    after = page[page.length - 1]?.id ?? after;
    if (page.length < PAGE) break;
  }
  await countSurveys(db, workspaceId, counters);
  return counters.map;
}

/** Satisfaction surveys asked, and their scores when answered. */
async function countSurveys(db: Db, workspaceId: string, counters: Counters) {
  let after = "";
  for (;;) {
    const page = await db
      .select()
      .from(csatResponses)
      .where(inWorkspace(csatResponses, workspaceId, gt(csatResponses.id, after)))
      .orderBy(asc(csatResponses.id))
      .limit(PAGE);
    for (const survey of page) {
      const dims = { channelId: survey.channelId, agentId: survey.agentId };
      counters.add("csat_asked", survey.askedAt, dims);
      if (survey.score === null || survey.answeredAt === null) continue;
      const metric = survey.scale === "csat_5" ? "csat_score" : "nps_score";
      counters.add(metric, survey.answeredAt, dims, 1, undefined, survey.score);
    }
    after = page[page.length - 1]?.id ?? after;
    if (page.length < PAGE) break;
  }
}

function countConversation(
  counters: Counters,
  c: {
    channelId: string;
    status: string;
    createdAt: number;
    firstResponseAt: number | null;
    firstResponseBy: string | null;
    firstResponseBusinessMs: number | null;
    firstResponseTeamId: string | null;
    firstResponseSlaMet: boolean | null;
    closedAt: number | null;
    closedBy: string | null;
    closedTeamId: string | null;
    resolutionSlaMet: boolean | null;
    resolutionBusinessMs: number | null;
  },
) {
  counters.add("conversations_opened", c.createdAt, { channelId: c.channelId, agentId: null });
  if (c.firstResponseAt !== null) {
    const dims = {
      channelId: c.channelId,
      agentId: c.firstResponseBy,
      teamId: c.firstResponseTeamId,
    };
    counters.add("first_response", c.firstResponseAt, dims, 1, c.firstResponseAt - c.createdAt);
    if (c.firstResponseBusinessMs !== null)
      counters.add(
        "first_response_business",
        c.firstResponseAt,
        dims,
        1,
        c.firstResponseBusinessMs,
      );
    if (c.firstResponseSlaMet !== null)
      counters.add(
        "first_response_sla",
        c.firstResponseAt,
        dims,
        1,
        undefined,
        +c.firstResponseSlaMet,
      );
  }
  if (c.status === "closed" && c.closedAt !== null) {
    const dims = { channelId: c.channelId, agentId: c.closedBy, teamId: c.closedTeamId };
    counters.add("resolution", c.closedAt, dims, 1, c.closedAt - c.createdAt);
    if (c.resolutionBusinessMs !== null)
      counters.add("resolution_business", c.closedAt, dims, 1, c.resolutionBusinessMs);
    if (c.resolutionSlaMet !== null)
      counters.add("resolution_sla", c.closedAt, dims, 1, undefined, +c.resolutionSlaMet);
  }
}

/** Customer messages in and messages out to the customer, per conversation, hour and agent. */
async function countMessages(
  db: Db,
  workspaceId: string,
  counters: Counters,
  page: { id: string; channelId: string }[],
) {
  const channelOf = new Map(page.map((c) => [c.id, c.channelId]));
  const hour = sql<number>`(${messages.createdAt} / ${HOUR_MS}) * ${HOUR_MS}`;
  const outbound = sql<number>`${messages.origin} IS NOT NULL`;
  const rows = await readInChunks(
    page.map((c) => c.id),
    (ids) =>
      db
        .select({
          conversationId: messages.conversationId,
          hour,
          senderType: messages.senderType,
          senderId: messages.senderId,
          outbound,
          n: sql<number>`count(*)`,
        })
        .from(messages)
        .where(
          inWorkspace(
            messages,
            workspaceId,
            and(inArray(messages.conversationId, ids), inArray(messages.kind, ["text", "file"])),
          ),
        )
        .groupBy(messages.conversationId, hour, messages.senderType, messages.senderId, outbound),
  );
  for (const row of rows) {
    const channelId = channelOf.get(row.conversationId) ?? "";
    const fromCustomer = row.senderType === "contact" || row.senderType === "visitor";
    if (!fromCustomer && !row.outbound) continue;
    const agentId = row.senderType === "agent" ? row.senderId : null;
    const metric = fromCustomer ? "messages_in" : "messages_out";
    counters.add(metric, row.hour, { channelId, agentId }, row.n);
  }
}

/** Reopens and assignments, from their log. */
async function countTransitions(
  db: Db,
  workspaceId: string,
  counters: Counters,
  page: { id: string; channelId: string }[],
) {
  const channelOf = new Map(page.map((c) => [c.id, c.channelId]));
  const rows = await readInChunks(
    page.map((c) => c.id),
    (ids) =>
      db
        .select()
        .from(conversationTransitions)
        .where(
          inWorkspace(
            conversationTransitions,
            workspaceId,
            inArray(conversationTransitions.conversationId, ids),
          ),
        ),
  );
  for (const row of rows) {
    const channelId = channelOf.get(row.conversationId) ?? "";
    counters.add(row.kind, row.at, { channelId, agentId: row.agentId, teamId: row.teamId });
  }
}

/** The counters kept now, zeros left out. */
async function storedRollups(db: Db, workspaceId: string): Promise<Map<string, Counter>> {
  const rows = await db.select().from(reportRollups).where(inWorkspace(reportRollups, workspaceId));
  const stored = new Map<string, Counter>();
  for (const row of rows)
    if (row.count !== 0 || row.seconds !== 0)
      stored.set(keyOf(row), { count: row.count, seconds: row.seconds });
  return stored;
}

const MAX_LISTED = 50;

/**
 * Recomputes the workspace's report counters from its conversations and messages and compares
 * them with the ones kept; unless `dryRun`, the kept ones are replaced by the recomputed ones.
 */
export async function rebuildRollups(
  db: Db,
  workspaceId: string,
  dryRun: boolean,
  now = Date.now(),
) {
  const [computed, stored] = await Promise.all([
    recomputeRollups(db, workspaceId),
    storedRollups(db, workspaceId),
  ]);
  const differing = [...new Set([...computed.keys(), ...stored.keys()])].filter((key) => {
    const a = computed.get(key);
    const b = stored.get(key);
    return a?.count !== b?.count || a?.seconds !== b?.seconds;
  });
  if (!dryRun) await replaceRollups(db, workspaceId, computed, now);
  return {
    counters: computed.size,
    differing: differing.length,
    differences: differing.slice(0, MAX_LISTED).map((key) => ({
      ...keyFrom(key),
      hour: new Date(keyFrom(key).hour).toISOString(),
      kept: stored.get(key) ?? { count: 0, seconds: 0 },
      recomputed: computed.get(key) ?? { count: 0, seconds: 0 },
    })),
    rebuilt: !dryRun,
  };
}

/** The kept counters replaced by the recomputed ones, under today's counting rules. */
async function replaceRollups(
  db: Db,
  workspaceId: string,
  computed: Map<string, Counter>,
  now: number,
) {
  const rows = [...computed].map(([key, counter]) => ({
    workspaceId,
    ...keyFrom(key),
    ...counter,
  }));
  await writeTogether(db, [
    db.delete(reportRollups).where(eq(reportRollups.workspaceId, workspaceId)),
    ...rowChunks(reportRollups, rows).map((chunk) => db.insert(reportRollups).values(chunk)),
    db
      .insert(reportRebuilds)
      .values({ workspaceId, version: REPORTS_VERSION, rebuiltAt: now })
      .onConflictDoUpdate({
        target: reportRebuilds.workspaceId,
        set: { version: REPORTS_VERSION, rebuiltAt: now },
      }),
  ]);
}

/**
 * The counting rules: raised when an upgrade changes what counters count (2: teams, SLA
 * targets, reopens and assignments), so every workspace's counters are rebuilt once under them.
 */
export const REPORTS_VERSION = 2;
