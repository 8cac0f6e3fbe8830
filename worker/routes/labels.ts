import { createRoute, z } from "@hono/zod-openapi";
import { createLabel, deleteLabel, listLabels, updateLabel } from "../domain/messaging/labels";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import { LabelCreate, LabelPatch, LabelSchema } from "../schemas/labels";

const tags = ["Labels"];
const admin = [requireRole("admin")];
const LabelId = IdParam("lab");

const listRoute = createRoute({
  method: "get",
  path: "/labels",
  tags,
  summary: "The workspace's labels, with their colours and how many conversations carry each",
  security: authenticated,
  responses: {
    200: jsonResponse(z.object({ data: z.array(LabelSchema) }), "Labels"),
    ...errorResponses,
  },
});

const createLabelRoute = createRoute({
  method: "post",
  path: "/labels",
  tags,
  summary: "Add a label to the catalogue",
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(LabelCreate) },
  responses: { 201: jsonResponse(LabelSchema, "Created"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/labels/{id}",
  tags,
  summary: "Rename or recolour a label; a rename follows on every conversation",
  security: authenticated,
  middleware: admin,
  request: { params: LabelId, body: jsonBody(LabelPatch) },
  responses: { 200: jsonResponse(LabelSchema, "Saved"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/labels/{id}",
  tags,
  summary: "Delete a label and take it off every conversation",
  security: authenticated,
  middleware: admin,
  request: { params: LabelId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

export const labelsRouter = createRouter()
  .openapi(listRoute, async (c) =>
    c.json({ data: await listLabels(c.get("db"), c.get("principal").workspaceId) }, 200),
  )
  .openapi(createLabelRoute, async (c) => {
    const label = await createLabel(
      c.get("db"),
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(label, 201);
  })
  .openapi(updateRoute, async (c) => {
    const label = await updateLabel(
      c.get("db"),
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(label, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteLabel(c.get("db"), c.get("principal"), c.req.valid("param").id);
    return c.body(null, 204);
  });
