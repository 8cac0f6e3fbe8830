import { createRoute, z } from "@hono/zod-openapi";
import {
  createContactField,
  deleteContactField,
  type FieldDefinition,
  listContactFields,
  updateContactField,
} from "../domain/contacts/fields";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse, toIso } from "../schemas/common";
import { ContactField, ContactFieldCreate, ContactFieldPatch } from "../schemas/contacts";

const tags = ["Contact fields"];
const admin = [requireRole("admin")];
const FieldId = IdParam("fld");

const toDto = (f: FieldDefinition) => ({
  id: f.id,
  key: f.key,
  label: f.label,
  type: f.type,
  options: f.options,
  created_at: toIso(f.createdAt),
});

const listRoute = createRoute({
  method: "get",
  path: "/contact-fields",
  tags,
  summary: "Custom field definitions",
  security: authenticated,
  responses: {
    200: jsonResponse(z.object({ data: z.array(ContactField) }), "Definitions"),
    ...errorResponses,
  },
});

const createFieldRoute = createRoute({
  method: "post",
  path: "/contact-fields",
  tags,
  summary: "Define a typed custom field",
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(ContactFieldCreate) },
  responses: { 201: jsonResponse(ContactField, "Defined"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/contact-fields/{id}",
  tags,
  summary: "Rename a field or change a select's options (the type is fixed)",
  security: authenticated,
  middleware: admin,
  request: { params: FieldId, body: jsonBody(ContactFieldPatch) },
  responses: { 200: jsonResponse(ContactField, "Updated"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/contact-fields/{id}",
  tags,
  summary: "Remove a definition and every contact's value for it",
  security: authenticated,
  middleware: admin,
  request: { params: FieldId },
  responses: { 204: { description: "Removed" }, ...errorResponses },
});

export const contactFieldsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listContactFields(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: rows.map(toDto) }, 200);
  })
  .openapi(createFieldRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const row = await createContactField(
      c.get("db"),
      workspaceId,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toDto(row), 201);
  })
  .openapi(updateRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const row = await updateContactField(
      c.get("db"),
      workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(toDto(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteContactField(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  });
