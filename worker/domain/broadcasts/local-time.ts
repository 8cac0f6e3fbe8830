import { eq, type SQL, sql } from "drizzle-orm";
import { contacts, workspaces } from "../../db/schema";
import type { Db } from "../../lib/context";
import { instantOf, isTimezone } from "../routing/hours";

const HOUR = 60 * 60 * 1000;
/** The earliest timezone there is (Kiribati, UTC+14) reaches a wall time first. */
const EARLIEST_OFFSET = 14 * HOUR;

/** When the wall time `local` (`YYYY-MM-DDTHH:MM`) happens in `timezone`. */
export function instantOfLocal(local: string, timezone: string) {
  const [date = "", time = ""] = local.split("T");
  const [h = 0, m = 0] = time.split(":").map(Number);
  return instantOf(date, h * 60 + m, timezone);
}

/** The first moment anywhere on Earth reaches the wall time: the broadcast starts then. */
export const firstReached = (local: string) => Date.parse(`${local}:00Z`) - EARLIEST_OFFSET;

/**
 * Each contact's due time for a broadcast sent at a local wall time, as SQL over `contacts`:
 * the wall time in the contact's timezone (the workspace's when they have none or a bad one),
 * null when that is already past so the row may be sent at once. `where` names the page.
 */
export async function dueAtOfContacts(
  db: Db,
  workspaceId: string,
  local: string,
  where: SQL | undefined,
  now: number,
): Promise<SQL> {
  const workspace = await db.query.workspaces.findFirst({
    columns: { timezone: true },
    where: eq(workspaces.id, workspaceId),
  });
  const dueIn = (timezone: string) => {
    const at = instantOfLocal(local, timezone);
    return at > now ? at : null;
  };
  const fallback = dueIn(workspace?.timezone ?? "UTC");
  const zones = await db
    .selectDistinct({ timezone: contacts.timezone })
    .from(contacts)
    .where(where);
  const known = zones
    .map((z) => z.timezone)
    .filter((tz): tz is string => tz !== null && isTimezone(tz));
  if (!known.length) return sql`${fallback}`;
  const cases = known.map((tz) => sql`when ${tz} then ${dueIn(tz)}`);
  return sql`case ${contacts.timezone} ${sql.join(cases, sql` `)} else ${fallback} end`;
}
