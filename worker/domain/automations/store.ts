import type { z } from "@hono/zod-openapi";
import { and, desc, eq, inArray } from "drizzle-orm";
import {
  automationRunSteps,
  automationRuns,
  automations,
  automationVersions,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { randomToken } from "../../lib/crypto";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { seal } from "../../lib/secret-box";
import type {
  AutomationCreate,
  AutomationPatch,
  AutomationSchema,
  Definition,
} from "../../schemas/automations";
import { toIso } from "../../schemas/common";
import { hubFor } from "../messaging/stubs";
import { checkDefinition, normalizeDefinition } from "./definition";
import { walkSteps } from "./steps";

type AutomationRow = typeof automations.$inferSelect;
type VersionRow = typeof automationVersions.$inferSelect;

export const definitionOf = (version: VersionRow) => version.definition as unknown as Definition;

/** An automation as its routes answer it, but for `webhook_url`, which needs the request's origin. */
export type StoredAutomation = Omit<z.infer<typeof AutomationSchema>, "webhook_url"> & {
  webhook_token: string | null;
};

export function toAutomationDto(row: AutomationRow, version: VersionRow): StoredAutomation {
  const definition = definitionOf(version);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    version: row.version,
    ...definition,
    has_secret: row.webhookSecret !== null,
    webhook_token: definition.trigger.type === "webhook" ? row.webhookToken : null,
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}

/** The webhook trigger's secret is kept sealed on the automation, never in a version. */
function splitSecret(definition: Definition): { definition: Definition; secret?: string } {
  if (definition.trigger.type !== "webhook" || definition.trigger.secret === undefined)
    return { definition };
  const { secret, ...trigger } = definition.trigger;
  return { definition: { ...definition, trigger }, secret };
}

const versionRow = (
  workspaceId: string,
  automationId: string,
  version: number,
  definition: Definition,
  now: number,
) => ({
  id: newId("autv", now),
  workspaceId,
  automationId,
  version,
  triggerType: definition.trigger.type,
  definition: definition as unknown as Record<string, unknown>,
  createdAt: now,
});

/** A webhook trigger's URL token: kept while the trigger stays a webhook, else none. */
const webhookTokenFor = (definition: Definition, current: string | null = null) =>
  definition.trigger.type === "webhook" ? (current ?? randomToken()) : null;

async function sealedSecret(env: Env, secret: string | undefined) {
  return secret === undefined ? null : seal(env, { secret });
}

export async function getAutomationRow(db: Db, workspaceId: string, id: string) {
  const row = await db.query.automations.findFirst({
    where: inWorkspace(automations, workspaceId, eq(automations.id, id)),
  });
  if (!row) throw notFound("Automation");
  return row;
}

export async function versionById(db: Db, workspaceId: string, id: string) {
  const row = await db.query.automationVersions.findFirst({
    where: inWorkspace(automationVersions, workspaceId, eq(automationVersions.id, id)),
  });
  if (!row) throw new Error(`automation version ${id} is missing`);
  return row;
}

export async function getAutomation(db: Db, workspaceId: string, id: string) {
  const row = await getAutomationRow(db, workspaceId, id);
  return toAutomationDto(row, await versionById(db, workspaceId, row.versionId));
}

export async function listAutomations(
  db: Db,
  workspaceId: string,
  filter: { status?: AutomationRow["status"] | undefined; trigger?: string | undefined },
) {
  const rows = await db
    .select({ automation: automations, version: automationVersions })
    .from(automations)
    .innerJoin(automationVersions, eq(automationVersions.id, automations.versionId))
    .where(
      inWorkspace(
        automations,
        workspaceId,
        filter.status ? eq(automations.status, filter.status) : undefined,
        filter.trigger ? eq(automationVersions.triggerType, filter.trigger) : undefined,
      ),
    )
    .orderBy(desc(automations.id))
    .limit(500);
  return rows.map((r) => toAutomationDto(r.automation, r.version));
}

export async function createAutomation(
  db: Db,
  env: Env,
  workspaceId: string,
  input: z.infer<typeof AutomationCreate>,
  now: number,
) {
  const { name, description, ...given } = input;
  const id = newId("aut", now);
  const normalized = normalizeDefinition(given, now);
  await checkDefinition(db, workspaceId, normalized, id);
  const { definition, secret } = splitSecret(normalized);
  const version = versionRow(workspaceId, id, 1, definition, now);
  const row = {
    id,
    workspaceId,
    name,
    description: description ?? null,
    status: "draft" as const,
    versionId: version.id,
    version: 1,
    webhookSecret: await sealedSecret(env, secret),
    webhookToken: webhookTokenFor(definition),
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(automations).values(row),
    db.insert(automationVersions).values(version),
  ]);
  return getAutomation(db, workspaceId, id);
}

const DEFINITION_KEYS = ["trigger", "conditions", "steps", "timing", "frequency"] as const;

/** A change of what it does makes a new version; runs under way finish on theirs. */
export async function updateAutomation(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  patch: z.infer<typeof AutomationPatch>,
  now: number,
) {
  const current = await getAutomationRow(db, workspaceId, id);
  const changesDefinition = DEFINITION_KEYS.some((key) => patch[key] !== undefined);
  const names = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
  };
  if (!changesDefinition) {
    await db
      .update(automations)
      .set({ ...names, updatedAt: now })
      .where(inWorkspace(automations, workspaceId, eq(automations.id, id)));
    return getAutomation(db, workspaceId, id);
  }
  const previous = definitionOf(await versionById(db, workspaceId, current.versionId));
  const merged: Definition = {
    trigger: patch.trigger ?? previous.trigger,
    conditions: patch.conditions ?? previous.conditions,
    steps: patch.steps ?? previous.steps,
    timing: patch.timing ?? previous.timing,
    frequency: patch.frequency ?? previous.frequency,
  };
  const normalized = normalizeDefinition(merged, now);
  await checkDefinition(db, workspaceId, normalized, id);
  const { definition, secret } = splitSecret(normalized);
  const number = current.version + 1;
  const version = versionRow(workspaceId, id, number, definition, now);
  const keepsSecret = definition.trigger.type === "webhook" && secret === undefined;
  const webhookSecret = keepsSecret ? current.webhookSecret : await sealedSecret(env, secret);
  const webhookToken = webhookTokenFor(definition, current.webhookToken);
  await db.batch([
    db.insert(automationVersions).values(version),
    db
      .update(automations)
      .set({
        ...names,
        versionId: version.id,
        version: number,
        webhookSecret,
        webhookToken,
        updatedAt: now,
      })
      .where(
        inWorkspace(
          automations,
          workspaceId,
          eq(automations.id, id),
          eq(automations.version, current.version),
        ),
      ),
  ]);
  if (current.status === "active") await hubFor(env, workspaceId).interestChanged();
  return getAutomation(db, workspaceId, id);
}

export async function deleteAutomation(db: Db, workspaceId: string, id: string) {
  await getAutomationRow(db, workspaceId, id);
  const runs = db
    .select({ id: automationRuns.id })
    .from(automationRuns)
    .where(inWorkspace(automationRuns, workspaceId, eq(automationRuns.automationId, id)));
  await db.batch([
    db
      .delete(automationRunSteps)
      .where(inWorkspace(automationRunSteps, workspaceId, inArray(automationRunSteps.runId, runs))),
    db
      .delete(automationRuns)
      .where(inWorkspace(automationRuns, workspaceId, eq(automationRuns.automationId, id))),
    db
      .delete(automationVersions)
      .where(inWorkspace(automationVersions, workspaceId, eq(automationVersions.automationId, id))),
    db.delete(automations).where(inWorkspace(automations, workspaceId, eq(automations.id, id))),
  ]);
}

export async function activateAutomation(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  now: number,
) {
  await getAutomationRow(db, workspaceId, id);
  await db
    .update(automations)
    .set({ status: "active", activatedAt: now, updatedAt: now })
    .where(inWorkspace(automations, workspaceId, eq(automations.id, id)));
  await hubFor(env, workspaceId).interestChanged();
  return getAutomation(db, workspaceId, id);
}

/** Paused: no new runs. Runs under way finish, or stop now. */
export async function deactivateAutomation(
  db: Db,
  workspaceId: string,
  id: string,
  running: "finish" | "stop",
  now: number,
) {
  await getAutomationRow(db, workspaceId, id);
  await db.batch([
    db
      .update(automations)
      .set({ status: "paused", updatedAt: now })
      .where(inWorkspace(automations, workspaceId, eq(automations.id, id))),
    ...(running === "stop"
      ? [
          db
            .update(automationRuns)
            .set({
              status: "stopped",
              error: "stopped when the automation was paused",
              finishedAt: now,
              updatedAt: now,
            })
            .where(
              inWorkspace(
                automationRuns,
                workspaceId,
                eq(automationRuns.automationId, id),
                inArray(automationRuns.status, ["running", "waiting"]),
              ),
            ),
        ]
      : []),
  ]);
  return getAutomation(db, workspaceId, id);
}

/** A draft copy with the same definition (step ids kept) and a new name. */
export async function duplicateAutomation(db: Db, workspaceId: string, id: string, now: number) {
  const source = await getAutomationRow(db, workspaceId, id);
  const definition = definitionOf(await versionById(db, workspaceId, source.versionId));
  const copyId = newId("aut", now);
  const version = versionRow(workspaceId, copyId, 1, definition, now);
  const name = `${source.name} (copy)`.slice(0, 100);
  await db.batch([
    db.insert(automations).values({
      id: copyId,
      workspaceId,
      name,
      description: source.description,
      status: "draft",
      versionId: version.id,
      version: 1,
      webhookSecret: source.webhookSecret,
      webhookToken: webhookTokenFor(definition),
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(automationVersions).values(version),
  ]);
  return getAutomation(db, workspaceId, copyId);
}

/** A new URL for the webhook trigger: the old one answers 404 from now on. */
export async function rotateWebhookToken(db: Db, workspaceId: string, id: string, now: number) {
  const row = await getAutomationRow(db, workspaceId, id);
  const definition = definitionOf(await versionById(db, workspaceId, row.versionId));
  if (definition.trigger.type !== "webhook")
    throw conflict("Only an automation triggered by a webhook has a URL to rotate.");
  await db
    .update(automations)
    .set({ webhookToken: randomToken(), updatedAt: now })
    .where(inWorkspace(automations, workspaceId, eq(automations.id, id)));
  return getAutomation(db, workspaceId, id);
}

/** The trigger types of the workspace's active automations: the events they want. */
export async function activeTriggerTypes(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ type: automationVersions.triggerType })
    .from(automations)
    .innerJoin(automationVersions, eq(automationVersions.id, automations.versionId))
    .where(inWorkspace(automations, workspaceId, eq(automations.status, "active")));
  return rows.map((r) => r.type);
}

/** Does an active automation ask questions (its runs will wait for customers' answers)? */
export async function activeAutomationsAsk(db: Db, workspaceId: string) {
  const rows = await db
    .select({ definition: automationVersions.definition })
    .from(automations)
    .innerJoin(automationVersions, eq(automationVersions.id, automations.versionId))
    .where(inWorkspace(automations, workspaceId, eq(automations.status, "active")));
  return rows.some((row) =>
    [...walkSteps((row.definition as unknown as Definition).steps)].some(
      ({ step }) => step.type === "ask",
    ),
  );
}

/** Active automations whose trigger is of this type, with the version new runs start on. */
export async function activeAutomationsFor(
  db: Db,
  workspaceId: string,
  triggerType: string,
  only?: string,
) {
  return db
    .select({ automation: automations, version: automationVersions })
    .from(automations)
    .innerJoin(automationVersions, eq(automationVersions.id, automations.versionId))
    .where(
      inWorkspace(
        automations,
        workspaceId,
        only
          ? and(eq(automations.id, only), inArray(automations.status, ["active", "draft"]))
          : and(eq(automations.status, "active"), eq(automationVersions.triggerType, triggerType)),
      ),
    );
}

export const assertNotPaused = (row: AutomationRow) => {
  if (row.status === "paused") throw conflict("The automation is paused; activate it first.");
};
