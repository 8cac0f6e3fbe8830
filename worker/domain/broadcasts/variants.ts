import type { z } from "@hono/zod-openapi";
import { and, eq, exists, inArray, isNotNull, isNull, ne, sql } from "drizzle-orm";
import { chunksFor, readInChunks } from "../../db/chunks";
import { acrossWorkspaces } from "../../db/client";
import { broadcastRecipients, broadcastRuns, broadcasts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict, validationFailed } from "../../lib/errors";
import type { VariantStats } from "../../schemas/broadcasts";
import { type BroadcastRow, getBroadcast } from "./broadcasts";
import { queueJobs } from "./jobs";
import { latestRun } from "./runs";

export const isSplit = (broadcast: Pick<BroadcastRow, "variants" | "split">) =>
  Boolean(broadcast.variants?.length && broadcast.split);

/** The message a recipient of `variant` gets (the broadcast's own without a variant). */
export const messageOf = (broadcast: BroadcastRow, variant: string | null) =>
  broadcast.variants?.find((v) => v.key === variant)?.message ?? broadcast.message;

/** A contact's stable place in the broadcast's sample order (FNV-1a of both ids). */
function rank(broadcastId: string, contactId: string) {
  let hash = 0x811c9dc5;
  for (const char of `${broadcastId}:${contactId}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Which variant each of `eligible` gets: with a winner, the winner; else the first
 * `sample_percent` of them in rank order, dealt to the variants in turn (so evenly).
 * The rest are not named: they stay held.
 */
function dealVariants(broadcast: BroadcastRow, eligible: string[]) {
  const variants = broadcast.variants ?? [];
  if (broadcast.winner) return new Map([[broadcast.winner, eligible]]);
  const ordered = [...eligible].sort(
    (a, b) => rank(broadcast.id, a) - rank(broadcast.id, b) || a.localeCompare(b),
  );
  const sampleSize = Math.round((ordered.length * (broadcast.split?.sample_percent ?? 0)) / 100);
  const dealt = new Map<string, string[]>(variants.map((v) => [v.key, []]));
  for (const [i, contactId] of ordered.slice(0, sampleSize).entries())
    dealt.get(variants[i % variants.length]?.key ?? "")?.push(contactId);
  return dealt;
}

/** Held recipients among `contactIds` get `variant` and are queued. */
async function release(
  db: Db,
  broadcast: BroadcastRow,
  variant: string,
  contactIds: string[],
  now: number,
) {
  for (const chunk of chunksFor(contactIds, 1, 8))
    await db
      .update(broadcastRecipients)
      .set({ status: "queued", variant, updatedAt: now })
      .where(
        inWorkspace(
          broadcastRecipients,
          broadcast.workspaceId,
          eq(broadcastRecipients.broadcastId, broadcast.id),
          inArray(broadcastRecipients.contactId, chunk),
          eq(broadcastRecipients.status, "held"),
          isNull(broadcastRecipients.variant),
        ),
      );
}

/**
 * An A/B test's page of the audience, just put in the ledger as held: its sample is queued
 * with their variants. Dealing the same page again deals it the same way, and changes only
 * rows still held.
 */
export async function assignVariants(
  db: Db,
  broadcast: BroadcastRow,
  contactIds: string[],
  now: number,
) {
  const rows = await readInChunks(contactIds, (chunk) =>
    db
      .select({ id: broadcastRecipients.contactId })
      .from(broadcastRecipients)
      .where(
        inWorkspace(
          broadcastRecipients,
          broadcast.workspaceId,
          eq(broadcastRecipients.broadcastId, broadcast.id),
          inArray(broadcastRecipients.contactId, chunk),
          ne(broadcastRecipients.status, "excluded"),
        ),
      ),
  );
  const dealt = dealVariants(
    broadcast,
    rows.map((r) => r.id),
  );
  for (const [variant, ids] of dealt) await release(db, broadcast, variant, ids, now);
}

const rate = (part: number, sent: number) => (sent === 0 ? 0 : part / sent);

/** Each variant's counts and rates per message sent, in the broadcast's order of variants. */
export async function variantStats(
  db: Db,
  broadcast: BroadcastRow,
): Promise<z.infer<typeof VariantStats>[]> {
  if (!broadcast.variants) return [];
  const groups = await db
    .select({
      variant: broadcastRecipients.variant,
      sent: sql<number>`count(case when ${broadcastRecipients.status} = 'sent' then 1 end)`,
      delivered: sql<number>`count(${broadcastRecipients.deliveredAt})`,
      read: sql<number>`count(${broadcastRecipients.readAt})`,
      replied: sql<number>`count(${broadcastRecipients.repliedAt})`,
      clicked: sql<number>`count(${broadcastRecipients.clickedAt})`,
    })
    .from(broadcastRecipients)
    .where(
      inWorkspace(
        broadcastRecipients,
        broadcast.workspaceId,
        eq(broadcastRecipients.broadcastId, broadcast.id),
        isNotNull(broadcastRecipients.variant),
      ),
    )
    .groupBy(broadcastRecipients.variant);
  return broadcast.variants.map(({ key }) => {
    const group = groups.find((g) => g.variant === key);
    const counts = {
      sent: group?.sent ?? 0,
      delivered: group?.delivered ?? 0,
      read: group?.read ?? 0,
      replied: group?.replied ?? 0,
      clicked: group?.clicked ?? 0,
    };
    return {
      key,
      ...counts,
      delivered_rate: rate(counts.delivered, counts.sent),
      read_rate: rate(counts.read, counts.sent),
      reply_rate: rate(counts.replied, counts.sent),
      click_rate: rate(counts.clicked, counts.sent),
    };
  });
}

/** The audience is all in the ledger (an A/B test is sent once: its one run). */
const audienceExpanded = (db: Db) =>
  exists(
    db
      .select({ one: sql`1` })
      .from(broadcastRuns)
      .where(
        and(
          eq(broadcastRuns.workspaceId, broadcasts.workspaceId),
          eq(broadcastRuns.broadcastId, broadcasts.id),
          isNotNull(broadcastRuns.expandedAt),
        ),
      ),
  );

/** The variant with the best rate of the split's measure; a tie goes to the earlier one. */
async function bestVariant(db: Db, broadcast: BroadcastRow) {
  const stats = await variantStats(db, broadcast);
  const measure = broadcast.split?.winner_by === "clicks" ? "click_rate" : "reply_rate";
  const best = stats.reduce((a, b) => (b[measure] > a[measure] ? b : a));
  return best.key;
}

const whyNoWinner = (current: BroadcastRow) =>
  current.winner
    ? `Variant ${current.winner} already won.`
    : current.status === "running" || current.status === "paused"
      ? "The audience is still being put in the ledger: try again in a moment."
      : `A ${current.status} broadcast picks no winner.`;

/**
 * Picks the A/B test's winner (`variant`, or the best by the split's measure when null), once:
 * the held recipients get it and go out. A broadcast that is not sending, or whose winner is
 * already picked, is a 409.
 */
export async function pickWinner(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  variant: string | null,
  now: number,
) {
  const current = await getBroadcast(db, workspaceId, id);
  if (!isSplit(current)) throw conflict("This broadcast is no A/B test.");
  if (variant !== null && !current.variants?.some((v) => v.key === variant))
    throw validationFailed([{ path: "variant", message: "no such variant" }]);
  const winner = variant ?? (await bestVariant(db, current));
  const [row] = await db
    .update(broadcasts)
    .set({ winner, winnerAt: now, updatedAt: now })
    .where(
      inWorkspace(
        broadcasts,
        workspaceId,
        eq(broadcasts.id, id),
        isNull(broadcasts.winner),
        inArray(broadcasts.status, ["running", "paused"]),
        // held rows put in after the release would wait for ever
        audienceExpanded(db),
      ),
    )
    .returning();
  if (!row) throw conflict(whyNoWinner(current));
  await db
    .update(broadcastRecipients)
    .set({ status: "queued", variant: winner, updatedAt: now })
    .where(
      inWorkspace(
        broadcastRecipients,
        workspaceId,
        eq(broadcastRecipients.broadcastId, id),
        eq(broadcastRecipients.status, "held"),
      ),
    );
  const run = await latestRun(db, workspaceId, id);
  if (row.status === "running" && run)
    await queueJobs(env, [
      { kind: "requeue", workspaceId, broadcastId: id, run: run.run, after: null },
    ]);
  return row;
}

/** The minute's cron: A/B tests whose delay has passed get the winner by their measure. */
export async function decideWinners(db: Db, env: Env, now: number) {
  const due = await acrossWorkspaces(db)
    .select({ id: broadcasts.id, workspaceId: broadcasts.workspaceId })
    .from(broadcasts)
    .where(
      and(
        inArray(broadcasts.status, ["running", "paused"]),
        isNull(broadcasts.winner),
        isNotNull(broadcasts.split),
        audienceExpanded(db),
        sql`${broadcasts.startedAt} + json_extract(${broadcasts.split}, '$.decide_after_hours') * 3600000 <= ${now}`,
      ),
    )
    .limit(100);
  for (const row of due)
    await pickWinner(db, env, row.workspaceId, row.id, null, now).catch((error: unknown) =>
      console.error(`broadcast ${row.id}: no winner picked`, error),
    );
}
