import type { z } from "@hono/zod-openapi";
import { and, count, desc, eq, gte, lt, sql } from "drizzle-orm";
import {
  automationRunSteps,
  automationRuns,
  automationSettings,
  automationVersions,
  contacts,
  conversations,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toPage } from "../../lib/pagination";
import type {
  RecentRunStats,
  RunListQuery,
  RunSchema,
  RunStats,
} from "../../schemas/automation-runs";
import type { AutomationSettingsPatch } from "../../schemas/automations";
import { isoOrNull, toIso } from "../../schemas/common";
import { retryFailedRun, startRuns } from "./runner";
import { assertNotPaused, getAutomationRow } from "./store";

type RunRow = typeof automationRuns.$inferSelect;
type StepRow = typeof automationRunSteps.$inferSelect;

type RunContact = { id: string; name: string | null } | null;

const toRunDto = (
  row: RunRow,
  version: number,
  contact: RunContact,
): z.infer<typeof RunSchema> => ({
  id: row.id,
  automation_id: row.automationId,
  version,
  trigger_event_id: row.triggerEventId,
  trigger: row.trigger,
  contact_id: row.contactId,
  contact,
  conversation_id: row.conversationId,
  status: row.status,
  next_step_id: row.cursor,
  resume_at: isoOrNull(row.resumeAt),
  error: row.error,
  messages_sent: row.messagesSent,
  started_at: toIso(row.startedAt),
  finished_at: isoOrNull(row.finishedAt),
});

const toStepDto = (row: StepRow) => ({
  step_id: row.stepId,
  iteration: row.iteration,
  type: row.type,
  status: row.status,
  input: row.input,
  output: row.output,
  error: row.error,
  started_at: toIso(row.startedAt),
  finished_at: isoOrNull(row.finishedAt),
});

/** Runs with their version number and their contact's name, in one query. */
const withVersion = (db: Db) =>
  db
    .select({
      run: automationRuns,
      version: automationVersions.version,
      contactName: contacts.name,
    })
    .from(automationRuns)
    .innerJoin(automationVersions, eq(automationVersions.id, automationRuns.versionId))
    .leftJoin(
      contacts,
      and(
        eq(contacts.id, automationRuns.contactId),
        eq(contacts.workspaceId, automationRuns.workspaceId),
      ),
    )
    .$dynamic();

type JoinedRun = { run: RunRow; version: number; contactName: string | null };

const dtoOf = ({ run, version, contactName }: JoinedRun) =>
  toRunDto(run, version, run.contactId ? { id: run.contactId, name: contactName } : null);

/** An automation's runs, newest first, by keyset pages. */
export async function listRuns(
  db: Db,
  workspaceId: string,
  automationId: string,
  query: z.infer<typeof RunListQuery>,
) {
  await getAutomationRow(db, workspaceId, automationId);
  const rows = await withVersion(db)
    .where(
      inWorkspace(
        automationRuns,
        workspaceId,
        eq(automationRuns.automationId, automationId),
        query.status ? eq(automationRuns.status, query.status) : undefined,
        query.contact_id ? eq(automationRuns.contactId, query.contact_id) : undefined,
        query.conversation_id
          ? eq(automationRuns.conversationId, query.conversation_id)
          : undefined,
        query.started_from
          ? gte(automationRuns.startedAt, Date.parse(query.started_from))
          : undefined,
        query.started_to ? lt(automationRuns.startedAt, Date.parse(query.started_to)) : undefined,
        query.cursor ? lt(automationRuns.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(automationRuns.id))
    .limit(query.limit + 1);
  return toPage(rows.map(dtoOf), query.limit);
}

/** A run with each step it took, in order, every attempt. */
export async function getRun(db: Db, workspaceId: string, runId: string) {
  const [row] = await withVersion(db).where(
    inWorkspace(automationRuns, workspaceId, eq(automationRuns.id, runId)),
  );
  if (!row) throw notFound("Run");
  const steps = await db
    .select()
    .from(automationRunSteps)
    .where(inWorkspace(automationRunSteps, workspaceId, eq(automationRunSteps.runId, runId)))
    // in the order they were taken (several can start in the same millisecond)
    .orderBy(sql`rowid`);
  return { ...dtoOf(row), steps: steps.map(toStepDto) };
}

export async function retryRun(db: Db, env: Env, workspaceId: string, runId: string, now: number) {
  const run = await getRun(db, workspaceId, runId);
  if (run.status !== "failed") throw conflict("Only a failed run can be retried.");
  const retried = await retryFailedRun(db, env, workspaceId, runId, now);
  if (retried === false) throw conflict("The run is being retried already.");
  return getRun(db, workspaceId, runId);
}

export async function runStats(
  db: Db,
  workspaceId: string,
  automationId: string,
): Promise<z.infer<typeof RunStats>> {
  await getAutomationRow(db, workspaceId, automationId);
  const rows = await db
    .select({
      status: automationRuns.status,
      n: count(),
      sent: sql<number>`coalesce(sum(${automationRuns.messagesSent}), 0)`,
    })
    .from(automationRuns)
    .where(inWorkspace(automationRuns, workspaceId, eq(automationRuns.automationId, automationId)))
    .groupBy(automationRuns.status);
  const of = (status: RunRow["status"]) => rows.find((r) => r.status === status)?.n ?? 0;
  return {
    triggered: rows.reduce((sum, r) => sum + r.n, 0),
    running: of("running") + of("waiting"),
    completed: of("completed"),
    failed: of("failed"),
    stopped: of("stopped"),
    limited: of("limited"),
    messages_sent: rows.reduce((sum, r) => sum + Number(r.sent), 0),
  };
}

const WEEK = 7 * 24 * 3_600_000;

export type RecentStats = z.infer<typeof RecentRunStats>;

/**
 * Runs of the last 7 days of each of the workspace's automations (triggered, completed, failed),
 * in one grouped query; automations without runs are absent.
 */
export async function recentRunStats(
  db: Db,
  workspaceId: string,
  now: number,
): Promise<Map<string, RecentStats>> {
  const rows = await db
    .select({
      automationId: automationRuns.automationId,
      status: automationRuns.status,
      n: count(),
    })
    .from(automationRuns)
    .where(inWorkspace(automationRuns, workspaceId, gte(automationRuns.startedAt, now - WEEK)))
    .groupBy(automationRuns.automationId, automationRuns.status);
  const stats = new Map<string, RecentStats>();
  for (const { automationId, status, n } of rows) {
    const of = stats.get(automationId) ?? { triggered: 0, completed: 0, failed: 0 };
    of.triggered += n;
    if (status === "completed") of.completed += n;
    if (status === "failed") of.failed += n;
    stats.set(automationId, of);
  }
  return stats;
}

async function checkTarget(
  db: Db,
  workspaceId: string,
  target: { contact_id?: string | undefined; conversation_id?: string | undefined },
) {
  const conversation = target.conversation_id
    ? await db.query.conversations.findFirst({
        columns: { id: true, contactId: true },
        where: inWorkspace(
          conversations,
          workspaceId,
          eq(conversations.id, target.conversation_id),
        ),
      })
    : null;
  if (target.conversation_id && !conversation)
    throw validationFailed([{ path: "conversation_id", message: "no such conversation" }]);
  if (target.contact_id) {
    const contact = await db.query.contacts.findFirst({
      columns: { id: true },
      where: inWorkspace(contacts, workspaceId, eq(contacts.id, target.contact_id)),
    });
    if (!contact) throw validationFailed([{ path: "contact_id", message: "no such contact" }]);
    if (conversation && conversation.contactId !== contact.id)
      throw validationFailed([
        { path: "conversation_id", message: "is not a conversation of this contact" },
      ]);
  }
  return {
    contactId: target.contact_id ?? conversation?.contactId,
    conversationId: conversation?.id,
  };
}

/**
 * Starts the automation now for a contact or a conversation, whatever its trigger and
 * conditions (a person chose them); its frequency limit still holds.
 */
export async function startManualRun(
  db: Db,
  env: Env,
  workspaceId: string,
  automationId: string,
  target: { contact_id?: string | undefined; conversation_id?: string | undefined },
  now: number,
) {
  assertNotPaused(await getAutomationRow(db, workspaceId, automationId));
  const { contactId, conversationId } = await checkTarget(db, workspaceId, target);
  const [run] = await startRuns(
    db,
    env,
    {
      type: "manual",
      id: newId("evt", now),
      workspaceId,
      at: now,
      contactId,
      conversationId,
      automationId,
      byPerson: true,
    },
    now,
  );
  if (!run) throw conflict("The automation could not start; try again.");
  return getRun(db, workspaceId, run.id);
}

export async function automationSettingsOf(db: Db, workspaceId: string) {
  const row = await db.query.automationSettings.findFirst({
    where: eq(automationSettings.workspaceId, workspaceId),
  });
  return {
    quiet_hours: row?.quietFrom && row.quietTo ? { from: row.quietFrom, to: row.quietTo } : null,
  };
}

export async function updateAutomationSettings(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof AutomationSettingsPatch>,
  now: number,
) {
  const values = {
    quietFrom: input.quiet_hours?.from ?? null,
    quietTo: input.quiet_hours?.to ?? null,
    updatedAt: now,
  };
  await db
    .insert(automationSettings)
    .values({ workspaceId, ...values })
    .onConflictDoUpdate({ target: automationSettings.workspaceId, set: values });
  return automationSettingsOf(db, workspaceId);
}
