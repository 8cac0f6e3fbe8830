import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { channels } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { notFound } from "../../lib/errors";
import type { ChannelRoutingSchema } from "../../schemas/teams";
import { checkHours } from "./business-hours";
import { checkTeams } from "./teams";

/** Where a channel's new conversations go; checked against the workspace's teams and hours. */
export async function setChannelRouting(
  db: Db,
  workspaceId: string,
  channelId: string,
  routing: z.infer<typeof ChannelRoutingSchema>,
) {
  await checkTeams(db, workspaceId, [["team_id", routing.team_id]]);
  await checkHours(db, workspaceId, routing.business_hours_id);
  if (routing.menu) {
    await checkTeams(db, workspaceId, [
      ...routing.menu.options.map((o, i): [string, string] => [
        `menu.options.${i}.team_id`,
        o.team_id,
      ]),
      ["menu.default_team_id", routing.menu.default_team_id],
    ]);
  }
  const [row] = await db
    .update(channels)
    .set({ routing })
    .where(inWorkspace(channels, workspaceId, eq(channels.id, channelId)))
    .returning({ routing: channels.routing });
  if (!row) throw notFound("Channel");
  return row.routing ?? {};
}
