import { createRoute, z } from "@hono/zod-openapi";
import { addCsvToAudience, MAX_CSV_BYTES, MAX_CSV_ROWS } from "../domain/broadcasts/lists";
import { requireRole } from "../lib/auth";
import { uploadedCsv } from "../lib/csv";
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

export const broadcastListsRouter = createRouter().openapi(csvRoute, async (c) => {
  const { text } = await uploadedCsv(c.req, c.req.valid("form"), MAX_CSV_BYTES);
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
