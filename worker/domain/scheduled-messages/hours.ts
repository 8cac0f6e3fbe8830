import { eq } from "drizzle-orm";
import { businessHours, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { validationFailed } from "../../lib/errors";
import { isOpen, isTimezone, nextOpening } from "../routing/hours";

/**
 * "Next business morning": a time outside the business hours moves to their next opening.
 * `hoursId` names the hours ("" for the workspace's own); null leaves the time as it is.
 */
export async function placeInHours(
  db: Db,
  workspaceId: string,
  hoursId: string | null,
  at: number,
  path = "business_hours",
) {
  if (hoursId === null) return at;
  const id = hoursId || (await workspaceHoursId(db, workspaceId));
  if (!id)
    throw validationFailed([
      { path, message: "the workspace has no business hours; choose hours_id" },
    ]);
  const hours = await db.query.businessHours.findFirst({
    where: inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)),
  });
  if (!hours)
    throw validationFailed([{ path: `${path}.hours_id`, message: "no such business hours" }]);
  if (isOpen(hours, at)) return at;
  const opening = nextOpening(hours, at);
  if (opening === null) throw validationFailed([{ path, message: "these hours never open" }]);
  return opening;
}

async function workspaceHoursId(db: Db, workspaceId: string) {
  const row = await db.query.workspaces.findFirst({
    columns: { businessHoursId: true },
    where: eq(workspaces.id, workspaceId),
  });
  return row?.businessHoursId ?? null;
}

/** The workspace's timezone, UTC when it has none the runtime knows. */
export async function workspaceTimezone(db: Db, workspaceId: string) {
  const row = await db.query.workspaces.findFirst({
    columns: { timezone: true },
    where: eq(workspaces.id, workspaceId),
  });
  return row?.timezone && isTimezone(row.timezone) ? row.timezone : "UTC";
}
