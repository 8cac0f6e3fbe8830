import type { z } from "@hono/zod-openapi";
import { asc, eq, inArray } from "drizzle-orm";
import { readInChunks, rowChunks } from "../../db/chunks";
import { writeTogether } from "../../db/client";
import { conversations, memberships, teamMembers, teams } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import type { TeamCreate, TeamPatch } from "../../schemas/teams";
import { hubFor } from "../messaging/stubs";
import { checkHours } from "./business-hours";

type TeamRow = typeof teams.$inferSelect;

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

/** Each [path, team id] must name a team of the workspace. */
export async function checkTeams(
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
