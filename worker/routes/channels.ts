import { createRoute, z } from "@hono/zod-openapi";
import {
  checkChannel,
  createChannel,
  disconnectChannel,
  getChannel,
  listChannels,
  testSend,
  toChannelDto,
  updateChannel,
} from "../domain/channels/channels";
import {
  listTemplates,
  registerTemplate,
  syncTemplates,
  toTemplateDto,
} from "../domain/channels/templates";
import { audit } from "../domain/workspace/audit";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { ChannelCreate, ChannelPatch, ChannelSchema } from "../schemas/channels";
import {
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  multiLine,
  ProblemSchema,
  singleLine,
  Timestamp,
} from "../schemas/common";

const tags = ["Channels"];
const admin = [requireRole("admin")];
const ChannelId = IdParam("ch");

const listRoute = createRoute({
  method: "get",
  path: "/channels",
  tags,
  summary: "Connected channels (secrets are never returned; setup values only to admins)",
  security: authenticated,
  responses: {
    200: jsonResponse(z.object({ data: z.array(ChannelSchema) }), "Channels"),
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/channels/{id}",
  tags,
  summary: "One channel; admins also get its settings and the webhook URL for the platform",
  security: authenticated,
  request: { params: ChannelId },
  responses: { 200: jsonResponse(ChannelSchema, "Channel"), ...errorResponses },
});

const createChannelRoute = createRoute({
  method: "post",
  path: "/channels",
  tags,
  summary: "Connect a channel; its config is typed by `type`",
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(ChannelCreate) },
  responses: {
    201: jsonResponse(
      ChannelSchema.extend({
        identity_secret: z.string().nullable().openapi({
          description:
            "Web chat only, shown once: sign logged-in visitors' identifiers with it (hex HMAC-SHA256)",
        }),
      }).openapi("CreatedChannel"),
      "Connected",
    ),
    ...errorResponses,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/channels/{id}",
  tags,
  summary: "Rename a channel or change some of its settings and secrets",
  security: authenticated,
  middleware: admin,
  request: { params: ChannelId, body: jsonBody(ChannelPatch) },
  responses: { 200: jsonResponse(ChannelSchema, "Updated"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/channels/{id}",
  tags,
  summary: "Disconnect a channel (its conversations are kept)",
  security: authenticated,
  middleware: admin,
  request: { params: ChannelId },
  responses: { 204: { description: "Disconnected" }, ...errorResponses },
});

const TemplateSchema = z
  .object({
    name: z.string(),
    language: z.string(),
    category: z.string().nullable(),
    status: z.string(),
    body: z.string(),
    variable_count: z.number().int(),
    updated_at: Timestamp,
  })
  .openapi("WhatsAppTemplate");
const TemplateList = z.object({ data: z.array(TemplateSchema) });

const templatesRoute = createRoute({
  method: "get",
  path: "/channels/{id}/templates",
  tags,
  summary: "WhatsApp message templates of the channel, as last synced",
  security: authenticated,
  request: { params: ChannelId },
  responses: { 200: jsonResponse(TemplateList, "Templates"), ...errorResponses },
});

const syncTemplatesRoute = createRoute({
  method: "post",
  path: "/channels/{id}/templates/sync",
  tags,
  summary: "Fetch the business account's templates from WhatsApp (needs config.waba_id)",
  security: authenticated,
  middleware: admin,
  request: { params: ChannelId },
  responses: { 200: jsonResponse(TemplateList, "Templates now stored"), ...errorResponses },
});

const TemplateCreate = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, "lower-case letters, digits and underscores"),
    language: z.string().min(2).max(15).check(singleLine).openapi({ example: "en_US" }),
    category: z.enum(["UTILITY", "MARKETING", "AUTHENTICATION"]),
    body: z
      .string()
      .trim()
      .min(1)
      .max(1024)
      .check(multiLine)
      .openapi({ example: "Your order {{1}} ships on {{2}}." }),
    examples: z.array(z.string().min(1).max(200).check(singleLine)).max(20).default([]).openapi({
      description: "One sample value per {{n}} variable, for Meta's review",
    }),
  })
  .openapi("WhatsAppTemplateCreate");

const registerTemplateRoute = createRoute({
  method: "post",
  path: "/channels/{id}/templates",
  tags,
  summary: "Submit a new WhatsApp template to Meta for review",
  security: authenticated,
  middleware: admin,
  request: { params: ChannelId, body: jsonBody(TemplateCreate) },
  responses: {
    201: jsonResponse(TemplateList, "Submitted; templates now stored"),
    ...errorResponses,
    502: {
      description: "Meta refused it",
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
  },
});

const TestSend = z
  .strictObject({
    to: z.string().trim().min(1).max(320).check(singleLine).openapi({
      description: "Phone (E.164), email address, PSID, chat id … as the platform knows them",
    }),
    text: z.string().trim().min(1).max(4096).check(multiLine).default("Test message from Conversa"),
    subject: z.string().trim().min(1).max(300).check(singleLine).optional(),
  })
  .openapi("ChannelTestSend");

const testSendRoute = createRoute({
  method: "post",
  path: "/channels/{id}/test",
  tags,
  summary: "Send a test message straight through the channel (not stored in a conversation)",
  security: authenticated,
  middleware: admin,
  request: { params: ChannelId, body: jsonBody(TestSend) },
  responses: {
    200: jsonResponse(z.object({ external_id: z.string() }), "The platform accepted it"),
    ...errorResponses,
    502: {
      description: "The platform refused it",
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
  },
});

const checkRoute = createRoute({
  method: "post",
  path: "/channels/{id}/credentials/check",
  tags,
  summary:
    "Ask the platform whether the stored credentials work (nothing is sent); the answer is kept in `check`",
  security: authenticated,
  middleware: admin,
  request: { params: ChannelId },
  responses: { 200: jsonResponse(ChannelSchema, "Checked"), ...errorResponses },
});

export const channelsRouter = createRouter()
  .openapi(checkRoute, async (c) => {
    const row = await checkChannel(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json(
      await toChannelDto(c.env, row, new URL(c.req.url).origin, c.get("principal").role),
      200,
    );
  })
  .openapi(templatesRoute, async (c) => {
    const rows = await listTemplates(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json({ data: rows.map(toTemplateDto) }, 200);
  })
  .openapi(syncTemplatesRoute, async (c) => {
    const rows = await syncTemplates(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.json({ data: rows.map(toTemplateDto) }, 200);
  })
  .openapi(registerTemplateRoute, async (c) => {
    const rows = await registerTemplate(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json({ data: rows.map(toTemplateDto) }, 201);
  })
  .openapi(testSendRoute, async (c) => {
    const externalId = await testSend(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json({ external_id: externalId }, 200);
  })
  .openapi(listRoute, async (c) => {
    const origin = new URL(c.req.url).origin;
    const rows = await listChannels(c.get("db"), c.get("principal").workspaceId);
    return c.json(
      {
        data: await Promise.all(
          rows.map((row) => toChannelDto(c.env, row, origin, c.get("principal").role)),
        ),
      },
      200,
    );
  })
  .openapi(getRoute, async (c) => {
    const row = await getChannel(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    const origin = new URL(c.req.url).origin;
    return c.json(await toChannelDto(c.env, row, origin, c.get("principal").role), 200);
  })
  .openapi(createChannelRoute, async (c) => {
    const { row, identitySecret } = await createChannel(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    const dto = await toChannelDto(c.env, row, new URL(c.req.url).origin, c.get("principal").role);
    await audit(
      c.get("db"),
      c.get("principal"),
      "channel.created",
      { type: "channel", id: row.id },
      {
        type: row.type,
        name: row.name,
        config: row.config,
      },
    );
    return c.json({ ...dto, identity_secret: identitySecret }, 201);
  })
  .openapi(updateRoute, async (c) => {
    const row = await updateChannel(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    const patch = c.req.valid("json");
    await audit(
      c.get("db"),
      c.get("principal"),
      "channel.updated",
      { type: "channel", id: row.id },
      {
        ...(patch.name ? { name: patch.name } : {}),
        // secrets never enter the log: only which keys changed
        ...(patch.config ? { config_keys: Object.keys(patch.config) } : {}),
      },
    );
    return c.json(
      await toChannelDto(c.env, row, new URL(c.req.url).origin, c.get("principal").role),
      200,
    );
  })
  .openapi(deleteRoute, async (c) => {
    await disconnectChannel(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    await audit(c.get("db"), c.get("principal"), "channel.disconnected", {
      type: "channel",
      id: c.req.valid("param").id,
    });
    return c.body(null, 204);
  });
