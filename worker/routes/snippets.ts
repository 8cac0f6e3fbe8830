import { createRoute, z } from "@hono/zod-openapi";
import {
  contactVariables,
  createSnippet,
  deleteSnippet,
  listSnippets,
  renderForContact,
  renderForConversation,
  toSnippetDto,
  updateSnippet,
} from "../domain/messaging/snippets";
import { requireRole } from "../lib/auth";
import { notFound } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  Rendered,
  RenderRequest,
  SnippetCreate,
  SnippetListQuery,
  SnippetPatch,
  SnippetSchema,
} from "../schemas/snippets";

const tags = ["Snippets"];
const supervisor = [requireRole("supervisor")];
const SnippetId = IdParam("snp");

const listRoute = createRoute({
  method: "get",
  path: "/snippets",
  tags,
  summary: "Canned replies, by shortcut",
  security: authenticated,
  request: { query: SnippetListQuery },
  responses: {
    200: jsonResponse(z.object({ data: z.array(SnippetSchema) }), "Snippets"),
    ...errorResponses,
  },
});

const createSnippetRoute = createRoute({
  method: "post",
  path: "/snippets",
  tags,
  summary: "Save a canned reply; unknown variables are refused",
  security: authenticated,
  middleware: supervisor,
  request: { body: jsonBody(SnippetCreate) },
  responses: { 201: jsonResponse(SnippetSchema, "Saved"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/snippets/{id}",
  tags,
  summary: "Change a canned reply",
  security: authenticated,
  middleware: supervisor,
  request: { params: SnippetId, body: jsonBody(SnippetPatch) },
  responses: { 200: jsonResponse(SnippetSchema, "Saved"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/snippets/{id}",
  tags,
  summary: "Delete a canned reply",
  security: authenticated,
  middleware: supervisor,
  request: { params: SnippetId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const renderRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/render",
  tags,
  summary: "Fill a text's variables for this conversation's contact and the signed-in agent",
  security: authenticated,
  request: { params: IdParam("cv"), body: jsonBody(RenderRequest) },
  responses: {
    200: jsonResponse(Rendered, "The text as the customer would read it"),
    ...errorResponses,
  },
});

const renderForContactRoute = createRoute({
  method: "post",
  path: "/contacts/{id}/render",
  tags,
  summary: "Fill a text's variables for this contact, as a message to them would read",
  security: authenticated,
  request: { params: IdParam("ct"), body: jsonBody(RenderRequest) },
  responses: {
    200: jsonResponse(Rendered, "The text as the contact would read it"),
    ...errorResponses,
  },
});

export const snippetsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listSnippets(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("query").q,
    );
    return c.json({ data: rows.map(toSnippetDto) }, 200);
  })
  .openapi(createSnippetRoute, async (c) => {
    const row = await createSnippet(
      c.get("db"),
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSnippetDto(row), 201);
  })
  .openapi(updateRoute, async (c) => {
    const row = await updateSnippet(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toSnippetDto(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteSnippet(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(renderRoute, async (c) => {
    const rendered = await renderForConversation(
      c.get("db"),
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json").text,
    );
    return c.json(rendered, 200);
  })
  .openapi(renderForContactRoute, async (c) => {
    const principal = c.get("principal");
    const db = c.get("db");
    const contact = await contactVariables(db, principal.workspaceId, c.req.valid("param").id);
    if (!contact) throw notFound("Contact");
    return c.json(await renderForContact(db, principal, contact, c.req.valid("json").text), 200);
  });
