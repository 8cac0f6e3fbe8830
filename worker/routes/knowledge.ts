import { createRoute, z } from "@hono/zod-openapi";
import {
  createFileSource,
  importQaCsv,
  MAX_KNOWLEDGE_FILE_BYTES,
} from "../domain/knowledge/imports";
import { searchKnowledge } from "../domain/knowledge/search";
import {
  createSource,
  deleteSource,
  getSource,
  listChunks,
  listSources,
  recrawlSource,
  toSourceDetail,
  toSourceDto,
  updateSource,
} from "../domain/knowledge/sources";
import { requireRole } from "../lib/auth";
import { payloadTooLarge, validationFailed } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse, singleLine } from "../schemas/common";
import {
  KnowledgeChunkSchema,
  KnowledgeHitSchema,
  KnowledgeSearchQuery,
  KnowledgeSourceCreate,
  KnowledgeSourceDetail,
  KnowledgeSourcePatch,
  KnowledgeSourceSchema,
  QaCsvQuery,
  QaCsvResult,
} from "../schemas/knowledge";

const tags = ["Knowledge"];
const admin = [requireRole("admin")];
const SourceId = IdParam("kns");
const security = authenticated;
/** Room for the multipart envelope around a file at the size limit. */
const ENVELOPE_BYTES = 64 * 1024;

const listRoute = createRoute({
  method: "get",
  path: "/knowledge/sources",
  tags,
  summary: "The knowledge base's sources, newest first, with their indexing status",
  security,
  responses: {
    200: jsonResponse(z.object({ data: z.array(KnowledgeSourceSchema) }), "Sources"),
    ...errorResponses,
  },
});

const createSourceRoute = createRoute({
  method: "post",
  path: "/knowledge/sources",
  tags,
  summary: "Add text, Q&A pairs or a web page (crawled before the answer) to the knowledge base",
  description:
    "A web page is fetched through the outbound address guard: private and special-use addresses are refused with 422 on `url`. A page that cannot be read is stored `failed` with the reason in `error`.",
  security,
  middleware: admin,
  request: { body: jsonBody(KnowledgeSourceCreate) },
  responses: { 201: jsonResponse(KnowledgeSourceDetail, "Created"), ...errorResponses },
});

const fileRoute = createRoute({
  method: "post",
  path: "/knowledge/sources/file",
  tags,
  summary:
    "Add a text, Markdown, HTML or PDF file to the knowledge base (multipart: `file`, optional `title`; 5 MB)",
  description:
    "A PDF is indexed page by page (each chunk under a `Page N` heading). A PDF with no text layer (a scan) is stored `failed` with the reason in `error`; one that cannot be opened is refused with 422 on `file`.",
  security,
  middleware: admin,
  request: {
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: z.object({
            file: z.any().openapi({ type: "string", format: "binary" }),
            title: z.string().trim().max(200).check(singleLine).optional(),
          }),
        },
      },
    },
  },
  responses: { 201: jsonResponse(KnowledgeSourceDetail, "Created"), ...errorResponses },
});

const csvRoute = createRoute({
  method: "post",
  path: "/knowledge/sources/qa-csv",
  tags,
  summary: "Add a CSV of questions and answers as one Q&A source (header `question,answer`; 5 MB)",
  // the file comes as text/csv, or as the `file` field of a multipart form
  description:
    "Rows that are not a valid pair (empty, too long, a repeated question) are left out and named by their line; a file with no valid row is refused whole.",
  security,
  middleware: admin,
  request: {
    query: QaCsvQuery,
    body: {
      content: {
        "text/csv": { schema: z.string().openapi({ format: "binary" }) },
        "multipart/form-data": {
          schema: z.object({ file: z.any().openapi({ type: "string", format: "binary" }) }),
        },
      },
    },
  },
  responses: { 201: jsonResponse(QaCsvResult, "What the file added"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/knowledge/sources/{id}",
  tags,
  summary: "A source, with its text or Q&A pairs",
  security,
  request: { params: SourceId },
  responses: { 200: jsonResponse(KnowledgeSourceDetail, "Source"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/knowledge/sources/{id}",
  tags,
  summary: "Rename a source or change its text, pairs, address or re-crawl interval",
  security,
  middleware: admin,
  request: { params: SourceId, body: jsonBody(KnowledgeSourcePatch) },
  responses: { 200: jsonResponse(KnowledgeSourceDetail, "Saved"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/knowledge/sources/{id}",
  tags,
  summary: "Delete a source and its chunks",
  security,
  middleware: admin,
  request: { params: SourceId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const chunksRoute = createRoute({
  method: "get",
  path: "/knowledge/sources/{id}/chunks",
  tags,
  summary: "The chunks a source was cut into, in order",
  security,
  request: { params: SourceId },
  responses: {
    200: jsonResponse(z.object({ data: z.array(KnowledgeChunkSchema) }), "Chunks"),
    ...errorResponses,
  },
});

const recrawlRoute = createRoute({
  method: "post",
  path: "/knowledge/sources/{id}/recrawl",
  tags,
  summary: "Crawl a web page source again now (unchanged text keeps its chunks)",
  security,
  middleware: admin,
  request: { params: SourceId },
  responses: { 200: jsonResponse(KnowledgeSourceSchema, "Crawled"), ...errorResponses },
});

const searchRoute = createRoute({
  method: "get",
  path: "/knowledge/search",
  tags,
  summary: "The chunks that best match a question, best first, each with its source",
  description:
    "Any word may match (accents ignored, word beginnings match longer words); chunks with more and rarer words rank first. Quotes and search operators in `q` are read as plain words. With the workspace's AI on, the question's meaning is compared with the chunks' embeddings too and both rankings are fused; `match` says how each chunk was found. Embedding the question uses the AI budget (feature `embedding`); when it fails, words alone are matched.",
  security,
  request: { query: KnowledgeSearchQuery },
  responses: {
    200: jsonResponse(z.object({ data: z.array(KnowledgeHitSchema) }), "Matching chunks"),
    ...errorResponses,
  },
});

type Upload = { header(name: string): string | undefined };

const refuseLargeBody = (request: Upload) => {
  if (Number(request.header("content-length") ?? 0) > MAX_KNOWLEDGE_FILE_BYTES + ENVELOPE_BYTES)
    throw payloadTooLarge(MAX_KNOWLEDGE_FILE_BYTES);
};

export const knowledgeRouter = createRouter()
  .openapi(listRoute, async (c) =>
    c.json({ data: await listSources(c.get("db"), c.get("principal").workspaceId) }, 200),
  )
  .openapi(createSourceRoute, async (c) => {
    const source = await createSource(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSourceDetail(source), 201);
  })
  .openapi(fileRoute, async (c) => {
    refuseLargeBody(c.req);
    const { file, title } = c.req.valid("form");
    if (!(file instanceof File))
      throw validationFailed([{ path: "file", message: "attach a file" }]);
    if (file.size > MAX_KNOWLEDGE_FILE_BYTES) throw payloadTooLarge(MAX_KNOWLEDGE_FILE_BYTES);
    const source = await createFileSource(
      c.get("db"),
      c.env,
      c.get("principal"),
      file,
      title || undefined,
      c.get("clock").now(),
    );
    return c.json(toSourceDetail(source), 201);
  })
  .openapi(csvRoute, async (c) => {
    refuseLargeBody(c.req);
    const multipart = (c.req.header("content-type") ?? "").startsWith("multipart/");
    const form = multipart ? (c.req.valid("form") as { file?: unknown }) : {};
    if (multipart && !(form.file instanceof File))
      throw validationFailed([{ path: "file", message: "attach a CSV file" }]);
    const text = form.file instanceof File ? await form.file.text() : await c.req.text();
    if (new TextEncoder().encode(text).length > MAX_KNOWLEDGE_FILE_BYTES)
      throw payloadTooLarge(MAX_KNOWLEDGE_FILE_BYTES);
    const result = await importQaCsv(
      c.get("db"),
      c.env,
      c.get("principal"),
      text,
      c.req.valid("query").title ?? "Q&A (CSV)",
      c.get("clock").now(),
    );
    return c.json({ ...result, source: toSourceDto(result.source) }, 201);
  })
  .openapi(getRoute, async (c) => {
    const source = await getSource(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json(toSourceDetail(source), 200);
  })
  .openapi(updateRoute, async (c) => {
    const source = await updateSource(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSourceDetail(source), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteSource(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.body(null, 204);
  })
  .openapi(chunksRoute, async (c) => {
    const data = await listChunks(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json({ data }, 200);
  })
  .openapi(recrawlRoute, async (c) => {
    const source = await recrawlSource(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(toSourceDto(source), 200);
  })
  .openapi(searchRoute, async (c) => {
    const { q, limit } = c.req.valid("query");
    const data = await searchKnowledge(c.get("db"), c.get("principal").workspaceId, q, limit, {
      env: c.env,
      clock: c.get("clock"),
    });
    return c.json({ data }, 200);
  });
