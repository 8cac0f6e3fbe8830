import { createRoute, z } from "@hono/zod-openapi";
import { listOutboundMessages } from "../domain/messaging/outbound-history";
import { resendMessages } from "../domain/messaging/resend";
import {
  createSavedView,
  deleteSavedView,
  listSavedViews,
  toSavedViewDto,
  updateSavedView,
} from "../domain/messaging/saved-views";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  type OutboundFilters,
  OutboundListQuery,
  OutboundMessagePage,
  OutboundSavedFilterCreate,
  OutboundSavedFilterPatch,
  OutboundSavedFilterSchema,
  ResendRequest,
  ResendResponse,
} from "../schemas/outbound-messages";

const tags = ["Sent messages"];
const SCREEN = "sent_messages";
// saved filters are a person's own: API keys have none
const session = [{ session: [] }];
const FilterId = IdParam("sf");
type Filters = z.infer<typeof OutboundFilters>;

const listRoute = createRoute({
  method: "get",
  path: "/outbound-messages",
  tags,
  summary: "Every message sent to customers, on every channel, newest first",
  description:
    "kind=manual: sent by a person or an API key; kind=automatic: by automations, bots, broadcasts or schedules.",
  security: authenticated,
  request: { query: OutboundListQuery },
  responses: { 200: jsonResponse(OutboundMessagePage, "A page"), ...errorResponses },
});

const resendRoute = createRoute({
  method: "post",
  path: "/outbound-messages/resend",
  tags,
  summary: "Send messages again, each as a new message in its conversation",
  description:
    "Each goes the way an agent's reply goes, so the channel's rules apply again: a message the channel refuses now (a closed WhatsApp window, an opt-out) is answered `refused` with the reason.",
  security: authenticated,
  request: { body: jsonBody(ResendRequest) },
  responses: { 200: jsonResponse(ResendResponse, "One result per id"), ...errorResponses },
});

const listFiltersRoute = createRoute({
  method: "get",
  path: "/outbound-messages/saved-filters",
  tags,
  summary: "Your saved filters of the sent-message history, by name",
  security: session,
  responses: {
    200: jsonResponse(
      z.object({ data: z.array(OutboundSavedFilterSchema) }).openapi("OutboundSavedFilterList"),
      "Your filters",
    ),
    ...errorResponses,
  },
});

const createFilterRoute = createRoute({
  method: "post",
  path: "/outbound-messages/saved-filters",
  tags,
  summary: "Save the history's current filters under a name",
  security: session,
  request: { body: jsonBody(OutboundSavedFilterCreate) },
  responses: { 201: jsonResponse(OutboundSavedFilterSchema, "Saved"), ...errorResponses },
});

const updateFilterRoute = createRoute({
  method: "patch",
  path: "/outbound-messages/saved-filters/{id}",
  tags,
  summary: "Rename a saved filter or change it",
  security: session,
  request: { params: FilterId, body: jsonBody(OutboundSavedFilterPatch) },
  responses: { 200: jsonResponse(OutboundSavedFilterSchema, "Saved"), ...errorResponses },
});

const deleteFilterRoute = createRoute({
  method: "delete",
  path: "/outbound-messages/saved-filters/{id}",
  tags,
  summary: "Delete a saved filter",
  security: session,
  request: { params: FilterId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

export const outboundMessagesRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const { cursor, limit, ...filters } = c.req.valid("query");
    const page = await listOutboundMessages(c.get("db"), c.get("principal").workspaceId, filters, {
      cursor,
      limit,
    });
    return c.json(page, 200);
  })
  .openapi(resendRoute, async (c) => {
    const results = await resendMessages(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("json").message_ids,
      { now: c.get("clock").now(), origin: new URL(c.req.url).origin },
    );
    return c.json({ results }, 200);
  })
  .openapi(listFiltersRoute, async (c) => {
    const rows = await listSavedViews(c.get("db"), c.get("principal"), SCREEN);
    return c.json({ data: rows.map((row) => toSavedViewDto<Filters>(row)) }, 200);
  })
  .openapi(createFilterRoute, async (c) => {
    const row = await createSavedView(
      c.get("db"),
      c.get("principal"),
      SCREEN,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSavedViewDto<Filters>(row), 201);
  })
  .openapi(updateFilterRoute, async (c) => {
    const row = await updateSavedView(
      c.get("db"),
      c.get("principal"),
      SCREEN,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSavedViewDto<Filters>(row), 200);
  })
  .openapi(deleteFilterRoute, async (c) => {
    await deleteSavedView(c.get("db"), c.get("principal"), SCREEN, c.req.valid("param").id);
    return c.body(null, 204);
  });
