import { createRoute, z } from "@hono/zod-openapi";
import {
  createBusinessHours,
  deleteBusinessHours,
  getBusinessHours,
  listBusinessHours,
  toHoursDto,
  updateBusinessHours,
} from "../domain/routing/business-hours";
import { setChannelRouting } from "../domain/routing/channel-routing";
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from "../domain/routing/teams";
import { transferConversation } from "../domain/routing/transfer";
import { updateWorkspaceSettings, workspaceSettings } from "../domain/workspace/settings";
import { requireRole } from "../lib/auth";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import { ConversationSchema } from "../schemas/conversations";
import {
  BusinessHoursCreate,
  BusinessHoursPatch,
  BusinessHoursSchema,
  ChannelRoutingSchema,
  TeamCreate,
  TeamPatch,
  TeamSchema,
  TransferRequest,
  WorkspaceSettings,
  WorkspaceSettingsSchema,
} from "../schemas/teams";

const tags = ["Teams"];
const admin = [requireRole("admin")];
const TeamId = IdParam("team");

const listRoute = createRoute({
  method: "get",
  path: "/teams",
  tags,
  summary: "Teams (queues) with their members",
  security: authenticated,
  responses: {
    200: jsonResponse(z.object({ data: z.array(TeamSchema) }), "Teams"),
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/teams/{id}",
  tags,
  summary: "One team",
  security: authenticated,
  request: { params: TeamId },
  responses: { 200: jsonResponse(TeamSchema, "Team"), ...errorResponses },
});

const createTeamRoute = createRoute({
  method: "post",
  path: "/teams",
  tags,
  summary: "Create a team with members, messages and an assignment strategy",
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(TeamCreate) },
  responses: { 201: jsonResponse(TeamSchema, "Created"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/teams/{id}",
  tags,
  summary: "Change a team; `member_ids` replaces the members",
  security: authenticated,
  middleware: admin,
  request: { params: TeamId, body: jsonBody(TeamPatch) },
  responses: { 200: jsonResponse(TeamSchema, "Updated"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/teams/{id}",
  tags,
  summary: "Delete a team (its conversations leave it)",
  security: authenticated,
  middleware: admin,
  request: { params: TeamId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const listHoursRoute = createRoute({
  method: "get",
  path: "/business-hours",
  tags: ["Business hours"],
  summary: "Weekly schedules with closures, and whether each is open now",
  security: authenticated,
  responses: {
    200: jsonResponse(z.object({ data: z.array(BusinessHoursSchema) }), "Schedules"),
    ...errorResponses,
  },
});

const createHoursRoute = createRoute({
  method: "post",
  path: "/business-hours",
  tags: ["Business hours"],
  summary: "Define a weekly schedule in an IANA timezone, with holidays",
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(BusinessHoursCreate) },
  responses: { 201: jsonResponse(BusinessHoursSchema, "Created"), ...errorResponses },
});

const HoursId = IdParam("bh");

const getHoursRoute = createRoute({
  method: "get",
  path: "/business-hours/{id}",
  tags: ["Business hours"],
  summary: "One schedule, and whether it is open now",
  security: authenticated,
  request: { params: HoursId },
  responses: { 200: jsonResponse(BusinessHoursSchema, "Schedule"), ...errorResponses },
});

const updateHoursRoute = createRoute({
  method: "patch",
  path: "/business-hours/{id}",
  tags: ["Business hours"],
  summary: "Change a schedule; `weekly` and `closures` replace the lists",
  security: authenticated,
  middleware: admin,
  request: { params: HoursId, body: jsonBody(BusinessHoursPatch) },
  responses: { 200: jsonResponse(BusinessHoursSchema, "Updated"), ...errorResponses },
});

const deleteHoursRoute = createRoute({
  method: "delete",
  path: "/business-hours/{id}",
  tags: ["Business hours"],
  summary: "Delete a schedule no team, channel or the workspace follows (409 names who does)",
  security: authenticated,
  middleware: admin,
  request: { params: HoursId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const transferRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/transfer",
  tags: ["Conversations"],
  summary: "Transfer to another team and/or agent, with a note for them",
  security: authenticated,
  request: { params: IdParam("cv"), body: jsonBody(TransferRequest) },
  responses: { 200: jsonResponse(ConversationSchema, "Transferred"), ...errorResponses },
});

const routingRoute = createRoute({
  method: "put",
  path: "/channels/{id}/routing",
  tags: ["Channels"],
  summary: "Where the channel's new conversations go: a chat menu, a team, business hours",
  security: authenticated,
  middleware: admin,
  request: { params: IdParam("ch"), body: jsonBody(ChannelRoutingSchema) },
  responses: { 200: jsonResponse(ChannelRoutingSchema, "Saved"), ...errorResponses },
});

const settingsRoute = createRoute({
  method: "get",
  path: "/workspace/settings",
  tags: ["Workspace"],
  summary: "Workspace name, timezone, default country, language, business hours and closing rules",
  security: authenticated,
  responses: { 200: jsonResponse(WorkspaceSettingsSchema, "Settings"), ...errorResponses },
});

const updateSettingsRoute = createRoute({
  method: "patch",
  path: "/workspace/settings",
  tags: ["Workspace"],
  summary:
    "Change the workspace's name, timezone, default country, language, business hours or closing rules",
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(WorkspaceSettings) },
  responses: { 200: jsonResponse(WorkspaceSettingsSchema, "Settings"), ...errorResponses },
});

export const teamsRouter = createRouter()
  .openapi(routingRoute, async (c) => {
    const routing = await setChannelRouting(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(routing, 200);
  })
  .openapi(settingsRoute, async (c) =>
    c.json(await workspaceSettings(c.get("db"), c.get("principal").workspaceId), 200),
  )
  .openapi(updateSettingsRoute, async (c) => {
    const settings = await updateWorkspaceSettings(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("json"),
    );
    return c.json(settings, 200);
  })
  .openapi(listRoute, async (c) =>
    c.json({ data: await listTeams(c.get("db"), c.get("principal").workspaceId) }, 200),
  )
  .openapi(getRoute, async (c) =>
    c.json(
      await getTeam(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id),
      200,
    ),
  )
  .openapi(createTeamRoute, async (c) => {
    const team = await createTeam(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json(team, 201);
  })
  .openapi(updateRoute, async (c) => {
    const team = await updateTeam(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(team, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteTeam(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(listHoursRoute, async (c) => {
    const rows = await listBusinessHours(c.get("db"), c.get("principal").workspaceId);
    const now = c.get("clock").now();
    return c.json({ data: rows.map((r) => toHoursDto(r, now)) }, 200);
  })
  .openapi(createHoursRoute, async (c) => {
    const now = c.get("clock").now();
    const row = await createBusinessHours(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("json"),
      now,
    );
    return c.json(toHoursDto(row, now), 201);
  })
  .openapi(getHoursRoute, async (c) => {
    const row = await getBusinessHours(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json(toHoursDto(row, c.get("clock").now()), 200);
  })
  .openapi(updateHoursRoute, async (c) => {
    const row = await updateBusinessHours(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(toHoursDto(row, c.get("clock").now()), 200);
  })
  .openapi(deleteHoursRoute, async (c) => {
    await deleteBusinessHours(c.get("db"), c.get("principal").workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(transferRoute, async (c) => {
    const conversation = await transferConversation(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(conversation, 200);
  });
