import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../domain/workspace/audit";
import { getMember, listMembers, updateMember } from "../domain/workspace/users";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import { RoleSchema, toUserDto, UserSchema } from "../schemas/users";

const UserPatch = z
  .strictObject({
    role: RoleSchema.optional(),
    active: z.boolean().optional().openapi({
      description: "false deactivates, ends their sessions and revokes their API keys",
    }),
    capacity: z.number().int().min(0).max(100).optional().openapi({
      description: "At most this many open conversations from auto-assignment (0: none)",
    }),
    team_ids: z.array(z.string().max(64)).max(200).optional().openapi({
      description: "Replaces the teams they are in",
    }),
  })
  .openapi("UserPatch", {
    description:
      "A workspace changes a member's role, active state, capacity and teams only; the person's name, email and password are theirs (PATCH /me).",
  });

const listRoute = createRoute({
  method: "get",
  path: "/users",
  tags: ["Users"],
  summary: "Members of the workspace (pending invitations are at /invitations)",
  security: authenticated,
  responses: {
    200: jsonResponse(z.object({ data: z.array(UserSchema) }), "Members"),
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/users/{id}",
  tags: ["Users"],
  summary: "One member",
  security: authenticated,
  request: { params: IdParam("usr") },
  responses: { 200: jsonResponse(UserSchema, "The member"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/users/{id}",
  tags: ["Users"],
  summary: "Change a member's role, capacity or teams; deactivate or reactivate them",
  security: authenticated,
  middleware: [requireRole("admin")],
  request: { params: IdParam("usr"), body: jsonBody(UserPatch) },
  responses: { 200: jsonResponse(UserSchema, "Updated"), ...errorResponses },
});

export const usersRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const members = await listMembers(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: members.map(toUserDto) }, 200);
  })
  .openapi(getRoute, async (c) => {
    const member = await getMember(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json(toUserDto(member), 200);
  })
  .openapi(updateRoute, async (c) => {
    const member = await updateMember(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    await audit(
      c.get("db"),
      c.get("principal"),
      "user.updated",
      { type: "user", id: c.req.valid("param").id },
      c.req.valid("json"),
    );
    return c.json(toUserDto(member), 200);
  });
