import { eq, inArray } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import { channelMessages } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import type { ChannelRow } from "./channels";

/**
 * The ledger of platform message ids per channel (`channel_messages`): inbound deliveries are
 * stored once however often the platform retries, and statuses find the message they are about.
 */

/** Platform identities are scoped to the page or bot that sees them. */
export const identityKind = (channel: ChannelRow) => `${channel.type}:${channel.id}`;

/** The first ledger entry with one of the ids (an email's References can name many). */
export async function ledgerEntry(db: Db, channel: ChannelRow, externalIds: string[]) {
  const rows = await readInChunks(externalIds, (chunk) =>
    db.query.channelMessages.findMany({
      where: inWorkspace(
        channelMessages,
        channel.workspaceId,
        eq(channelMessages.channelId, channel.id),
        inArray(channelMessages.externalId, chunk),
      ),
      limit: 1,
    }),
  );
  return rows[0] ?? null;
}

export async function recordInLedger(
  db: Db,
  entry: typeof channelMessages.$inferInsert,
): Promise<void> {
  await db.insert(channelMessages).values(entry).onConflictDoNothing();
}
