import { createRoute } from "@hono/zod-openapi";
import {
  addTags,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  removeTag,
  updateContact,
} from "../domain/contacts";
import { emitEvent } from "../domain/events";
import { requireRole } from "../lib/auth";
import { pageOf, pageQuery, toPage } from "../lib/pagination";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  Contact,
  ContactCreate,
  ContactListQuery,
  ContactPatch,
  TagName,
  TagsBody,
} from "../schemas/contacts";

const tags = ["Contacts"];
const ContactId = IdParam("ct");

const listRoute = createRoute({
  method: "get",
  path: "/contacts",
  tags,
  summary: "Search and page through contacts, newest first",
  security: authenticated,
  request: { query: ContactListQuery.extend(pageQuery) },
  responses: {
    200: jsonResponse(pageOf(Contact).openapi("ContactPage"), "A page"),
    ...errorResponses,
  },
});

const createContactRoute = createRoute({
  method: "post",
  path: "/contacts",
  tags,
  summary: "Create a contact",
  security: authenticated,
  request: { body: jsonBody(ContactCreate) },
  responses: { 201: jsonResponse(Contact, "Created"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/contacts/{id}",
  tags,
  summary: "One contact",
  security: authenticated,
  request: { params: ContactId },
  responses: { 200: jsonResponse(Contact, "The contact"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/contacts/{id}",
  tags,
  summary: "Change some fields; null clears one",
  security: authenticated,
  request: { params: ContactId, body: jsonBody(ContactPatch) },
  responses: { 200: jsonResponse(Contact, "Updated"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/contacts/{id}",
  tags,
  summary: "Delete a contact",
  security: authenticated,
  middleware: [requireRole("supervisor")],
  request: { params: ContactId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const addTagsRoute = createRoute({
  method: "post",
  path: "/contacts/{id}/tags",
  tags,
  summary: "Add tags",
  security: authenticated,
  request: { params: ContactId, body: jsonBody(TagsBody) },
  responses: { 200: jsonResponse(Contact, "Tagged"), ...errorResponses },
});

const removeTagRoute = createRoute({
  method: "delete",
  path: "/contacts/{id}/tags/{tag}",
  tags,
  summary: "Remove a tag",
  security: authenticated,
  request: {
    params: ContactId.extend({ tag: TagName.openapi({ param: { name: "tag", in: "path" } }) }),
  },
  responses: { 200: jsonResponse(Contact, "Untagged"), ...errorResponses },
});

export const contactsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const rows = await listContacts(c.get("db"), c.get("principal").workspaceId, query);
    return c.json(toPage(rows, query.limit), 200);
  })
  .openapi(createContactRoute, async (c) => {
    const contact = await createContact(
      c.get("db"),
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    await emitEvent(c.get("db"), c.env, c.get("principal").workspaceId, "contact.created", {
      contact,
    });
    return c.json(contact, 201);
  })
  .openapi(getRoute, async (c) => {
    return c.json(
      await getContact(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id),
      200,
    );
  })
  .openapi(updateRoute, async (c) => {
    const contact = await updateContact(
      c.get("db"),
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    await emitEvent(c.get("db"), c.env, c.get("principal").workspaceId, "contact.updated", {
      contact,
    });
    return c.json(contact, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteContact(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(addTagsRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const contact = await addTags(
      c.get("db"),
      workspaceId,
      c.req.valid("param").id,
      c.req.valid("json").tags,
      c.get("clock").now(),
    );
    return c.json(contact, 200);
  })
  .openapi(removeTagRoute, async (c) => {
    const { id, tag } = c.req.valid("param");
    const contact = await removeTag(
      c.get("db"),
      c.get("principal").workspaceId,
      id,
      tag,
      c.get("clock").now(),
    );
    return c.json(contact, 200);
  });
