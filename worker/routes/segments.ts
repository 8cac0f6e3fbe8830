import { createRoute, z } from "@hono/zod-openapi";
import {
  contactsInSegment,
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewSegment,
  toSegmentDto,
  updateSegment,
} from "../domain/segments/segments";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import type { SegmentRulesValue } from "../schemas/segments";
import {
  SegmentContactPage,
  SegmentContactsQuery,
  SegmentCreate,
  SegmentPatch,
  SegmentPreviewBody,
  SegmentPreviewSchema,
  SegmentSchema,
} from "../schemas/segments";

const tags = ["Segments"];
const SegmentId = IdParam("seg");
// audiences are the workspace's: shaping them is a supervisor's call, reading them anyone's
const supervisor = [requireRole("supervisor")];

const listRoute = createRoute({
  method: "get",
  path: "/segments",
  tags,
  summary: "The workspace's segments (audiences defined by rules), by name",
  security: authenticated,
  responses: {
    200: jsonResponse(
      z.object({ data: z.array(SegmentSchema) }).openapi("SegmentList"),
      "The segments",
    ),
    ...errorResponses,
  },
});

const previewRoute = createRoute({
  method: "post",
  path: "/segments/preview",
  tags,
  summary: "How many contacts unsaved rules take in, with a sample of them",
  security: authenticated,
  request: { body: jsonBody(SegmentPreviewBody) },
  responses: { 200: jsonResponse(SegmentPreviewSchema, "The count and sample"), ...errorResponses },
});

const createSegmentRoute = createRoute({
  method: "post",
  path: "/segments",
  tags,
  summary: "Save a segment",
  security: authenticated,
  middleware: supervisor,
  request: { body: jsonBody(SegmentCreate) },
  responses: { 201: jsonResponse(SegmentSchema, "Saved"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/segments/{id}",
  tags,
  summary: "One segment",
  security: authenticated,
  request: { params: SegmentId },
  responses: { 200: jsonResponse(SegmentSchema, "The segment"), ...errorResponses },
});

const contactsRoute = createRoute({
  method: "get",
  path: "/segments/{id}/contacts",
  tags,
  summary: "The contacts a segment takes in now, in id order, page by page",
  security: authenticated,
  request: { params: SegmentId, query: SegmentContactsQuery },
  responses: { 200: jsonResponse(SegmentContactPage, "A page"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/segments/{id}",
  tags,
  summary: "Rename a segment, or change its description or rules",
  security: authenticated,
  middleware: supervisor,
  request: { params: SegmentId, body: jsonBody(SegmentPatch) },
  responses: { 200: jsonResponse(SegmentSchema, "Saved"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/segments/{id}",
  tags,
  summary: "Delete a segment",
  security: authenticated,
  middleware: supervisor,
  request: { params: SegmentId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

export const segmentsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listSegments(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: rows.map(toSegmentDto) }, 200);
  })
  .openapi(previewRoute, async (c) => {
    const { rules } = c.req.valid("json");
    const preview = await previewSegment(
      c.get("db"),
      c.get("principal").workspaceId,
      rules,
      c.get("clock").now(),
    );
    return c.json(preview, 200);
  })
  .openapi(createSegmentRoute, async (c) => {
    const row = await createSegment(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSegmentDto(row), 201);
  })
  .openapi(getRoute, async (c) => {
    const row = await getSegment(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json(toSegmentDto(row), 200);
  })
  .openapi(contactsRoute, async (c) => {
    const workspaceId = c.get("principal").workspaceId;
    const segment = await getSegment(c.get("db"), workspaceId, c.req.valid("param").id);
    const page = await contactsInSegment(
      c.get("db"),
      workspaceId,
      segment.rules as SegmentRulesValue,
      { ...c.req.valid("query"), now: c.get("clock").now() },
    );
    return c.json(page, 200);
  })
  .openapi(updateRoute, async (c) => {
    const row = await updateSegment(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSegmentDto(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteSegment(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  });
