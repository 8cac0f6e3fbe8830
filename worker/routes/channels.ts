import { createRoute, z } from "@hono/zod-openapi";
import {
  createChannel,
  disconnectChannel,
  getChannel,
  listChannels,
  toChannelDto,
  updateChannel,
} from "../domain/channels";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { ChannelCreate, ChannelPatch, ChannelSchema } from "../schemas/channels";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";

const tags = ["Channels"];
const admin = [requireRole("admin")];
const ChannelId = IdParam("ch");

const listRoute = createRoute({
  method: "get",
  path: "/channels",
  tags,
  summary: "Connected channels (secrets are never returned)",
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
  summary: "One channel, with the webhook URL to paste into the platform",
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

export const channelsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const origin = new URL(c.req.url).origin;
    const rows = await listChannels(c.get("db"), c.get("principal").workspaceId);
    return c.json(
      { data: await Promise.all(rows.map((row) => toChannelDto(c.env, row, origin))) },
      200,
    );
  })
  .openapi(getRoute, async (c) => {
    const row = await getChannel(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json(await toChannelDto(c.env, row, new URL(c.req.url).origin), 200);
  })
  .openapi(createChannelRoute, async (c) => {
    const { row, identitySecret } = await createChannel(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    const dto = await toChannelDto(c.env, row, new URL(c.req.url).origin);
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
    return c.json(await toChannelDto(c.env, row, new URL(c.req.url).origin), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await disconnectChannel(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.get("clock").now(),
    );
    return c.body(null, 204);
  });
