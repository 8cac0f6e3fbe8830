import { createRoute, z } from "@hono/zod-openapi";
import {
  commitImport,
  createImport,
  dryRun,
  errorsFile,
  getImportRow,
  listImports,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  toImportDto,
  updateImport,
} from "../domain/contacts/imports";
import { requireRole } from "../lib/auth";
import { uploadedCsv } from "../lib/csv";
import { conflict } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  ContactImportPage,
  ContactImportPatch,
  ContactImportSchema,
  DryRunReport,
} from "../schemas/contact-imports";

const tags = ["Contact imports"];
// thousands of contacts change at once: a supervisor's call, as deleting one is
const supervisor = [requireRole("supervisor")];
const ImportId = IdParam("imp");

const uploadRoute = createRoute({
  method: "post",
  path: "/contact-imports",
  tags,
  summary: `Upload a CSV of contacts (up to ${MAX_IMPORT_ROWS} rows, 20 MB) to import`,
  description:
    "Send the file as `text/csv`, or as the `file` field of a multipart form. The answer gives its columns, a mapping suggested from their names (English, Spanish or Portuguese, and the workspace's custom fields) and its first rows; nothing is imported until the import is committed.",
  security: authenticated,
  middleware: supervisor,
  request: {
    body: {
      content: {
        "text/csv": { schema: z.string().openapi({ format: "binary" }) },
        "multipart/form-data": {
          schema: z.object({ file: z.any().openapi({ type: "string", format: "binary" }) }),
        },
      },
    },
  },
  responses: { 201: jsonResponse(ContactImportSchema, "Uploaded"), ...errorResponses },
});

const listRoute = createRoute({
  method: "get",
  path: "/contact-imports",
  tags,
  summary: "The workspace's latest imports, newest first",
  security: authenticated,
  middleware: supervisor,
  responses: { 200: jsonResponse(ContactImportPage, "The imports"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/contact-imports/{id}",
  tags,
  summary: "An import, and its progress once committed",
  security: authenticated,
  middleware: supervisor,
  request: { params: ImportId },
  responses: { 200: jsonResponse(ContactImportSchema, "The import"), ...errorResponses },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/contact-imports/{id}",
  tags,
  summary: "Set what each column becomes, the policy for known contacts and the batch's tags",
  security: authenticated,
  middleware: supervisor,
  request: { params: ImportId, body: jsonBody(ContactImportPatch) },
  responses: { 200: jsonResponse(ContactImportSchema, "Changed"), ...errorResponses },
});

const dryRunRoute = createRoute({
  method: "post",
  path: "/contact-imports/{id}/dry-run",
  tags,
  summary: "What committing would do, with nothing stored",
  description:
    "Counts the rows that would create, update or skip contacts, and names the first rows of each problem: invalid phones (for the workspace's default country), invalid emails or values, rows without a phone or email, rows repeating an earlier row's phone or email, and rows naming two different contacts.",
  security: authenticated,
  middleware: supervisor,
  request: { params: ImportId },
  responses: { 200: jsonResponse(DryRunReport, "The report"), ...errorResponses },
});

const commitRoute = createRoute({
  method: "post",
  path: "/contact-imports/{id}/commit",
  tags,
  summary: "Import the rows in the background",
  description:
    "Answers at once; `GET /contact-imports/{id}` follows the progress. New contacts have the source `import`, consent columns are recorded with the source `import`, and refused rows are listed in `errors_url` once done.",
  security: authenticated,
  middleware: supervisor,
  request: { params: ImportId },
  responses: { 202: jsonResponse(ContactImportSchema, "Started"), ...errorResponses },
});

const errorsRoute = createRoute({
  method: "get",
  path: "/contact-imports/{id}/errors.csv",
  tags,
  summary: "The rows a finished import refused: line, problem, then the row as given",
  security: authenticated,
  middleware: supervisor,
  request: { params: ImportId },
  responses: {
    200: {
      description: "The CSV file",
      content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...errorResponses,
  },
});

export const contactImportsRouter = createRouter()
  .openapi(uploadRoute, async (c) => {
    const file = await uploadedCsv(c.req, c.req.valid("form"), MAX_IMPORT_BYTES);
    const row = await createImport(
      c.get("db"),
      c.env,
      c.get("principal"),
      file,
      c.get("clock").now(),
    );
    return c.json(toImportDto(row), 201);
  })
  .openapi(listRoute, async (c) => {
    const rows = await listImports(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: rows.map(toImportDto) }, 200);
  })
  .openapi(getRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const row = await getImportRow(c.get("db"), workspaceId, c.req.valid("param").id);
    return c.json(toImportDto(row), 200);
  })
  .openapi(patchRoute, async (c) => {
    const row = await updateImport(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toImportDto(row), 200);
  })
  .openapi(dryRunRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const report = await dryRun(c.get("db"), c.env, workspaceId, c.req.valid("param").id);
    return c.json(report, 200);
  })
  .openapi(commitRoute, async (c) => {
    const row = await commitImport(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(toImportDto(row), 202);
  })
  .openapi(errorsRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const row = await getImportRow(c.get("db"), workspaceId, c.req.valid("param").id);
    if (row.status !== "done") throw conflict("The import is not finished yet.");
    return new Response(errorsFile(c.env, row), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="import-errors-${row.id}.csv"`,
      },
    });
  });
