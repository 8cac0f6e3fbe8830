import { eq } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { reportEmailSchedules, workspaces } from "../../db/schema";
import type { Db } from "../../lib/context";
import { duePeriod } from "../broadcasts/recurrence";
import { isTimezone } from "../routing/hours";
import { claimPeriod, recurrenceOf } from "./schedule";
import { sendPeriod } from "./send";

/** Summaries sent per tick; the rest are still due on the next. */
const SENDS_PER_TICK = 25;

/**
 * Summaries whose local weekday and time have come and whose period was not sent yet: each
 * period is claimed before it is sent, so two ticks never send it twice.
 */
export async function sendDueReportEmails(db: Db, env: Env, now: number) {
  const enabled = await acrossWorkspaces(db)
    .select({
      schedule: reportEmailSchedules,
      workspace: {
        id: workspaces.id,
        name: workspaces.name,
        timezone: workspaces.timezone,
        language: workspaces.language,
      },
    })
    .from(reportEmailSchedules)
    .innerJoin(workspaces, eq(workspaces.id, reportEmailSchedules.workspaceId))
    .where(eq(reportEmailSchedules.enabled, true));
  let sends = 0;
  for (const { schedule, workspace } of enabled) {
    const timezone = isTimezone(workspace.timezone) ? workspace.timezone : "UTC";
    const period = duePeriod(recurrenceOf(schedule), timezone, now, schedule.updatedAt);
    if (!period || (schedule.lastSentPeriod ?? "") >= period.key) continue;
    if (!(await claimPeriod(db, schedule.workspaceId, period.key))) continue;
    await sendPeriod(db, env, schedule, { ...workspace, timezone }, period.key, now);
    if (++sends >= SENDS_PER_TICK) return;
  }
}
