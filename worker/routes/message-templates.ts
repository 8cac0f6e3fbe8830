import { createRoute, z } from "@hono/zod-openapi";
import { previewTemplate, testSendTemplate } from "../domain/message-templates/send";
import {
  createMessageTemplate,
  deleteMessageTemplate,
  getMessageTemplate,
  listMessageTemplates,
  readMessageTemplate,
  toMessageTemplateDto,
  updateMessageTemplate,
} from "../domain/message-templates/templates";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  MessageTemplateCreate,
  MessageTemplateListQuery,
  MessageTemplatePatch,
  MessageTemplatePreview,
  MessageTemplatePreviewRequest,
  MessageTemplateSchema,
  MessageTemplateTestSend,
  MessageTemplateTestSent,
} from "../schemas/message-templates";

const tags = ["Message templates"];
const supervisor = [requireRole("supervisor")];
const TemplateId = IdParam("mtpl");

const listRoute = createRoute({
  method: "get",
  path: "/message-templates",
  tags,
  summary: "Message templates by channel kind and area, WhatsApp's synced ones included",
  security: authenticated,
  request: { query: MessageTemplateListQuery },
  responses: {
    200: jsonResponse(z.object({ data: z.array(MessageTemplateSchema) }), "Templates"),
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/message-templates/{id}",
  tags,
  summary: "One message template",
  security: authenticated,
  request: { params: TemplateId },
  responses: { 200: jsonResponse(MessageTemplateSchema, "The template"), ...errorResponses },
});

const createTemplateRoute = createRoute({
  method: "post",
  path: "/message-templates",
  tags,
  summary: "Save a message template; unknown variables are refused, HTML is sanitised",
  security: authenticated,
  middleware: supervisor,
  request: { body: jsonBody(MessageTemplateCreate) },
  responses: { 201: jsonResponse(MessageTemplateSchema, "Saved"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/message-templates/{id}",
  tags,
  summary: "Change a message template (WhatsApp's synced ones are read-only: 409)",
  security: authenticated,
  middleware: supervisor,
  request: { params: TemplateId, body: jsonBody(MessageTemplatePatch) },
  responses: { 200: jsonResponse(MessageTemplateSchema, "Saved"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/message-templates/{id}",
  tags,
  summary: "Delete a message template",
  security: authenticated,
  middleware: supervisor,
  request: { params: TemplateId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const previewRoute = createRoute({
  method: "post",
  path: "/message-templates/{id}/preview",
  tags,
  summary: "The template filled for a sample contact (the workspace's first without one)",
  security: authenticated,
  request: { params: TemplateId, body: jsonBody(MessageTemplatePreviewRequest) },
  responses: {
    200: jsonResponse(MessageTemplatePreview, "Each part as the contact would read it"),
    ...errorResponses,
  },
});

const testSendRoute = createRoute({
  method: "post",
  path: "/message-templates/{id}/test-send",
  tags,
  summary:
    "Send the template for real to one contact on a channel of its kind, through the normal send path",
  security: authenticated,
  middleware: supervisor,
  request: { params: TemplateId, body: jsonBody(MessageTemplateTestSend) },
  responses: {
    202: jsonResponse(MessageTemplateTestSent, "Queued in the contact's conversation"),
    ...errorResponses,
  },
});

export const messageTemplatesRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const data = await listMessageTemplates(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("query"),
    );
    return c.json({ data }, 200);
  })
  .openapi(getRoute, async (c) => {
    const dto = await readMessageTemplate(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json(dto, 200);
  })
  .openapi(createTemplateRoute, async (c) => {
    const row = await createMessageTemplate(
      c.get("db"),
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toMessageTemplateDto(row), 201);
  })
  .openapi(updateRoute, async (c) => {
    const row = await updateMessageTemplate(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(toMessageTemplateDto(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteMessageTemplate(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(previewRoute, async (c) => {
    const principal = c.get("principal");
    const template = await getMessageTemplate(
      c.get("db"),
      principal.workspaceId,
      c.req.valid("param").id,
    );
    const preview = await previewTemplate(
      c.get("db"),
      principal,
      template,
      c.req.valid("json").contact_id,
    );
    return c.json(preview, 200);
  })
  .openapi(testSendRoute, async (c) => {
    const principal = c.get("principal");
    const db = c.get("db");
    const template = await getMessageTemplate(db, principal.workspaceId, c.req.valid("param").id);
    const body = c.req.valid("json");
    const sent = await testSendTemplate(
      db,
      c.env,
      principal,
      template,
      { channelId: body.channel_id, contactId: body.contact_id },
      { now: c.get("clock").now(), origin: new URL(c.req.url).origin },
    );
    return c.json(sent, 202);
  });
