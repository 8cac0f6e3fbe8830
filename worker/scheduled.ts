import { createDb } from "./db/client";
import { pruneAiCalls } from "./domain/ai/calls-retention";
import { sweepStuckRuns } from "./domain/automations/runner";
import { fireScheduleTriggers } from "./domain/automations/schedule";
import { runDueBroadcasts } from "./domain/broadcasts/due";
import { decideWinners } from "./domain/broadcasts/variants";
import { embedDueSources } from "./domain/knowledge/embed-due";
import { recrawlDueSources } from "./domain/knowledge/recrawl";
import { sendDueReportEmails } from "./domain/report-emails/due";
import { rebuildOutdatedReports } from "./domain/reports/after-upgrade";
import { fireOverdueScheduled } from "./domain/scheduled-messages/fire";
import type { Db } from "./lib/context";

export type PeriodicJob = (db: Db, env: Env, now: number) => Promise<unknown>;

/** What the every-minute cron trigger runs, in order; each job fails alone. */
export const PERIODIC_JOBS: PeriodicJob[] = [
  fireScheduleTriggers,
  sweepStuckRuns,
  runDueBroadcasts,
  decideWinners,
  fireOverdueScheduled,
  recrawlDueSources,
  embedDueSources,
  pruneAiCalls,
  rebuildOutdatedReports,
  sendDueReportEmails,
];

export async function runPeriodicJobs(env: Env, now: number, jobs = PERIODIC_JOBS) {
  const db = createDb(env.DB);
  for (const job of jobs) {
    try {
      await job(db, env, now);
    } catch (error) {
      console.error(`periodic job ${job.name || "(unnamed)"} failed`, error);
    }
  }
}

/** The Worker's `scheduled` handler: the cron's minute is the jobs' clock. */
export const handleScheduled: ExportedHandlerScheduledHandler<Env> = (controller, env) =>
  runPeriodicJobs(env, controller.scheduledTime);
