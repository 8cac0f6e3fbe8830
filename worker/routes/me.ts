import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { workspaces } from "../db/schema";
import { workspacesOf } from "../domain/workspace/sessions";
import { changePassword, getMember, preferencesOf, updateSelf } from "../domain/workspace/users";
import type { Db, Principal } from "../lib/context";
import { notFound } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, jsonBody, jsonResponse } from "../schemas/common";
import { UI_LANGUAGES } from "../schemas/languages";
import {
  Password,
  PersonName,
  toUserDto,
  toWorkspaceChoices,
  UserSchema,
  WorkspaceChoiceSchema,
} from "../schemas/users";

const NotificationPrefsSchema = z
  .object({
    sound: z.boolean(),
    desktop: z
      .boolean()
      .openapi({ description: "Desktop notifications, once the browser allows them" }),
    new_conversations: z.boolean().openapi({ description: "New conversations for me or my teams" }),
    my_messages: z
      .boolean()
      .openapi({ description: "Customer messages in conversations assigned to me" }),
  })
  .openapi("NotificationPrefs", { description: "Mentions always notify." });

const MeUserSchema = UserSchema.extend({
  language: z.enum(UI_LANGUAGES).nullable().openapi({ description: "null follows the browser" }),
  notifications: NotificationPrefsSchema,
}).openapi("MeUser");

const MeSchema = z
  .object({
    user: MeUserSchema.nullable(),
    api_key_id: z.string().nullable(),
    role: UserSchema.shape.role,
    workspace: z.object({
      id: z.string(),
      name: z.string(),
      timezone: z.string(),
      language: z.enum(UI_LANGUAGES).nullable().openapi({
        description: "The app's language for people who chose none; null follows the browser",
      }),
    }),
    workspaces: z.array(WorkspaceChoiceSchema).openapi({
      description:
        "The workspaces a signed-in person can switch to (an API key: its own workspace)",
    }),
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

const updateMeRoute = createRoute({
  method: "patch",
  path: "/me",
  tags: ["Auth"],
  summary:
    "Change your own name (every workspace shows it), the app's language and what it notifies you of",
  security: authenticated,
  request: {
    body: jsonBody(
      z
        .strictObject({
          name: PersonName.optional(),
          language: z.enum(UI_LANGUAGES).nullable().optional(),
          notifications: NotificationPrefsSchema.partial().strict().optional(),
        })
        .openapi("MePatch"),
    ),
  },
  responses: { 200: jsonResponse(MeSchema, "Changed"), ...errorResponses },
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

async function describePerson(db: Db, workspaceId: string, userId: string) {
  const [member, preferences] = await Promise.all([
    getMember(db, workspaceId, userId),
    preferencesOf(db, userId),
  ]);
  return { ...toUserDto(member), ...preferences };
}

async function describeCaller(db: Db, principal: Principal) {
  const workspace = await db.query.workspaces.findFirst({
    where: eq(workspaces.id, principal.workspaceId),
  });
  if (!workspace) throw notFound("Workspace");
  const choices = principal.userId
    ? toWorkspaceChoices(await workspacesOf(db, principal.userId))
    : [{ id: workspace.id, name: workspace.name, role: principal.role }];
  const user = principal.userId
    ? await describePerson(db, principal.workspaceId, principal.userId)
    : null;
  return {
    user,
    api_key_id: principal.apiKeyId,
    role: principal.role,
    workspace: {
      id: workspace.id,
      name: workspace.name,
      timezone: workspace.timezone,
      language: workspace.language,
    },
    workspaces: choices,
  };
}

export const meRouter = createRouter()
  .openapi(meRoute, async (c) => c.json(await describeCaller(c.get("db"), c.get("principal")), 200))
  .openapi(updateMeRoute, async (c) => {
    await updateSelf(c.get("db"), c.get("principal"), c.req.valid("json"));
    return c.json(await describeCaller(c.get("db"), c.get("principal")), 200);
  })
  .openapi(passwordRoute, async (c) => {
    const body = c.req.valid("json");
    await changePassword(c.get("db"), c.get("principal"), body.current_password, body.new_password);
    return c.body(null, 204);
  });
