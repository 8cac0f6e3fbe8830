import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../domain/audit";
import { addMember, getMember, listMembers, updateMember } from "../domain/users";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse, singleLine } from "../schemas/common";
import { Password, RoleSchema, toUserDto, UserSchema } from "../schemas/users";

const UserCreate = z
  .strictObject({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200).check(singleLine),
    role: RoleSchema.default("agent"),
    password: Password.optional().openapi({
      description: "Without it the answer carries a one-time invitation token",
    }),
  })
  .openapi("UserCreate");

const UserPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(200).check(singleLine).optional(),
    role: RoleSchema.optional(),
    active: z
      .boolean()
      .optional()
      .openapi({ description: "false deactivates and ends their sessions" }),
  })
  .openapi("UserPatch");

const listRoute = createRoute({
  method: "get",
  path: "/users",
  tags: ["Users"],
  summary: "Members of the workspace",
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

const createUserRoute = createRoute({
  method: "post",
  path: "/users",
  tags: ["Users"],
  summary: "Create an agent, or invite one when no password is given",
  security: authenticated,
  middleware: [requireRole("admin")],
  request: { body: jsonBody(UserCreate) },
  responses: {
    201: jsonResponse(
      UserSchema.extend({ invite_token: z.string().nullable() }).openapi("CreatedUser"),
      "Created",
    ),
    ...errorResponses,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/users/{id}",
  tags: ["Users"],
  summary: "Rename, change role, deactivate or reactivate",
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
  .openapi(createUserRoute, async (c) => {
    const { member, inviteToken } = await addMember(
      c.get("db"),
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    const dto = toUserDto(member);
    await audit(
      c.get("db"),
      c.get("principal"),
      "user.added",
      { type: "user", id: dto.id },
      {
        email: dto.email,
        role: dto.role,
      },
    );
    return c.json({ ...dto, invite_token: inviteToken }, 201);
  })
  .openapi(updateRoute, async (c) => {
    const member = await updateMember(
      c.get("db"),
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
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
