import { eq } from "drizzle-orm";
import { channels, conversations, teams } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { hoursFor } from "../routing/business-hours";
import { openMsBetween } from "../routing/hours";

/**
 * How much of the time between two instants the conversation's business hours were open: its
 * team's hours, else its channel's, else the workspace's, as SLA clocks count. All of it when
 * none are set.
 */
export async function openDuration(
  db: Db,
  workspaceId: string,
  conversationId: string,
  from: number,
  to: number,
): Promise<number> {
  const conversation = await db.query.conversations.findFirst({
    columns: { teamId: true, channelId: true },
    where: inWorkspace(conversations, workspaceId, eq(conversations.id, conversationId)),
  });
  if (!conversation) return to - from;
  const [team, channel] = await Promise.all([
    conversation.teamId
      ? db.query.teams.findFirst({
          columns: { businessHoursId: true },
          where: inWorkspace(teams, workspaceId, eq(teams.id, conversation.teamId)),
        })
      : null,
    db.query.channels.findFirst({
      columns: { routing: true },
      where: inWorkspace(channels, workspaceId, eq(channels.id, conversation.channelId)),
    }),
  ]);
  const hours = await hoursFor(db, workspaceId, team, channel ?? { routing: null });
  return hours ? openMsBetween(hours, from, to) : to - from;
}
