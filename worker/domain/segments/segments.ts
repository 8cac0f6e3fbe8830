import type { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, type SQL, sql } from "drizzle-orm";
import { D1_MAX_PARAMS } from "../../db/chunks";
import { channels, contacts, segments } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import {
  SAMPLE_SIZE,
  type SegmentCreate,
  type SegmentPatch,
  type SegmentRulesValue,
  type SegmentSchema,
} from "../../schemas/segments";
import { tagsOf, toContactDto } from "../contacts/contacts";
import { listContactFields } from "../contacts/fields";
import { type SegmentContext, segmentWhere } from "./segment-where";

type SegmentRow = typeof segments.$inferSelect;

export const MAX_SEGMENTS = 200;

export const toSegmentDto = (row: SegmentRow): z.infer<typeof SegmentSchema> => ({
  id: row.id,
  name: row.name,
  description: row.description,
  rules: row.rules as SegmentRulesValue,
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
});

async function segmentContext(db: Db, workspaceId: string, now: number): Promise<SegmentContext> {
  const [fields, workspaceChannels] = await Promise.all([
    listContactFields(db, workspaceId),
    db
      .select({ id: channels.id, type: channels.type })
      .from(channels)
      .where(inWorkspace(channels, workspaceId)),
  ]);
  return { fields, channels: workspaceChannels, now };
}

/** Paging adds the last id and the limit to the segment's own parameters. */
const PAGING_PARAMS = 2;

/** The rules' condition, or a 422 naming each rule the workspace cannot satisfy. */
export async function compileSegment(
  db: Db,
  workspaceId: string,
  rules: SegmentRulesValue,
  now: number,
): Promise<SQL> {
  const { where, errors } = segmentWhere(
    workspaceId,
    rules,
    await segmentContext(db, workspaceId, now),
  );
  if (errors.length) throw validationFailed(errors);
  const params = db.select().from(contacts).where(where).toSQL().params.length;
  if (params + PAGING_PARAMS > D1_MAX_PARAMS)
    throw validationFailed([
      {
        path: "rules",
        message: `these rules compare ${params} values; at most ${D1_MAX_PARAMS - PAGING_PARAMS} fit in one segment`,
      },
    ]);
  return where;
}

async function withTags(db: Db, workspaceId: string, rows: (typeof contacts.$inferSelect)[]) {
  const tags = await tagsOf(
    db,
    workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toContactDto(row, tags.get(row.id) ?? []));
}

/**
 * One page of a segment's contacts in id order, after the contact id `after`: contacts added
 * or removed while paging never shift a page, so every contact that matches throughout is seen
 * exactly once.
 */
export async function contactsInSegment(
  db: Db,
  workspaceId: string,
  rules: SegmentRulesValue,
  page: { after?: string | undefined; limit: number; now: number },
) {
  const where = await compileSegment(db, workspaceId, rules, page.now);
  const rows = await db
    .select()
    .from(contacts)
    .where(page.after ? and(where, gt(contacts.id, page.after)) : where)
    .orderBy(asc(contacts.id))
    .limit(page.limit + 1);
  const data = await withTags(db, workspaceId, rows.slice(0, page.limit));
  return {
    data,
    next_after: rows.length > page.limit ? (data.at(-1)?.id ?? null) : null,
  };
}

/** How many contacts the rules take in, and the newest few of them. */
export async function previewSegment(
  db: Db,
  workspaceId: string,
  rules: SegmentRulesValue,
  now: number,
) {
  const where = await compileSegment(db, workspaceId, rules, now);
  const [counted, newest] = await Promise.all([
    db.select({ n: sql<number>`count(*)` }).from(contacts).where(where),
    db.select().from(contacts).where(where).orderBy(desc(contacts.id)).limit(SAMPLE_SIZE),
  ]);
  return { count: counted[0]?.n ?? 0, sample: await withTags(db, workspaceId, newest) };
}

export const listSegments = (db: Db, workspaceId: string) =>
  db.query.segments.findMany({
    where: inWorkspace(segments, workspaceId),
    orderBy: asc(segments.name),
  });

export async function getSegment(db: Db, workspaceId: string, id: string) {
  const row = await db.query.segments.findFirst({
    where: inWorkspace(segments, workspaceId, eq(segments.id, id)),
  });
  if (!row) throw notFound("Segment");
  return row;
}

async function nameFree(db: Db, workspaceId: string, name: string, except?: string) {
  const taken = await db.query.segments.findFirst({
    columns: { id: true },
    where: inWorkspace(segments, workspaceId, eq(segments.name, name)),
  });
  if (taken && taken.id !== except) throw conflict(`A segment named "${name}" exists.`, "name");
}

export async function createSegment(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof SegmentCreate>,
  now: number,
) {
  await compileSegment(db, workspaceId, input.rules, now);
  await nameFree(db, workspaceId, input.name);
  const existing = await db.$count(segments, inWorkspace(segments, workspaceId));
  if (existing >= MAX_SEGMENTS)
    throw conflict(`The workspace has ${MAX_SEGMENTS} segments: delete one first.`);
  const [row] = await db
    .insert(segments)
    .values({
      id: newId("seg", now),
      workspaceId,
      name: input.name,
      description: input.description ?? null,
      rules: input.rules,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function updateSegment(
  db: Db,
  workspaceId: string,
  id: string,
  patch: z.infer<typeof SegmentPatch>,
  now: number,
) {
  const current = await getSegment(db, workspaceId, id);
  if (patch.rules) await compileSegment(db, workspaceId, patch.rules, now);
  if (patch.name) await nameFree(db, workspaceId, patch.name, id);
  const [row] = await db
    .update(segments)
    .set({ ...patch, updatedAt: now })
    .where(inWorkspace(segments, workspaceId, eq(segments.id, id)))
    .returning();
  return row ?? current;
}

export async function deleteSegment(db: Db, workspaceId: string, id: string) {
  await getSegment(db, workspaceId, id);
  await db.delete(segments).where(inWorkspace(segments, workspaceId, eq(segments.id, id)));
}
