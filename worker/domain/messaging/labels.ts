import type { z } from "@hono/zod-openapi";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import { conversationLabels, labels } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import type { LabelCreate, LabelPatch } from "../../schemas/labels";
import { audit } from "../workspace/audit";

type LabelRow = typeof labels.$inferSelect;

export const toLabelDto = (row: LabelRow, conversationCount: number) => ({
  id: row.id,
  name: row.name,
  colour: row.colour,
  description: row.description ?? null,
  conversation_count: conversationCount,
  created_at: toIso(row.createdAt),
});

/** How many conversations carry each label name. */
async function usage(db: Db, workspaceId: string) {
  const rows = await db
    .select({ label: conversationLabels.label, n: count() })
    .from(conversationLabels)
    .where(inWorkspace(conversationLabels, workspaceId))
    .groupBy(conversationLabels.label);
  return new Map(rows.map((r) => [r.label, r.n]));
}

export async function listLabels(db: Db, workspaceId: string) {
  const [rows, used] = await Promise.all([
    db.query.labels.findMany({
      where: inWorkspace(labels, workspaceId),
      orderBy: asc(labels.name),
    }),
    usage(db, workspaceId),
  ]);
  return rows.map((row) => toLabelDto(row, used.get(row.name) ?? 0));
}

async function getLabel(db: Db, workspaceId: string, id: string) {
  const row = await db.query.labels.findFirst({
    where: inWorkspace(labels, workspaceId, eq(labels.id, id)),
  });
  if (!row) throw notFound("Label");
  return row;
}

async function nameFree(db: Db, workspaceId: string, name: string, except?: string) {
  const taken = await db.query.labels.findFirst({
    where: inWorkspace(labels, workspaceId, eq(labels.name, name)),
  });
  if (taken && taken.id !== except) throw conflict(`A label named "${name}" exists.`, "name");
}

async function countOn(db: Db, workspaceId: string, name: string) {
  const [row] = await db
    .select({ n: count() })
    .from(conversationLabels)
    .where(inWorkspace(conversationLabels, workspaceId, eq(conversationLabels.label, name)));
  return row?.n ?? 0;
}

export async function createLabel(
  db: Db,
  principal: Principal,
  input: z.infer<typeof LabelCreate>,
  now: number,
) {
  const name = input.name.toLowerCase();
  await nameFree(db, principal.workspaceId, name);
  const [row] = await db
    .insert(labels)
    .values({
      id: newId("lab", now),
      workspaceId: principal.workspaceId,
      name,
      colour: input.colour,
      description: input.description ?? null,
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await audit(db, principal, "label.created", { type: "label", id: row.id }, { name });
  return toLabelDto(row, await countOn(db, principal.workspaceId, name));
}

/** A rename carries every conversation's label along with it, in the same batch. */
export async function updateLabel(
  db: Db,
  principal: Principal,
  id: string,
  input: z.infer<typeof LabelPatch>,
) {
  const workspaceId = principal.workspaceId;
  const current = await getLabel(db, workspaceId, id);
  const name = input.name?.toLowerCase() ?? current.name;
  if (name !== current.name) await nameFree(db, workspaceId, name, id);
  const change = {
    name,
    ...(input.colour !== undefined && { colour: input.colour }),
    ...(input.description !== undefined && { description: input.description }),
  };
  const carrying = (label: string) =>
    db
      .select({ id: conversationLabels.conversationId })
      .from(conversationLabels)
      .where(inWorkspace(conversationLabels, workspaceId, eq(conversationLabels.label, label)));
  await db.batch([
    db
      .update(labels)
      .set(change)
      .where(inWorkspace(labels, workspaceId, eq(labels.id, id))),
    // a conversation that already carries the new name keeps one of the two
    db
      .delete(conversationLabels)
      .where(
        inWorkspace(
          conversationLabels,
          workspaceId,
          eq(conversationLabels.label, current.name),
          inArray(conversationLabels.conversationId, carrying(name)),
        ),
      ),
    db
      .update(conversationLabels)
      .set({ label: name })
      .where(
        inWorkspace(conversationLabels, workspaceId, eq(conversationLabels.label, current.name)),
      ),
  ]);
  await audit(
    db,
    principal,
    "label.updated",
    { type: "label", id },
    { from: current.name, to: name },
  );
  return toLabelDto({ ...current, ...change }, await countOn(db, workspaceId, name));
}

/** Deleting a label takes it off every conversation too. */
export async function deleteLabel(db: Db, principal: Principal, id: string) {
  const workspaceId = principal.workspaceId;
  const current = await getLabel(db, workspaceId, id);
  await db.batch([
    db.delete(labels).where(and(inWorkspace(labels, workspaceId), eq(labels.id, id))),
    db
      .delete(conversationLabels)
      .where(
        inWorkspace(conversationLabels, workspaceId, eq(conversationLabels.label, current.name)),
      ),
  ]);
  await audit(db, principal, "label.deleted", { type: "label", id }, { name: current.name });
}
