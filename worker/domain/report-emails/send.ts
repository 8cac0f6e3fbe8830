import { eq } from "drizzle-orm";
import { email } from "../../channels/email";
import { SendError } from "../../channels/types";
import { reportEmailSchedules, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { targetFetch } from "../../lib/targets";
import type { ChannelConfigOf } from "../../schemas/channels";
import type { UiLanguage } from "../../schemas/languages";
import { adapterConfig, findChannelRow } from "../channels/channels";
import { isTimezone } from "../routing/hours";
import { summaryLetter } from "./letter";
import { readersAmong, type ScheduleRow } from "./schedule";
import { buildSummary, type Summary, summaryRange } from "./summary";

export type SummaryWorkspace = {
  id: string;
  name: string;
  timezone: string;
  language: UiLanguage | null;
};

export type Recipient = { email: string; language: UiLanguage | null };

export async function summaryWorkspace(db: Db, workspaceId: string): Promise<SummaryWorkspace> {
  const row = await db.query.workspaces.findFirst({
    columns: { id: true, name: true, timezone: true, language: true },
    where: eq(workspaces.id, workspaceId),
  });
  if (!row) throw new Error(`workspace ${workspaceId} is gone`);
  return { ...row, timezone: isTimezone(row.timezone) ? row.timezone : "UTC" };
}

/** The schedule's email channel, still connected; null when it is gone. */
async function emailChannelOf(db: Db, schedule: ScheduleRow) {
  const channel = await findChannelRow(db, schedule.workspaceId, schedule.channelId);
  return channel?.type === "email" && channel.deletedAt === null ? channel : null;
}

/** The summary of the period sent on local date `sendDate`. */
export const summaryFor = (
  db: Db,
  workspace: SummaryWorkspace,
  schedule: Pick<ScheduleRow, "frequency">,
  sendDate: string,
) =>
  buildSummary(
    db,
    workspace,
    schedule.frequency,
    summaryRange(schedule.frequency, sendDate, workspace.timezone),
  );

/**
 * One e-mail per recipient, in their language (else the workspace's), through the channel's
 * provider. A refusal for one does not stop the others: each is returned as "address: reason".
 */
async function sendToEach(
  env: Env,
  channel: NonNullable<Awaited<ReturnType<typeof emailChannelOf>>>,
  summary: Summary,
  workspace: SummaryWorkspace,
  recipients: Recipient[],
  now: number,
) {
  const config = await adapterConfig<ChannelConfigOf<"email">>(env, channel);
  const failures: string[] = [];
  for (const recipient of recipients) {
    const letter = summaryLetter(summary, recipient.language ?? workspace.language ?? "en");
    try {
      await email.send(
        config,
        {
          to: recipient.email,
          ...letter,
          from: config.from_accounts[0]?.from,
          reference: newId("rpt", now),
        },
        targetFetch(env),
      );
    } catch (error) {
      if (!(error instanceof SendError)) throw error;
      failures.push(`${recipient.email}: ${error.message}`);
    }
  }
  return failures;
}

/** Sends a claimed period to the schedule's readers and keeps when, and who could not be reached. */
export async function sendPeriod(
  db: Db,
  env: Env,
  schedule: ScheduleRow,
  workspace: SummaryWorkspace,
  sendDate: string,
  now: number,
) {
  let lastError: string | null;
  try {
    const channel = await emailChannelOf(db, schedule);
    const recipients = await readersAmong(db, schedule.workspaceId, schedule.recipientIds);
    if (!channel) lastError = "the email channel was disconnected";
    else if (recipients.length === 0)
      lastError = "no recipient is an active supervisor, admin or owner";
    else {
      const summary = await summaryFor(db, workspace, schedule, sendDate);
      const failures = await sendToEach(env, channel, summary, workspace, recipients, now);
      lastError = failures.length ? failures.join("; ") : null;
    }
  } catch (error) {
    console.error("a report e-mail was not sent", error);
    lastError = "the summary could not be sent";
  }
  await db
    .update(reportEmailSchedules)
    .set({ lastSentAt: now, lastError })
    .where(inWorkspace(reportEmailSchedules, schedule.workspaceId));
}

/** Sends the summary of the days up to yesterday to one person now; the provider's refusal throws. */
export async function sendTest(
  db: Db,
  env: Env,
  schedule: ScheduleRow | undefined,
  recipient: Recipient,
  today: string,
  now: number,
) {
  const channel = schedule ? await emailChannelOf(db, schedule) : null;
  if (!schedule || !channel)
    throw validationFailed([
      { path: "channel_id", message: "save the schedule with a connected email channel first" },
    ]);
  const workspace = await summaryWorkspace(db, schedule.workspaceId);
  const summary = await summaryFor(db, workspace, schedule, today);
  const [failure] = await sendToEach(env, channel, summary, workspace, [recipient], now);
  return {
    failure,
    subject: summaryLetter(summary, recipient.language ?? workspace.language ?? "en").subject,
  };
}
