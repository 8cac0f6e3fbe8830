import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import {
  type ApiKeyWithEffectiveRole,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from "../domain/workspace/api-keys";
import { audit } from "../domain/workspace/audit";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import {
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  singleLine,
  Timestamp,
  toIso,
} from "../schemas/common";
import { RoleSchema } from "../schemas/users";

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The first characters, to tell keys apart" }),
    role: RoleSchema,
    // inline rather than the Role component: the document keeps its null that way
    effective_role: z.enum(ROLES).nullable().openapi({
      description:
        "What the key may do today: the lower of `role` and its creator's current role in the workspace; null once the creator is no longer an active member (the key then does nothing)",
    }),
    created_by: z
      .object({ id: z.string(), name: z.string().nullable() })
      .nullable()
      .openapi({ description: "The person the key acts for" }),
    last_used_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("ApiKey");

const toDto = (row: ApiKeyWithEffectiveRole) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  role: row.role,
  effective_role: row.effectiveRole,
  created_by: row.createdBy ? { id: row.createdBy, name: row.creatorName } : null,
  last_used_at: row.lastUsedAt ? toIso(row.lastUsedAt) : null,
  created_at: toIso(row.createdAt),
});

const admin = [requireRole("admin")];

const listRoute = createRoute({
  method: "get",
  path: "/api-keys",
  tags: ["API keys"],
  summary: "Active API keys (secrets are never shown again)",
  security: authenticated,
  middleware: admin,
  responses: {
    200: jsonResponse(z.object({ data: z.array(ApiKeySchema) }), "Keys"),
    ...errorResponses,
  },
});

const createKeyRoute = createRoute({
  method: "post",
  path: "/api-keys",
  tags: ["API keys"],
  summary: "Create a key; the secret is in this answer only",
  security: authenticated,
  middleware: admin,
  request: {
    body: jsonBody(
      z
        .strictObject({
          name: z.string().trim().min(1).max(100).check(singleLine),
          role: RoleSchema.default("admin"),
        })
        .openapi("ApiKeyCreate"),
    ),
  },
  responses: {
    201: jsonResponse(
      ApiKeySchema.extend({
        key: z.string().openapi({ description: "Send as `Authorization: Bearer <key>`" }),
      }).openapi("CreatedApiKey"),
      "Created",
    ),
    ...errorResponses,
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/api-keys/{id}",
  tags: ["API keys"],
  summary: "Revoke a key at once",
  security: authenticated,
  middleware: admin,
  request: { params: IdParam("key") },
  responses: { 204: { description: "Revoked" }, ...errorResponses },
});

export const apiKeysRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listApiKeys(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: rows.map(toDto) }, 200);
  })
  .openapi(createKeyRoute, async (c) => {
    const { row, secret } = await createApiKey(
      c.get("db"),
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    await audit(
      c.get("db"),
      c.get("principal"),
      "api_key.created",
      { type: "api_key", id: row.id },
      {
        name: row.name,
        role: row.role,
      },
    );
    return c.json({ ...toDto(row), key: secret }, 201);
  })
  .openapi(revokeRoute, async (c) => {
    const { workspaceId } = c.get("principal");
    await revokeApiKey(c.get("db"), workspaceId, c.req.valid("param").id, c.get("clock").now());
    await audit(c.get("db"), c.get("principal"), "api_key.revoked", {
      type: "api_key",
      id: c.req.valid("param").id,
    });
    return c.body(null, 204);
  });
