import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { workspaces } from "../db/schema";
import { changePassword, getMember } from "../domain/users";
import { notFound } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, jsonBody, jsonResponse } from "../schemas/common";
import { Password, toUserDto, UserSchema } from "../schemas/users";

const MeSchema = z
  .object({
    user: UserSchema.nullable(),
    api_key_id: z.string().nullable(),
    role: UserSchema.shape.role,
    workspace: z.object({ id: z.string(), name: z.string(), timezone: z.string() }),
  })
  .openapi("Me");

const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags: ["Auth"],
  summary: "Who is calling, in which workspace, with which role",
  security: authenticated,
  responses: { 200: jsonResponse(MeSchema, "The caller"), ...errorResponses },
});

const passwordRoute = createRoute({
  method: "post",
  path: "/me/password",
  tags: ["Auth"],
  summary: "Change your password; ends your other sessions",
  security: authenticated,
  request: {
    body: jsonBody(
      z
        .strictObject({ current_password: z.string().min(1).max(256), new_password: Password })
        .openapi("PasswordChange"),
    ),
  },
  responses: { 204: { description: "Changed" }, ...errorResponses },
});

export const meRouter = createRouter()
  .openapi(meRoute, async (c) => {
    const principal = c.get("principal");
    const db = c.get("db");
    const workspace = await db.query.workspaces.findFirst({
      where: eq(workspaces.id, principal.workspaceId),
    });
    if (!workspace) throw notFound("Workspace");
    const user = principal.userId
      ? toUserDto(await getMember(db, principal.workspaceId, principal.userId))
      : null;
    return c.json(
      {
        user,
        api_key_id: principal.apiKeyId,
        role: principal.role,
        workspace: { id: workspace.id, name: workspace.name, timezone: workspace.timezone },
      },
      200,
    );
  })
  .openapi(passwordRoute, async (c) => {
    const body = c.req.valid("json");
    await changePassword(c.get("db"), c.get("principal"), body.current_password, body.new_password);
    return c.body(null, 204);
  });
