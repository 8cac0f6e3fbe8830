import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

export const KNOWLEDGE_KINDS = ["text", "qa", "url", "file"] as const;
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];

export const KNOWLEDGE_STATUSES = ["pending", "ready", "failed"] as const;
export type KnowledgeStatus = (typeof KNOWLEDGE_STATUSES)[number];

export type QaPair = { question: string; answer: string };

/**
 * Something the assistant answers from: pasted text or Markdown, Q&A pairs, a web page or an
 * uploaded file. A failed re-crawl keeps the chunks of the last good one (the error says why).
 */
export const knowledgeSources = sqliteTable(
  "knowledge_sources",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    kind: text("kind", { enum: KNOWLEDGE_KINDS }).notNull(),
    title: text("title").notNull(),
    url: text("url"),
    fileName: text("file_name"),
    fileType: text("file_type"),
    /** Text and file sources: the Markdown indexed (a file's as extracted). */
    content: text("content"),
    /** Q&A sources: the pairs, each indexed as one chunk. */
    pairs: text("pairs", { mode: "json" }).$type<QaPair[]>(),
    status: text("status", { enum: KNOWLEDGE_STATUSES }).notNull().default("pending"),
    error: text("error"),
    /** SHA-256 of the text last indexed: a re-crawl finding the same text keeps its chunks. */
    contentHash: text("content_hash"),
    chunkCount: integer("chunk_count").notNull().default(0),
    /** URL sources: re-crawled every this many hours, or only on demand when null. */
    recrawlHours: integer("recrawl_hours"),
    crawledAt: millis("crawled_at"),
    /** When the cron crawls it next; moved ahead while a tick crawls it, so no other tick takes it. */
    nextCrawlAt: millis("next_crawl_at"),
    /** Chunks holding a vector of `embeddingModel`; the rest are found by keywords only. */
    embeddedCount: integer("embedded_count").notNull().default(0),
    /** The embedding model of its vectors, as last embedded. */
    embeddingModel: text("embedding_model"),
    /** Why its chunks are not all embedded (AI off, budget reached, provider error). */
    embeddingError: text("embedding_error"),
    /** When the cron may embed its missing chunks; null: nothing to embed. Moved ahead while it works. */
    embedAt: millis("embed_at"),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    index("knowledge_sources_workspace_idx").on(t.workspaceId, t.id),
    index("knowledge_sources_crawl_idx").on(t.nextCrawlAt),
    index("knowledge_sources_embed_idx").on(t.embedAt),
  ],
);

/** A piece of a source, the unit search finds and the assistant cites; indexed by `knowledge_chunks_fts`. */
export const knowledgeChunks = sqliteTable(
  "knowledge_chunks",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    sourceId: text("source_id")
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    /** The heading the chunk sits under ("Billing › Refunds"), when it has one. */
    heading: text("heading"),
    text: text("text").notNull(),
    /** The chunk's embedding: unit-length Float32 little-endian, base64 (lib in knowledge/vectors). */
    embedding: text("embedding"),
    /** The model that made `embedding`; search uses only vectors of the workspace's current model. */
    embeddingModel: text("embedding_model"),
    createdAt: createdAt(),
  },
  (t) => [index("knowledge_chunks_source_idx").on(t.workspaceId, t.sourceId, t.position)],
);
