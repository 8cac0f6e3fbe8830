import type { z } from "@hono/zod-openapi";
import { asc, desc, eq } from "drizzle-orm";
import { writeTogether } from "../../db/client";
import { knowledgeChunks, knowledgeSources } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { targetFieldError } from "../../lib/targets";
import { isoOrNull, toIso } from "../../schemas/common";
import type { KnowledgeSourceCreate, KnowledgeSourcePatch } from "../../schemas/knowledge";
import { audit } from "../workspace/audit";
import { embedSourceChunks } from "./embeddings";
import {
  chunksOf,
  chunkWrites,
  crawlSource,
  hashOf,
  MAX_CHUNKS,
  type SourceRow,
} from "./index-source";
import { boundIndex, dropVectors } from "./vector-index";

export const toSourceDto = (row: SourceRow) => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  url: row.url,
  file_name: row.fileName,
  file_type: row.fileType,
  status: row.status,
  error: row.error,
  chunk_count: row.chunkCount,
  embedded_count: row.embeddedCount,
  embedding_model: row.embeddingModel,
  embedding_error: row.embeddingError,
  recrawl_hours: row.recrawlHours,
  crawled_at: isoOrNull(row.crawledAt),
  next_crawl_at: isoOrNull(row.nextCrawlAt),
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
});

export const toSourceDetail = (row: SourceRow) => ({
  ...toSourceDto(row),
  text: row.content,
  pairs: row.pairs,
});

const sourceKey = (workspaceId: string, id: string) =>
  inWorkspace(knowledgeSources, workspaceId, eq(knowledgeSources.id, id));

export async function listSources(db: Db, workspaceId: string) {
  const rows = await db
    .select()
    .from(knowledgeSources)
    .where(inWorkspace(knowledgeSources, workspaceId))
    .orderBy(desc(knowledgeSources.id));
  return rows.map(toSourceDto);
}

export async function getSource(db: Db, workspaceId: string, id: string) {
  const [row] = await db.select().from(knowledgeSources).where(sourceKey(workspaceId, id));
  if (!row) throw notFound("Knowledge source");
  return row;
}

export async function listChunks(db: Db, workspaceId: string, sourceId: string) {
  await getSource(db, workspaceId, sourceId);
  return db
    .select({
      id: knowledgeChunks.id,
      position: knowledgeChunks.position,
      heading: knowledgeChunks.heading,
      text: knowledgeChunks.text,
    })
    .from(knowledgeChunks)
    .where(inWorkspace(knowledgeChunks, workspaceId, eq(knowledgeChunks.sourceId, sourceId)))
    .orderBy(asc(knowledgeChunks.position));
}

/** A 422 on `path` when the address is one Conversa may not fetch (private, special-use …). */
async function assertFetchable(env: Env, url: string, path: string) {
  const refused = await targetFieldError(env, url, path);
  if (refused) throw validationFailed([refused]);
}

type OwnContent = Pick<SourceRow, "content" | "pairs">;

/**
 * Stores a source whose text or pairs are its own (text, Q&A, file) with its chunks, in one
 * batch, then embeds them. A source given an `error` is stored failed, with no chunks.
 */
export async function storeIndexedSource(
  db: Db,
  env: Env,
  principal: Principal,
  values: Pick<SourceRow, "kind" | "title"> & Partial<SourceRow> & OwnContent,
  path: string,
  now: number,
) {
  const chunks = chunksOf(values);
  if (chunks.length > MAX_CHUNKS)
    throw validationFailed([{ path, message: `makes more than ${MAX_CHUNKS} chunks` }]);
  const row: SourceRow = {
    id: newId("kns", now),
    workspaceId: principal.workspaceId,
    url: null,
    fileName: null,
    fileType: null,
    error: null,
    recrawlHours: null,
    crawledAt: null,
    nextCrawlAt: null,
    createdBy: principal.userId,
    createdAt: now,
    embeddedCount: 0,
    embeddingModel: null,
    embeddingError: null,
    embedAt: null,
    ...values,
    status: values.error ? "failed" : "ready",
    contentHash: await hashOf(values),
    chunkCount: chunks.length,
    updatedAt: now,
  };
  await writeTogether(db, [
    db.insert(knowledgeSources).values(row),
    ...chunkWrites(db, row, chunks, now),
  ]);
  await auditCreated(db, principal, row, now);
  return embedSourceChunks(db, env, row, now);
}

const auditCreated = (db: Db, principal: Principal, row: SourceRow, now: number) =>
  audit(
    db,
    principal,
    "knowledge_source.created",
    { type: "knowledge_source", id: row.id },
    { kind: row.kind, title: row.title, ...(row.url ? { url: row.url } : {}) },
    now,
  );

/** A new source: text and Q&A are indexed at once, a web page crawled before the answer. */
export async function createSource(
  db: Db,
  env: Env,
  principal: Principal,
  input: z.infer<typeof KnowledgeSourceCreate>,
  now: number,
) {
  if (input.kind === "text")
    return storeIndexedSource(
      db,
      env,
      principal,
      { kind: "text", title: input.title, content: input.text, pairs: null },
      "text",
      now,
    );
  if (input.kind === "qa")
    return storeIndexedSource(
      db,
      env,
      principal,
      { kind: "qa", title: input.title, content: null, pairs: input.pairs },
      "pairs",
      now,
    );
  await assertFetchable(env, input.url, "url");
  const [row] = await db
    .insert(knowledgeSources)
    .values({
      id: newId("kns", now),
      workspaceId: principal.workspaceId,
      kind: "url",
      title: input.title ?? input.url.slice(0, 200),
      url: input.url,
      recrawlHours: input.recrawl_hours ?? null,
      createdBy: principal.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("the source was not stored");
  await auditCreated(db, principal, row, now);
  return crawlSource(db, env, row, now, { adoptTitle: input.title === undefined });
}

type Patch = z.infer<typeof KnowledgeSourcePatch>;

/** Fields of the patch that the source's kind does not have, as field errors. */
function fieldsForOtherKinds(kind: SourceRow["kind"], patch: Patch) {
  const owner = { text: "text", pairs: "qa", url: "url", recrawl_hours: "url" } as const;
  return Object.entries(owner)
    .filter(([field, of]) => patch[field as keyof typeof owner] !== undefined && of !== kind)
    .map(([field, of]) => ({ path: field, message: `only a ${of} source has it` }));
}

/** Renames a source or changes what it holds; changed content is indexed again before the answer. */
/** What a change to a source is recorded as in the audit log. */
const changedFields = (patch: Patch) =>
  Object.fromEntries(
    Object.entries(patch).map(([field, value]) =>
      field === "text" || field === "pairs" ? [field, "changed"] : [field, value],
    ),
  );

export async function updateSource(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  patch: Patch,
  now: number,
) {
  const source = await getSource(db, principal.workspaceId, id);
  const wrong = fieldsForOtherKinds(source.kind, patch);
  if (wrong.length) throw validationFailed(wrong);
  if (patch.url !== undefined) await assertFetchable(env, patch.url, "url");
  const updated: SourceRow = {
    ...source,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.url !== undefined ? { url: patch.url } : {}),
    ...(patch.text !== undefined ? { content: patch.text } : {}),
    ...(patch.pairs !== undefined ? { pairs: patch.pairs } : {}),
    updatedAt: now,
  };
  if (patch.recrawl_hours !== undefined) {
    updated.recrawlHours = patch.recrawl_hours;
    updated.nextCrawlAt =
      patch.recrawl_hours && source.crawledAt !== null
        ? source.crawledAt + patch.recrawl_hours * 3_600_000
        : null;
  }
  const chunks = await reindexOwnContent(updated, patch);
  // a new address is a new page: the old one's chunks go, whether or not the new one is read
  const newPage = patch.url !== undefined && patch.url !== source.url;
  if (newPage) Object.assign(updated, { contentHash: null, chunkCount: 0, status: "pending" });
  // the title is part of what each chunk is embedded as
  const renamed = patch.title !== undefined && patch.title !== source.title;
  const { id: _, workspaceId: __, ...set } = updated;
  await writeTogether(db, [
    db.update(knowledgeSources).set(set).where(sourceKey(source.workspaceId, source.id)),
    ...(chunks || newPage ? chunkWrites(db, source, chunks ?? [], now) : []),
    ...(renamed && !chunks && !newPage ? [forgetVectors(db, source)] : []),
  ]);
  await audit(
    db,
    principal,
    "knowledge_source.updated",
    { type: "knowledge_source", id },
    changedFields(patch),
    now,
  );
  if (newPage) return crawlSource(db, env, updated, now);
  return chunks || renamed ? embedSourceChunks(db, env, updated, now) : updated;
}

/** Marks the source's vectors out of date, so they are made again (and unused until then). */
const forgetVectors = (db: Db, source: SourceRow) =>
  db
    .update(knowledgeChunks)
    .set({ embeddingModel: null })
    .where(
      inWorkspace(knowledgeChunks, source.workspaceId, eq(knowledgeChunks.sourceId, source.id)),
    );

/** A changed text or pairs: the chunks they make now, set ready on `source`; null when unchanged. */
async function reindexOwnContent(source: SourceRow, patch: Patch) {
  if (patch.text === undefined && patch.pairs === undefined) return null;
  const chunks = chunksOf(source);
  if (chunks.length > MAX_CHUNKS)
    throw validationFailed([
      {
        path: patch.text !== undefined ? "text" : "pairs",
        message: `makes more than ${MAX_CHUNKS} chunks`,
      },
    ]);
  Object.assign(source, {
    contentHash: await hashOf(source),
    chunkCount: chunks.length,
    status: "ready",
    error: null,
  });
  return chunks;
}

/** Crawls a URL source's page again now. */
export async function recrawlSource(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  now: number,
) {
  const source = await getSource(db, workspaceId, id);
  if (source.kind !== "url") throw conflict("Only a web page source is crawled.");
  return crawlSource(db, env, source, now);
}

/** Deletes the source and its chunks (they leave the search index, and the vector index, with them). */
export async function deleteSource(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  now: number,
) {
  const { workspaceId } = principal;
  const source = await getSource(db, workspaceId, id);
  const index = boundIndex(env);
  const chunks = index
    ? await db
        .select({ id: knowledgeChunks.id })
        .from(knowledgeChunks)
        .where(inWorkspace(knowledgeChunks, workspaceId, eq(knowledgeChunks.sourceId, id)))
    : [];
  await writeTogether(db, [
    db
      .delete(knowledgeChunks)
      .where(inWorkspace(knowledgeChunks, workspaceId, eq(knowledgeChunks.sourceId, id))),
    db.delete(knowledgeSources).where(sourceKey(workspaceId, id)),
  ]);
  // a vector the index keeps anyway is dropped when a search turns it up (`nearestChunks`)
  if (index)
    await dropVectors(
      index,
      chunks.map((chunk) => chunk.id),
    ).catch((error: unknown) => console.error("the knowledge vector index kept vectors", error));
  await audit(
    db,
    principal,
    "knowledge_source.deleted",
    { type: "knowledge_source", id },
    { title: source.title },
    now,
  );
}
