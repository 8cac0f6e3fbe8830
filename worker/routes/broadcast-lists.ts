import { createRoute, z } from "@hono/zod-openapi";
import { addCsvToAudience, MAX_CSV_BYTES, MAX_CSV_ROWS } from "../domain/broadcasts/lists";
import { requireRole } from "../lib/auth";
import { payloadTooLarge, validationFailed } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonResponse } from "../schemas/common";

const CsvResult = z
  .object({
    rows: z.number().int().openapi({ description: "Rows below the header" }),
    matched: z.number().int().openapi({ description: "Rows naming a known contact" }),
    created: z.number().int().openapi({ description: "Contacts created for unknown addresses" }),
    rejected: z.array(
      z.object({ row: z.number().int(), column: z.string(), reason: z.string() }).openapi({
        description: "A row left out: its line in the file (the header is line 1) and why",
      }),
    ),
  })
  .openapi("BroadcastCsvResult");

const csvRoute = createRoute({
  method: "post",
  path: "/broadcasts/{id}/audience/csv",
  tags: ["Broadcasts"],
  summary: `Add a CSV of addresses to a draft's audience (up to ${MAX_CSV_ROWS} rows, 5 MB)`,
  description:
    "A header names the columns: `phone` (WhatsApp, SMS), `email` (email) or `identity` (the id other channels know a contact by), and optionally `name`. Send the file as `text/csv`, or as the `file` field of a multipart form.",
  security: authenticated,
  middleware: [requireRole("supervisor")],
  request: {
    params: IdParam("brd"),
    body: {
      content: {
        "text/csv": { schema: z.string().openapi({ format: "binary" }) },
        "multipart/form-data": {
          schema: z.object({ file: z.any().openapi({ type: "string", format: "binary" }) }),
        },
      },
    },
  },
  responses: { 200: jsonResponse(CsvResult, "What the file added"), ...errorResponses },
});

type Upload = { header(name: string): string | undefined; text(): Promise<string> };

/** The uploaded file's text, refused past the size limit. */
async function csvText(request: Upload, form: { file?: unknown }) {
  if (Number(request.header("content-length") ?? 0) > MAX_CSV_BYTES + 64 * 1024)
    throw payloadTooLarge(MAX_CSV_BYTES);
  const multipart = (request.header("content-type") ?? "").startsWith("multipart/");
  if (multipart && !(form.file instanceof File))
    throw validationFailed([{ path: "file", message: "attach a CSV file" }]);
  const text = form.file instanceof File ? await form.file.text() : await request.text();
  if (new TextEncoder().encode(text).length > MAX_CSV_BYTES) throw payloadTooLarge(MAX_CSV_BYTES);
  return text;
}

export const broadcastListsRouter = createRouter().openapi(csvRoute, async (c) => {
  const text = await csvText(c.req, c.req.valid("form") as { file?: unknown });
  const answer = await addCsvToAudience(
    c.get("db"),
    c.env,
    c.get("principal").workspaceId,
    c.req.valid("param").id,
    text,
    c.get("clock").now(),
  );
  return c.json(answer, 200);
});
