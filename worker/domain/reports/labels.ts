import { and, eq, gte, lt, or } from "drizzle-orm";
import { conversationLabels, conversations, labels } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { durationBucket } from "./buckets";
import type { ReportRange } from "./read";
import { instantsOf } from "./span";
import { kindOf, Tally } from "./tally";

type Labelled = {
  label: string;
  createdAt: number;
  status: string;
  closedAt: number | null;
  resolutionBusinessMs: number | null;
};

const duration = (ms: number) => ({
  hour: 0,
  bucket: durationBucket(ms),
  count: 1,
  seconds: Math.round(Math.max(0, ms) / 1000),
});

/** A labelled conversation's share of its label's figures over `[start, end)`. */
function add(tally: Tally, row: Labelled, span: { start: number; end: number }) {
  const within = (at: number | null) => at !== null && at >= span.start && at < span.end;
  if (within(row.createdAt))
    tally.add({ metric: "conversations_opened", hour: 0, bucket: -1, count: 1, seconds: 0 });
  if (row.status !== "closed" || row.closedAt === null || !within(row.closedAt)) return;
  tally.add({ metric: "resolution", ...duration(row.closedAt - row.createdAt) });
  if (row.resolutionBusinessMs !== null)
    tally.add({ metric: "resolution_business", ...duration(row.resolutionBusinessMs) });
}

/**
 * Each label's conversations opened and closed in the range, with the closed ones' resolution
 * times, by the labels conversations carry now. Read through the labels' index and each
 * conversation's key: a label's conversations are few beside the messages.
 */
export async function labelsReport(db: Db, workspaceId: string, range: ReportRange) {
  const span = instantsOf(range);
  const inRange = (column: typeof conversations.createdAt | typeof conversations.closedAt) =>
    and(gte(column, span.start), lt(column, span.end));
  const [catalogue, rows] = await Promise.all([
    db
      .select({ name: labels.name, colour: labels.colour })
      .from(labels)
      .where(inWorkspace(labels, workspaceId)),
    db
      .select({
        label: conversationLabels.label,
        createdAt: conversations.createdAt,
        status: conversations.status,
        closedAt: conversations.closedAt,
        resolutionBusinessMs: conversations.resolutionBusinessMs,
      })
      .from(conversationLabels)
      .innerJoin(conversations, eq(conversations.id, conversationLabels.conversationId))
      .where(
        and(
          inWorkspace(conversationLabels, workspaceId),
          eq(conversations.workspaceId, workspaceId),
          or(inRange(conversations.createdAt), inRange(conversations.closedAt)),
        ),
      ),
  ]);
  const tallies = new Map<string, Tally>();
  for (const row of rows) {
    const tally = tallies.get(row.label) ?? new Tally();
    add(tally, row, span);
    tallies.set(row.label, tally);
  }
  const colours = new Map(catalogue.map((label) => [label.name, label.colour]));
  const names = new Set([...colours.keys(), ...tallies.keys()]);
  const report = [...names].map((name) => {
    const tally = tallies.get(name) ?? new Tally();
    return {
      label: name,
      colour: colours.get(name) ?? null,
      conversations_opened: tally.count("conversations_opened"),
      conversations_closed: tally.count("resolution"),
      resolution_time: tally.duration(kindOf("resolution", range.hours)),
    };
  });
  report.sort(
    (a, b) =>
      b.conversations_opened +
        b.conversations_closed -
        (a.conversations_opened + a.conversations_closed) || a.label.localeCompare(b.label),
  );
  return { from: range.from, to: range.to, timezone: range.timezone, labels: report };
}
