import type { z } from "@hono/zod-openapi";
import { asc, eq, inArray, isNull } from "drizzle-orm";
import { readInChunks, rowChunks } from "../../db/chunks";
import { writeTogether } from "../../db/client";
import {
  businessHours,
  channels,
  conversations,
  memberships,
  teamMembers,
  teams,
  workspaces,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import type {
  BusinessHoursCreate,
  BusinessHoursPatch,
  ChannelRoutingSchema,
  TeamCreate,
  TeamPatch,
  WorkspaceSettings,
} from "../../schemas/teams";
import { record } from "../events/record";
import { actorName, assignConversation, checkAssignee } from "../messaging/conversation-actions";
import { getConversation } from "../messaging/conversations";
import { conversationStub, hubFor } from "../messaging/stubs";
import { isOpen, nextOpening } from "./hours";

type TeamRow = typeof teams.$inferSelect;
type HoursRow = typeof businessHours.$inferSelect;

export const toTeamDto = (row: TeamRow, memberIds: string[]) => ({
  id: row.id,
  name: row.name,
  welcome_message: row.welcomeMessage,
  away_message: row.awayMessage,
  busy_message: row.busyMessage,
  assignment: row.assignment,
  business_hours_id: row.businessHoursId,
  sla_first_response_minutes: row.slaFirstResponseMinutes,
  sla_resolution_minutes: row.slaResolutionMinutes,
  member_ids: memberIds,
  created_at: toIso(row.createdAt),
});

export const toHoursDto = (row: HoursRow, now: number) => {
  const next = nextOpening(row, now);
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    weekly: row.weekly,
    closures: row.closures,
    open_now: isOpen(row, now),
    next_opening: next === null ? null : toIso(next),
  };
};

async function membersOf(db: Db, workspaceId: string, teamIds: string[]) {
  const rows = await readInChunks(teamIds, (chunk) =>
    db
      .select()
      .from(teamMembers)
      .where(inWorkspace(teamMembers, workspaceId, inArray(teamMembers.teamId, chunk)))
      .orderBy(asc(teamMembers.userId)),
  );
  const byTeam = new Map<string, string[]>();
  for (const r of rows) byTeam.set(r.teamId, [...(byTeam.get(r.teamId) ?? []), r.userId]);
  return byTeam;
}

export async function listTeams(db: Db, workspaceId: string) {
  const rows = await db.query.teams.findMany({
    where: inWorkspace(teams, workspaceId),
    orderBy: asc(teams.name),
  });
  const members = await membersOf(
    db,
    workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toTeamDto(r, members.get(r.id) ?? []));
}

export async function getTeam(db: Db, workspaceId: string, id: string) {
  const row = await db.query.teams.findFirst({
    where: inWorkspace(teams, workspaceId, eq(teams.id, id)),
  });
  if (!row) throw notFound("Team");
  return toTeamDto(row, (await membersOf(db, workspaceId, [id])).get(id) ?? []);
}

async function checkMembers(db: Db, workspaceId: string, userIds: string[]) {
  const found = await readInChunks(userIds, (chunk) =>
    db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(inWorkspace(memberships, workspaceId, inArray(memberships.userId, chunk))),
  );
  const known = new Set(found.map((f) => f.userId));
  const unknown = userIds.findIndex((id) => !known.has(id));
  if (unknown >= 0)
    throw validationFailed([
      { path: `member_ids.${unknown}`, message: "not a member of this workspace" },
    ]);
}

async function checkHours(db: Db, workspaceId: string, id: string | null | undefined) {
  if (!id) return;
  const row = await db.query.businessHours.findFirst({
    where: inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)),
  });
  if (!row)
    throw validationFailed([{ path: "business_hours_id", message: "no such business hours" }]);
}

/** The statements that make `userIds` the team's members, to run in one batch. */
function memberWrites(db: Db, workspaceId: string, teamId: string, userIds: string[]) {
  const rows = [...new Set(userIds)].map((userId) => ({ workspaceId, teamId, userId }));
  return [
    db
      .delete(teamMembers)
      .where(inWorkspace(teamMembers, workspaceId, eq(teamMembers.teamId, teamId))),
    ...rowChunks(teamMembers, rows).map((chunk) => db.insert(teamMembers).values(chunk)),
  ];
}

const teamColumns = (input: z.infer<typeof TeamPatch>) => ({
  ...(input.name !== undefined ? { name: input.name } : {}),
  ...(input.welcome_message !== undefined ? { welcomeMessage: input.welcome_message } : {}),
  ...(input.away_message !== undefined ? { awayMessage: input.away_message } : {}),
  ...(input.busy_message !== undefined ? { busyMessage: input.busy_message } : {}),
  ...(input.assignment !== undefined ? { assignment: input.assignment } : {}),
  ...(input.business_hours_id !== undefined ? { businessHoursId: input.business_hours_id } : {}),
  ...(input.sla_first_response_minutes !== undefined
    ? { slaFirstResponseMinutes: input.sla_first_response_minutes }
    : {}),
  ...(input.sla_resolution_minutes !== undefined
    ? { slaResolutionMinutes: input.sla_resolution_minutes }
    : {}),
});

async function nameFree(db: Db, workspaceId: string, name: string, except?: string) {
  const taken = await db.query.teams.findFirst({
    where: inWorkspace(teams, workspaceId, eq(teams.name, name)),
  });
  if (taken && taken.id !== except) throw conflict(`A team named "${name}" exists.`, "name");
}

export async function createTeam(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof TeamCreate>,
  now: number,
) {
  await nameFree(db, workspaceId, input.name);
  await checkMembers(db, workspaceId, input.member_ids);
  await checkHours(db, workspaceId, input.business_hours_id);
  const id = newId("team", now);
  await db.batch([
    db
      .insert(teams)
      .values({ id, workspaceId, name: input.name, createdAt: now, ...teamColumns(input) }),
    ...memberWrites(db, workspaceId, id, input.member_ids),
  ]);
  return getTeam(db, workspaceId, id);
}

export async function updateTeam(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  input: z.infer<typeof TeamPatch>,
) {
  await getTeam(db, workspaceId, id);
  if (input.name) await nameFree(db, workspaceId, input.name, id);
  if (input.member_ids) await checkMembers(db, workspaceId, input.member_ids);
  await checkHours(db, workspaceId, input.business_hours_id);
  const columns = teamColumns(input);
  const where = inWorkspace(teams, workspaceId, eq(teams.id, id));
  await writeTogether(db, [
    ...(Object.keys(columns).length ? [db.update(teams).set(columns).where(where)] : []),
    ...(input.member_ids ? memberWrites(db, workspaceId, id, input.member_ids) : []),
  ]);
  // new members or a new strategy may let waiting conversations through
  await hubFor(env, workspaceId).assignWaiting(workspaceId, id);
  return getTeam(db, workspaceId, id);
}

export async function deleteTeam(db: Db, workspaceId: string, id: string) {
  await getTeam(db, workspaceId, id);
  await db.batch([
    db
      .update(conversations)
      .set({ teamId: null })
      .where(inWorkspace(conversations, workspaceId, eq(conversations.teamId, id))),
    db.delete(teams).where(inWorkspace(teams, workspaceId, eq(teams.id, id))),
  ]);
}

export async function createBusinessHours(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof BusinessHoursCreate>,
  now: number,
) {
  const [row] = await db
    .insert(businessHours)
    .values({ id: newId("bh", now), workspaceId, ...input, createdAt: now })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export const listBusinessHours = (db: Db, workspaceId: string) =>
  db.query.businessHours.findMany({
    where: inWorkspace(businessHours, workspaceId),
    orderBy: asc(businessHours.name),
  });

export async function getBusinessHours(db: Db, workspaceId: string, id: string) {
  const row = await db.query.businessHours.findFirst({
    where: inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)),
  });
  if (!row) throw notFound("Business hours");
  return row;
}

export async function updateBusinessHours(
  db: Db,
  workspaceId: string,
  id: string,
  input: z.infer<typeof BusinessHoursPatch>,
) {
  await getBusinessHours(db, workspaceId, id);
  const values = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (Object.keys(values).length)
    await db
      .update(businessHours)
      .set(values)
      .where(inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)));
  return getBusinessHours(db, workspaceId, id);
}

/** Who follows a schedule: the workspace, its teams and its channels, by name. */
async function usersOfHours(db: Db, workspaceId: string, id: string) {
  const [workspace, teamRows, channelRows] = await Promise.all([
    db.query.workspaces.findFirst({ where: eq(workspaces.id, workspaceId) }),
    db.query.teams.findMany({
      columns: { name: true },
      where: inWorkspace(teams, workspaceId, eq(teams.businessHoursId, id)),
    }),
    db.query.channels.findMany({
      columns: { name: true, routing: true },
      where: inWorkspace(channels, workspaceId, isNull(channels.deletedAt)),
    }),
  ]);
  return [
    ...(workspace?.businessHoursId === id ? ["the workspace"] : []),
    ...teamRows.map((t) => `team "${t.name}"`),
    ...channelRows
      .filter((c) => c.routing?.business_hours_id === id)
      .map((c) => `channel "${c.name}"`),
  ];
}

/** Deletes a schedule nobody follows; one still in use is refused, naming who uses it. */
export async function deleteBusinessHours(db: Db, workspaceId: string, id: string) {
  await getBusinessHours(db, workspaceId, id);
  const usedBy = await usersOfHours(db, workspaceId, id);
  if (usedBy.length)
    throw conflict(`These hours are used by ${usedBy.join(", ")}; give them other hours first.`);
  await db
    .delete(businessHours)
    .where(inWorkspace(businessHours, workspaceId, eq(businessHours.id, id)));
}

/**
 * Moves a conversation to a team and/or agent, with an optional note for the next person.
 * Sent to a team without an agent, it waits there for auto-assignment.
 */
export async function transferConversation(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  target: {
    team_id?: string | null | undefined;
    user_id?: string | null | undefined;
    note?: string | undefined;
  },
) {
  const current = await getConversation(db, principal.workspaceId, id);
  const teamId = target.team_id === undefined ? current.team_id : target.team_id;
  const assignee =
    target.user_id !== undefined
      ? target.user_id
      : target.team_id !== undefined
        ? null
        : current.assignee_id;
  // everything is checked before the note, the team or the assignee is written
  await checkTeams(db, principal.workspaceId, [["team_id", teamId]]);
  if (assignee && assignee !== current.assignee_id)
    await checkAssignee(db, principal.workspaceId, assignee);
  const name = await actorName(db, principal);
  if (target.note)
    await conversationStub(env, id).append({
      kind: "note",
      sender: { type: "agent", id: principal.userId, name },
      text: target.note,
    });
  if (teamId !== current.team_id) {
    await db
      .update(conversations)
      .set({ teamId })
      .where(inWorkspace(conversations, principal.workspaceId, eq(conversations.id, id)));
    await conversationStub(env, id).append({
      kind: "event",
      sender: { type: "system", id: principal.userId, name },
      event: {
        type: "transferred",
        data: {
          from_team: current.team_id,
          to_team: teamId,
          ...(target.note ? { note: target.note } : {}),
        },
      },
    });
  }
  await assignConversation(db, env, principal, id, assignee);
  if (teamId && assignee === null)
    await hubFor(env, principal.workspaceId).assignWaiting(principal.workspaceId, teamId);
  const conversation = await getConversation(db, principal.workspaceId, id);
  await record({ db, env }, principal.workspaceId, {
    type: "conversation.transferred",
    conversation,
    from_team: current.team_id,
    to_team: teamId,
  });
  return conversation;
}

/** Each [path, team id] must name a team of the workspace. */
async function checkTeams(
  db: Db,
  workspaceId: string,
  refs: [string, string | null | undefined][],
) {
  for (const [path, id] of refs) {
    if (!id) continue;
    const row = await db.query.teams.findFirst({
      where: inWorkspace(teams, workspaceId, eq(teams.id, id)),
    });
    if (!row) throw validationFailed([{ path, message: "no such team" }]);
  }
}

/** Where a channel's new conversations go; checked against the workspace's teams and hours. */
export async function setChannelRouting(
  db: Db,
  workspaceId: string,
  channelId: string,
  routing: z.infer<typeof ChannelRoutingSchema>,
) {
  await checkTeams(db, workspaceId, [["team_id", routing.team_id]]);
  await checkHours(db, workspaceId, routing.business_hours_id);
  if (routing.menu) {
    await checkTeams(db, workspaceId, [
      ...routing.menu.options.map((o, i): [string, string] => [
        `menu.options.${i}.team_id`,
        o.team_id,
      ]),
      ["menu.default_team_id", routing.menu.default_team_id],
    ]);
  }
  const [row] = await db
    .update(channels)
    .set({ routing })
    .where(inWorkspace(channels, workspaceId, eq(channels.id, channelId)))
    .returning({ routing: channels.routing });
  if (!row) throw notFound("Channel");
  return row.routing ?? {};
}

export async function workspaceSettings(db: Db, workspaceId: string) {
  const row = await db.query.workspaces.findFirst({ where: eq(workspaces.id, workspaceId) });
  if (!row) throw notFound("Workspace");
  return {
    name: row.name,
    timezone: row.timezone,
    default_country: row.defaultCountry,
    language: row.language,
    business_hours_id: row.businessHoursId,
    close_reasons: row.closeReasons,
    require_close_note: row.requireCloseNote,
  };
}

const settingsColumns = (input: z.infer<typeof WorkspaceSettings>) => ({
  ...(input.name !== undefined ? { name: input.name } : {}),
  ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
  ...(input.default_country !== undefined ? { defaultCountry: input.default_country } : {}),
  ...(input.language !== undefined ? { language: input.language } : {}),
  ...(input.business_hours_id !== undefined ? { businessHoursId: input.business_hours_id } : {}),
  ...(input.close_reasons !== undefined ? { closeReasons: input.close_reasons } : {}),
  ...(input.require_close_note !== undefined ? { requireCloseNote: input.require_close_note } : {}),
});

export async function updateWorkspaceSettings(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof WorkspaceSettings>,
) {
  await checkHours(db, workspaceId, input.business_hours_id);
  const values = settingsColumns(input);
  if (Object.keys(values).length)
    await db.update(workspaces).set(values).where(eq(workspaces.id, workspaceId));
  return workspaceSettings(db, workspaceId);
}
