import type { z } from "@hono/zod-openapi";
import { and, asc, eq, inArray } from "drizzle-orm";
import { aiAssistants, channels, contactFields, teams } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { type FieldError, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import {
  ASSISTANT_DEFAULTS,
  type AssistantCreate,
  type AssistantDto,
  type AssistantInput,
} from "../../schemas/assistants";
import { toIso } from "../../schemas/common";

export type AssistantRow = typeof aiAssistants.$inferSelect;

/** Contact fields every contact has; the rest are the workspace's custom fields. */
export const BUILT_IN_FIELDS = ["name", "email", "phone"] as const;

export const toAssistantDto = (row: AssistantRow): AssistantDto => ({
  id: row.id,
  name: row.name,
  enabled: row.enabled,
  instructions: row.instructions,
  channel_ids: row.channelIds,
  team_ids: row.teamIds,
  team_id: row.teamId,
  activation: row.activation,
  keywords: row.keywords,
  handoff_enabled: row.handoffEnabled,
  handoff_message: row.handoffMessage,
  no_handoff_message: row.noHandoffMessage,
  max_turns: row.maxTurns,
  collect_fields: row.collectFields,
  resolve_closes: row.resolveCloses,
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
});

const assistantKey = (workspaceId: string, id: string) =>
  inWorkspace(aiAssistants, workspaceId, eq(aiAssistants.id, id));

export async function listAssistants(db: Db, workspaceId: string) {
  return db
    .select()
    .from(aiAssistants)
    .where(inWorkspace(aiAssistants, workspaceId))
    .orderBy(asc(aiAssistants.id));
}

export async function findAssistant(db: Db, workspaceId: string, id: string) {
  const [row] = await db.select().from(aiAssistants).where(assistantKey(workspaceId, id));
  return row ?? null;
}

export async function getAssistant(db: Db, workspaceId: string, id: string) {
  const row = await findAssistant(db, workspaceId, id);
  if (!row) throw notFound("Assistant");
  return row;
}

const enabledAssistants = (db: Db, workspaceId: string) =>
  db
    .select()
    .from(aiAssistants)
    .where(inWorkspace(aiAssistants, workspaceId, eq(aiAssistants.enabled, true)));

/** The enabled assistant that takes the channel's new conversations, if any. */
export async function assistantForChannel(db: Db, workspaceId: string, channelId: string) {
  const enabled = await enabledAssistants(db, workspaceId);
  return enabled.find((row) => row.channelIds.includes(channelId)) ?? null;
}

/** The enabled assistant that takes new conversations routed to the team, if any. */
export async function assistantForTeam(db: Db, workspaceId: string, teamId: string) {
  const enabled = await enabledAssistants(db, workspaceId);
  return enabled.find((row) => row.teamIds.includes(teamId)) ?? null;
}

/** The assistant that answers a conversation: its team's, else its channel's. */
export async function assistantFor(
  db: Db,
  workspaceId: string,
  conversation: { channelId: string; teamId: string | null },
) {
  const enabled = await enabledAssistants(db, workspaceId);
  const { channelId, teamId } = conversation;
  return (
    (teamId ? enabled.find((row) => row.teamIds.includes(teamId)) : undefined) ??
    enabled.find((row) => row.channelIds.includes(channelId)) ??
    null
  );
}

type Proposed = Pick<
  AssistantRow,
  "enabled" | "channelIds" | "teamIds" | "teamId" | "collectFields"
> & {
  id: string | null;
};

/** Every reference that does not hold, each at its field: channels, team, fields, one per channel. */
async function problems(db: Db, workspaceId: string, proposed: Proposed) {
  const errors: FieldError[] = [];
  const ids = [...new Set(proposed.channelIds)];
  const known = ids.length
    ? await db
        .select({ id: channels.id })
        .from(channels)
        .where(inWorkspace(channels, workspaceId, inArray(channels.id, ids)))
    : [];
  const knownIds = new Set(known.map((row) => row.id));
  const others = proposed.enabled
    ? (await listAssistants(db, workspaceId)).filter((a) => a.enabled && a.id !== proposed.id)
    : [];
  proposed.channelIds.forEach((id, i) => {
    const path = `channel_ids.${i}`;
    if (!knownIds.has(id)) errors.push({ path, message: "no such channel" });
    const taken = others.find((a) => a.channelIds.includes(id));
    if (taken)
      errors.push({ path, message: `the assistant “${taken.name}” already answers this channel` });
  });
  const teamIds = [
    ...new Set([...proposed.teamIds, ...(proposed.teamId ? [proposed.teamId] : [])]),
  ];
  const knownTeams = teamIds.length
    ? await db
        .select({ id: teams.id })
        .from(teams)
        .where(inWorkspace(teams, workspaceId, inArray(teams.id, teamIds)))
    : [];
  const knownTeamIds = new Set(knownTeams.map((row) => row.id));
  proposed.teamIds.forEach((id, i) => {
    const path = `team_ids.${i}`;
    if (!knownTeamIds.has(id)) errors.push({ path, message: "no such team" });
    const taken = others.find((a) => a.teamIds.includes(id));
    if (taken)
      errors.push({ path, message: `the assistant “${taken.name}” already answers this team` });
  });
  if (proposed.teamId && !knownTeamIds.has(proposed.teamId))
    errors.push({ path: "team_id", message: "no such team" });
  const custom = proposed.collectFields.filter(
    (key) => !(BUILT_IN_FIELDS as readonly string[]).includes(key),
  );
  const defined = custom.length
    ? await db
        .select({ key: contactFields.key })
        .from(contactFields)
        .where(inWorkspace(contactFields, workspaceId, inArray(contactFields.key, custom)))
    : [];
  const definedKeys = new Set(defined.map((row) => row.key));
  proposed.collectFields.forEach((key, i) => {
    if (!(BUILT_IN_FIELDS as readonly string[]).includes(key) && !definedKeys.has(key))
      errors.push({ path: `collect_fields.${i}`, message: "no such contact field" });
  });
  return errors;
}

function valuesOf(input: AssistantInput) {
  const values: Partial<AssistantRow> = {
    name: input.name,
    enabled: input.enabled,
    instructions: input.instructions,
    channelIds: input.channel_ids ? [...new Set(input.channel_ids)] : undefined,
    teamIds: input.team_ids ? [...new Set(input.team_ids)] : undefined,
    teamId: input.team_id,
    activation: input.activation,
    keywords: input.keywords,
    handoffEnabled: input.handoff_enabled,
    handoffMessage: input.handoff_message,
    noHandoffMessage: input.no_handoff_message,
    maxTurns: input.max_turns,
    collectFields: input.collect_fields ? [...new Set(input.collect_fields)] : undefined,
    resolveCloses: input.resolve_closes,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

function keywordProblem(activation: AssistantRow["activation"], keywords: string[]) {
  return activation === "keyword" && keywords.length === 0
    ? [{ path: "keywords", message: "keyword activation needs at least one keyword" }]
    : [];
}

export async function createAssistant(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof AssistantCreate>,
  now: number,
) {
  const row: AssistantRow = {
    id: newId("ast", now),
    workspaceId,
    name: input.name,
    enabled: input.enabled ?? true,
    instructions: input.instructions ?? "",
    channelIds: [...new Set(input.channel_ids ?? [])],
    teamIds: [...new Set(input.team_ids ?? [])],
    teamId: input.team_id ?? null,
    activation: input.activation ?? "always",
    keywords: input.keywords ?? [],
    handoffEnabled: input.handoff_enabled ?? true,
    handoffMessage: input.handoff_message ?? ASSISTANT_DEFAULTS.handoff_message,
    noHandoffMessage: input.no_handoff_message ?? ASSISTANT_DEFAULTS.no_handoff_message,
    maxTurns: input.max_turns ?? ASSISTANT_DEFAULTS.max_turns,
    collectFields: [...new Set(input.collect_fields ?? [])],
    resolveCloses: input.resolve_closes ?? true,
    createdAt: now,
    updatedAt: now,
  };
  const errors = [
    ...(await problems(db, workspaceId, { ...row, id: null })),
    ...keywordProblem(row.activation, row.keywords),
  ];
  if (errors.length) throw validationFailed(errors);
  await db.insert(aiAssistants).values(row);
  return row;
}

export async function updateAssistant(
  db: Db,
  workspaceId: string,
  id: string,
  input: AssistantInput,
  now: number,
) {
  const current = await getAssistant(db, workspaceId, id);
  const next = { ...current, ...valuesOf(input), updatedAt: now } as AssistantRow;
  const errors = [
    ...(await problems(db, workspaceId, next)),
    ...keywordProblem(next.activation, next.keywords),
  ];
  if (errors.length) throw validationFailed(errors);
  const [row] = await db
    .update(aiAssistants)
    .set({ ...valuesOf(input), updatedAt: now })
    .where(assistantKey(workspaceId, id))
    .returning();
  if (!row) throw notFound("Assistant");
  return row;
}

/** Conversations it was answering go on with people; their `ai` keeps the assistant's id. */
export async function deleteAssistant(db: Db, workspaceId: string, id: string) {
  await getAssistant(db, workspaceId, id);
  await db
    .delete(aiAssistants)
    .where(and(eq(aiAssistants.workspaceId, workspaceId), eq(aiAssistants.id, id)));
}
