import { createRoute, z } from "@hono/zod-openapi";
import { CHANNEL_TYPES } from "../db/schema";
import {
  type ChannelRow,
  createWebchatChannel,
  getChannel,
  listChannels,
  updateChannel,
} from "../domain/channels";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import {
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  Timestamp,
  toIso,
} from "../schemas/common";

const tags = ["Channels"];
const admin = [requireRole("admin")];
const ChannelId = IdParam("ch");

const WebchatConfigSchema = z
  .strictObject({
    greeting: z.string().max(500).optional(),
    brand_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "a colour like #2563eb")
      .optional(),
    position: z.enum(["right", "left"]).optional(),
    require_identity: z.boolean().optional(),
    away: z.boolean().optional(),
    away_message: z.string().max(500).optional(),
  })
  .openapi("WebchatConfig");

const ChannelSchema = z
  .object({
    id: z.string(),
    type: z.enum(CHANNEL_TYPES),
    name: z.string(),
    config: z.record(z.string(), z.unknown()),
    created_at: Timestamp,
  })
  .openapi("Channel");

const toDto = (row: ChannelRow) => ({
  id: row.id,
  type: row.type,
  name: row.name,
  config: row.config,
  created_at: toIso(row.createdAt),
});

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
  summary: "One channel",
  security: authenticated,
  request: { params: ChannelId },
  responses: { 200: jsonResponse(ChannelSchema, "Channel"), ...errorResponses },
});

const createChannelRoute = createRoute({
  method: "post",
  path: "/channels",
  tags,
  summary: "Connect a channel",
  security: authenticated,
  middleware: admin,
  request: {
    body: jsonBody(
      z
        .strictObject({
          type: z.literal("webchat"),
          name: z.string().trim().min(1).max(100),
          config: WebchatConfigSchema.default({}),
        })
        .openapi("ChannelCreate"),
    ),
  },
  responses: {
    201: jsonResponse(
      ChannelSchema.extend({
        identity_secret: z.string().openapi({
          description:
            "Shown once: sign visitors' identifiers with it (hex HMAC-SHA256) to verify logged-in users",
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
  summary: "Rename a channel or change its settings",
  security: authenticated,
  middleware: admin,
  request: {
    params: ChannelId,
    body: jsonBody(
      z
        .strictObject({
          name: z.string().trim().min(1).max(100).optional(),
          config: WebchatConfigSchema.optional(),
        })
        .openapi("ChannelPatch"),
    ),
  },
  responses: { 200: jsonResponse(ChannelSchema, "Updated"), ...errorResponses },
});

export const channelsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listChannels(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: rows.map(toDto) }, 200);
  })
  .openapi(getRoute, async (c) => {
    return c.json(
      toDto(await getChannel(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id)),
      200,
    );
  })
  .openapi(createChannelRoute, async (c) => {
    const { row, identitySecret } = await createWebchatChannel(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json({ ...toDto(row), identity_secret: identitySecret }, 201);
  })
  .openapi(updateRoute, async (c) => {
    const row = await updateChannel(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(toDto(row), 200);
  });
