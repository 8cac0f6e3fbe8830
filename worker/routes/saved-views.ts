import { createRoute, z } from "@hono/zod-openapi";
import {
  createSavedView,
  deleteSavedView,
  listSavedViews,
  toSavedViewDto,
  updateSavedView,
} from "../domain/messaging/saved-views";
import { createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  SavedViewCreate,
  type SavedViewFilters,
  SavedViewPatch,
  SavedViewSchema,
} from "../schemas/saved-views";

type Filters = z.infer<typeof SavedViewFilters>;

const tags = ["Saved views"];
// a person's own filter sets: API keys have none
const security = [{ session: [] }];
const SavedViewId = IdParam("sv");

const listRoute = createRoute({
  method: "get",
  path: "/saved-views",
  tags,
  summary: "Your saved inbox views (filters with a name), by name",
  security,
  responses: {
    200: jsonResponse(
      z.object({ data: z.array(SavedViewSchema) }).openapi("SavedViewList"),
      "Your views",
    ),
    ...errorResponses,
  },
});

const createViewRoute = createRoute({
  method: "post",
  path: "/saved-views",
  tags,
  summary: "Save the inbox's current filters under a name",
  security,
  request: { body: jsonBody(SavedViewCreate) },
  responses: { 201: jsonResponse(SavedViewSchema, "Saved"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/saved-views/{id}",
  tags,
  summary: "Rename a saved view or change its filters",
  security,
  request: { params: SavedViewId, body: jsonBody(SavedViewPatch) },
  responses: { 200: jsonResponse(SavedViewSchema, "Saved"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/saved-views/{id}",
  tags,
  summary: "Delete a saved view",
  security,
  request: { params: SavedViewId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

export const savedViewsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listSavedViews(c.get("db"), c.get("principal"), "inbox");
    return c.json({ data: rows.map((row) => toSavedViewDto<Filters>(row)) }, 200);
  })
  .openapi(createViewRoute, async (c) => {
    const row = await createSavedView(
      c.get("db"),
      c.get("principal"),
      "inbox",
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSavedViewDto<Filters>(row), 201);
  })
  .openapi(updateRoute, async (c) => {
    const row = await updateSavedView(
      c.get("db"),
      c.get("principal"),
      "inbox",
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSavedViewDto<Filters>(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteSavedView(c.get("db"), c.get("principal"), "inbox", c.req.valid("param").id);
    return c.body(null, 204);
  });
