import type { Db } from "../../lib/context";
import type { Facts } from "./conditions";
import { businessHoursOf, contactOf, isOpen, type RunScope, workspaceOf } from "./effects";

/** What conditions read for a run now: the contact's fields and tags, hours, saved values. */
export async function factsFor(
  db: Db,
  scope: RunScope & { channelId: string | null },
  vars: Record<string, unknown>,
  now: number,
): Promise<Facts> {
  const [workspace, contact, hours] = await Promise.all([
    workspaceOf(db, scope.workspaceId),
    scope.contactId
      ? contactOf(db, scope.workspaceId, scope.contactId).catch(() => null)
      : Promise.resolve(null),
    businessHoursOf(db, scope.workspaceId),
  ]);
  return {
    now,
    timezone: workspace.timezone,
    fields: contact?.custom_fields ?? {},
    tags: contact?.tags ?? [],
    channelId: scope.channelId,
    // without business hours, the business is always open
    hoursOpen: (id) => {
      const chosen = hours.find((h) => h.id === (id ?? workspace.businessHoursId));
      return chosen ? isOpen(chosen, now) : true;
    },
    vars,
  };
}
