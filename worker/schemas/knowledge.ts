import { z } from "@hono/zod-openapi";
import { KNOWLEDGE_KINDS, KNOWLEDGE_STATUSES } from "../db/schema";
import { multiLine, singleLine, Timestamp } from "./common";

export const MAX_TEXT_CHARS = 200_000;
export const MAX_PAIRS = 1000;

const Title = z.string().trim().min(1).max(200).check(singleLine).openapi({ example: "Refunds" });
const Text = z.string().trim().min(1).max(MAX_TEXT_CHARS).check(multiLine).openapi({
  description: "Plain text or Markdown; `#` headings split it into sections",
  example: "# Refunds\n\nRefunds reach your card within 5 working days.",
});
export const QaPairSchema = z
  .strictObject({
    question: z.string().trim().min(1).max(1000).check(multiLine),
    answer: z.string().trim().min(1).max(4000).check(multiLine),
  })
  .openapi("KnowledgeQaPair");
const Pairs = z.array(QaPairSchema).min(1).max(MAX_PAIRS);
const PageUrl = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL" })
  .max(2000)
  .openapi({ example: "https://help.example.com/refunds" });
const RecrawlHours = z.number().int().min(1).max(8760).nullable().openapi({
  description: "Re-crawl the page every this many hours; null: only when asked",
  example: 24,
});

export const KnowledgeSourceCreate = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("text"), title: Title, text: Text }),
    z.strictObject({ kind: z.literal("qa"), title: Title, pairs: Pairs }),
    z.strictObject({
      kind: z.literal("url"),
      title: Title.optional().openapi({ description: "The page's own title when left out" }),
      url: PageUrl,
      recrawl_hours: RecrawlHours.optional(),
    }),
  ])
  .openapi("KnowledgeSourceCreate", {
    description: "Text or Markdown, Q&A pairs, or a web page (crawled straight away)",
  });

export const KnowledgeSourcePatch = z
  .strictObject({
    title: Title,
    text: Text.openapi({ description: "Text sources only" }),
    pairs: Pairs.openapi({ description: "Q&A sources only: replaces every pair" }),
    url: PageUrl.openapi({ description: "URL sources only: the page is crawled again" }),
    recrawl_hours: RecrawlHours.openapi({ description: "URL sources only" }),
  })
  .partial()
  .openapi("KnowledgeSourcePatch", {
    description: "A changed text, pairs or URL is indexed again before the answer.",
  });

export const KnowledgeSourceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(KNOWLEDGE_KINDS),
    title: z.string(),
    url: z.string().nullable(),
    file_name: z.string().nullable(),
    file_type: z.string().nullable(),
    status: z.enum(KNOWLEDGE_STATUSES),
    error: z.string().nullable().openapi({ description: "Why the last indexing failed" }),
    chunk_count: z.number().int(),
    embedded_count: z.number().int().openapi({
      description:
        "Chunks with an embedding of `embedding_model`, found by meaning too; the others by keywords only",
    }),
    embedding_model: z.string().nullable(),
    embedding_error: z.string().nullable().openapi({
      description: "Why not every chunk is embedded (AI off, budget reached, provider error)",
    }),
    recrawl_hours: z.number().int().nullable(),
    crawled_at: Timestamp.nullable(),
    next_crawl_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("KnowledgeSource");

export const KnowledgeSourceDetail = KnowledgeSourceSchema.extend({
  text: z.string().nullable().openapi({ description: "Text and file sources: the text indexed" }),
  pairs: z.array(QaPairSchema).nullable().openapi({ description: "Q&A sources" }),
}).openapi("KnowledgeSourceDetail");

export const KnowledgeChunkSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    heading: z.string().nullable(),
    text: z.string(),
  })
  .openapi("KnowledgeChunk");

export const KnowledgeHitSchema = z
  .object({
    chunk_id: z.string(),
    heading: z.string().nullable(),
    text: z.string(),
    position: z.number().int(),
    score: z.number().openapi({
      description: "Relevance: the keyword and meaning rankings fused; higher is better",
    }),
    match: z.enum(["keyword", "semantic", "both"]).openapi({
      description: "Found by its words, by its meaning (embeddings), or both",
    }),
    keyword_score: z.number().nullable().openapi({ description: "bm25 of the words matched" }),
    similarity: z.number().nullable().openapi({ description: "Cosine similarity of the meaning" }),
    source: z.object({
      id: z.string(),
      kind: z.enum(KNOWLEDGE_KINDS),
      title: z.string(),
      url: z.string().nullable(),
    }),
  })
  .openapi("KnowledgeHit");

export const KnowledgeSearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .check(multiLine)
    .openapi({ example: "how long does a refund take" }),
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

export const QaCsvQuery = z.object({
  title: Title.optional().openapi({
    description: 'The source\'s title; "Q&A (CSV)" when left out',
  }),
});

export const QaCsvResult = z
  .object({
    source: KnowledgeSourceSchema,
    rows: z.number().int().openapi({ description: "Rows below the header" }),
    imported: z.number().int(),
    rejected: z.array(
      z.object({ row: z.number().int(), column: z.string(), reason: z.string() }).openapi({
        description: "A row left out: its line in the file (the header is line 1) and why",
      }),
    ),
  })
  .openapi("KnowledgeQaCsvResult");
