import type { z } from "@hono/zod-openapi";
import { asc, eq, isNull } from "drizzle-orm";
import { businessHours, channels, teams, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { isoOrNull } from "../../schemas/common";
import type { BusinessHoursCreate, BusinessHoursPatch } from "../../schemas/teams";
import { isOpen, nextPeriodStart } from "./hours";

type HoursRow = typeof businessHours.$inferSelect;

export const toHoursDto = (row: HoursRow, now: number) => {
  const next = nextPeriodStart(row, now);
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    weekly: row.weekly,
    closures: row.closures,
    open_now: isOpen(row, now),
    next_opening: isoOrNull(next),
  };
};

/**
 * The most specific business hours: the team's, else the channel's routing's, else the
 * workspace's; null when none is set (always open).
 */
export async function hoursFor(
  db: Db,
  workspaceId: string,
  team: Pick<typeof teams.$inferSelect, "businessHoursId"> | null | undefined,
  channel: Pick<typeof channels.$inferSelect, "routing">,
) {
  const workspace = await db.query.workspaces.findFirst({
    columns: { businessHoursId: true },
    where: eq(workspaces.id, workspaceId),
  });
  const id =
    team?.businessHoursId ?? channel.routing?.business_hours_id ?? workspace?.businessHoursId;
  if (!id) return null;
  return (
    (await db.query.businessHours.findFirst({
      where: inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)),
    })) ?? null
  );
}

export async function checkHours(db: Db, workspaceId: string, id: string | null | undefined) {
  if (!id) return;
  const row = await db.query.businessHours.findFirst({
    where: inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)),
  });
  if (!row)
    throw validationFailed([{ path: "business_hours_id", message: "no such business hours" }]);
}

export async function createBusinessHours(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof BusinessHoursCreate>,
  now: number,
) {
  const [row] = await db
    .insert(businessHours)
    .values({ id: newId("bh", now), workspaceId, ...input, createdAt: now })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export const listBusinessHours = (db: Db, workspaceId: string) =>
  db.query.businessHours.findMany({
    where: inWorkspace(businessHours, workspaceId),
    orderBy: asc(businessHours.name),
  });

export async function getBusinessHours(db: Db, workspaceId: string, id: string) {
  const row = await db.query.businessHours.findFirst({
    where: inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)),
  });
  if (!row) throw notFound("Business hours");
  return row;
}

export async function updateBusinessHours(
  db: Db,
  workspaceId: string,
  id: string,
  input: z.infer<typeof BusinessHoursPatch>,
) {
  await getBusinessHours(db, workspaceId, id);
  const values = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (Object.keys(values).length)
    await db
      .update(businessHours)
      .set(values)
      .where(inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)));
  return getBusinessHours(db, workspaceId, id);
}

/** Who follows a schedule: the workspace, its teams and its channels, by name. */
async function usersOfHours(db: Db, workspaceId: string, id: string) {
  const [workspace, teamRows, channelRows] = await Promise.all([
    db.query.workspaces.findFirst({ where: eq(workspaces.id, workspaceId) }),
    db.query.teams.findMany({
      columns: { name: true },
      where: inWorkspace(teams, workspaceId, eq(teams.businessHoursId, id)),
    }),
    db.query.channels.findMany({
      columns: { name: true, routing: true },
      where: inWorkspace(channels, workspaceId, isNull(channels.deletedAt)),
    }),
  ]);
  return [
    ...(workspace?.businessHoursId === id ? ["the workspace"] : []),
    ...teamRows.map((t) => `team "${t.name}"`),
    ...channelRows
      .filter((c) => c.routing?.business_hours_id === id)
      .map((c) => `channel "${c.name}"`),
  ];
}

/** Deletes a schedule nobody follows; one still in use is refused, naming who uses it. */
export async function deleteBusinessHours(db: Db, workspaceId: string, id: string) {
  await getBusinessHours(db, workspaceId, id);
  const usedBy = await usersOfHours(db, workspaceId, id);
  if (usedBy.length)
    throw conflict(`These hours are used by ${usedBy.join(", ")}; give them other hours first.`);
  await db
    .delete(businessHours)
    .where(inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)));
}
