import { createRoute, z } from "@hono/zod-openapi";
import { listContacts, tagCounts } from "../domain/contacts/contact-list";
import {
  contactIdentitiesOf,
  createContact,
  deleteContact,
  getContact,
  updateContact,
} from "../domain/contacts/contacts";
import { addTags, removeTag } from "../domain/contacts/tags";
import { listContactConversations } from "../domain/messaging/conversation-list";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  Contact,
  ContactCreate,
  ContactIdentity,
  ContactListQuery,
  ContactPage,
  ContactPatch,
  TagName,
  TagsBody,
} from "../schemas/contacts";
import { activityPageQuery, ConversationPage } from "../schemas/conversations";

const tags = ["Contacts"];
const ContactId = IdParam("ct");

const listRoute = createRoute({
  method: "get",
  path: "/contacts",
  tags,
  summary: "Search, filter (tag, custom fields), sort and page through contacts",
  security: authenticated,
  request: { query: ContactListQuery },
  responses: {
    200: jsonResponse(ContactPage, "A page"),
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

const conversationsRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/conversations",
  tags,
  summary: "The contact's conversations on every channel, newest activity first",
  security: authenticated,
  request: { params: ContactId, query: z.object(activityPageQuery) },
  responses: { 200: jsonResponse(ConversationPage, "A page"), ...errorResponses },
});

const identitiesRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/identities",
  tags,
  summary: "How platform channels know the contact (besides phone and email)",
  security: authenticated,
  request: { params: ContactId },
  responses: {
    200: jsonResponse(z.object({ data: z.array(ContactIdentity) }), "Their identities"),
    ...errorResponses,
  },
});

const tagsRoute = createRoute({
  method: "get",
  path: "/contact-tags",
  tags,
  summary: "The tags on the workspace's contacts, most used first (up to 200)",
  security: authenticated,
  responses: {
    200: jsonResponse(
      z
        .object({ data: z.array(z.object({ tag: z.string(), count: z.number().int() })) })
        .openapi("ContactTags"),
      "Tags",
    ),
    ...errorResponses,
  },
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
    const { workspaceId } = c.get("principal");
    const page = await listContacts(c.get("db"), workspaceId, query, c.get("clock").now());
    return c.json(page, 200);
  })
  .openapi(createContactRoute, async (c) => {
    const contact = await createContact(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
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
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(contact, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteContact(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(conversationsRoute, async (c) => {
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    await getContact(c.get("db"), principal.workspaceId, id);
    return c.json(
      await listContactConversations(c.get("db"), principal, id, c.req.valid("query")),
      200,
    );
  })
  .openapi(identitiesRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const data = await contactIdentitiesOf(c.get("db"), workspaceId, c.req.valid("param").id);
    return c.json({ data }, 200);
  })
  .openapi(tagsRoute, async (c) => {
    return c.json({ data: await tagCounts(c.get("db"), c.get("principal").workspaceId) }, 200);
  })
  .openapi(addTagsRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    const contact = await addTags(
      c.get("db"),
      c.env,
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
      c.env,
      c.get("principal").workspaceId,
      id,
      tag,
      c.get("clock").now(),
    );
    return c.json(contact, 200);
  });
