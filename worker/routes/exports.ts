import { createRoute, z } from "@hono/zod-openapi";
import {
  exportFile,
  getExportRow,
  listExports,
  startExport,
  toExportDto,
} from "../domain/exports/exports";
import { requireRole } from "../lib/auth";
import { conflict } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import { ExportCreate, ExportPage, ExportSchema } from "../schemas/exports";

const tags = ["Exports"];
// a whole list of contacts or conversations leaves the workspace: a supervisor's call
const supervisor = [requireRole("supervisor")];
const ExportId = IdParam("exp");

const createExportRoute = createRoute({
  method: "post",
  path: "/exports",
  tags,
  summary: "Export contacts or conversations as CSV, written in the background",
  description:
    "Answers at once with the export's progress; `GET /exports/{id}` follows it, and its `download_url` gives the file once done. Cells a spreadsheet would run as a formula start with `'`.",
  security: authenticated,
  middleware: supervisor,
  request: { body: jsonBody(ExportCreate) },
  responses: { 202: jsonResponse(ExportSchema, "Started"), ...errorResponses },
});

const listExportsRoute = createRoute({
  method: "get",
  path: "/exports",
  tags,
  summary: "The workspace's latest exports, newest first",
  security: authenticated,
  middleware: supervisor,
  responses: { 200: jsonResponse(ExportPage, "The exports"), ...errorResponses },
});

const getExportRoute = createRoute({
  method: "get",
  path: "/exports/{id}",
  tags,
  summary: "An export's progress",
  security: authenticated,
  middleware: supervisor,
  request: { params: ExportId },
  responses: { 200: jsonResponse(ExportSchema, "The export"), ...errorResponses },
});

const downloadRoute = createRoute({
  method: "get",
  path: "/exports/{id}/download",
  tags,
  summary: "A finished export's CSV file",
  security: authenticated,
  middleware: supervisor,
  request: { params: ExportId },
  responses: {
    200: {
      description: "The CSV file",
      content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...errorResponses,
  },
});

export const exportsRouter = createRouter()
  .openapi(createExportRoute, async (c) => {
    const row = await startExport(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toExportDto(row), 202);
  })
  .openapi(listExportsRoute, async (c) => {
    const rows = await listExports(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: rows.map(toExportDto) }, 200);
  })
  .openapi(getExportRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const row = await getExportRow(c.get("db"), workspaceId, c.req.valid("param").id);
    return c.json(toExportDto(row), 200);
  })
  .openapi(downloadRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const row = await getExportRow(c.get("db"), workspaceId, c.req.valid("param").id);
    if (row.status !== "done") throw conflict("The export is not finished yet.");
    const date = new Date(row.createdAt).toISOString().slice(0, 10);
    return new Response(exportFile(c.env, row), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="conversa-${row.kind}-${date}.csv"`,
      },
    });
  });
