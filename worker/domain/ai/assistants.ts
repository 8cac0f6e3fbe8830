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

/**
 * The enabled assistant that answers a conversation of this team or channel: the team's first,
 * else the channel's; null when none does.
 */
export async function assistantFor(
  db: Db,
  workspaceId: string,
  place: { channelId?: string | null; teamId?: string | null },
) {
  const enabled = await enabledAssistants(db, workspaceId);
  const { channelId, teamId } = place;
  return (
    (teamId ? enabled.find((row) => row.teamIds.includes(teamId)) : undefined) ??
    (channelId ? enabled.find((row) => row.channelIds.includes(channelId)) : undefined) ??
    null
  );
}

type Proposed = Pick<
  AssistantRow,
  "enabled" | "channelIds" | "teamIds" | "teamId" | "collectFields"
> & {
  id: string | null;
};

async function existingIds(
  db: Db,
  workspaceId: string,
  table: typeof channels | typeof teams,
  ids: string[],
) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: table.id })
    .from(table)
    .where(inWorkspace(table, workspaceId, inArray(table.id, unique)));
  return new Set(rows.map((row) => row.id));
}

/**
 * Each place (channel or team) listed at `field` must exist, and no other enabled assistant may
 * answer it.
 */
function placeProblems(
  listed: string[],
  field: "channel_ids" | "team_ids",
  known: Set<string>,
  takenBy: (id: string) => AssistantRow | undefined,
): FieldError[] {
  const noun = field === "channel_ids" ? "channel" : "team";
  return listed.flatMap((id, i) => {
    const path = `${field}.${i}`;
    const taken = takenBy(id);
    return [
      ...(known.has(id) ? [] : [{ path, message: `no such ${noun}` }]),
      ...(taken
        ? [{ path, message: `the assistant “${taken.name}” already answers this ${noun}` }]
        : []),
    ];
  });
}

async function fieldProblems(db: Db, workspaceId: string, collectFields: string[]) {
  const isBuiltIn = (key: string) => (BUILT_IN_FIELDS as readonly string[]).includes(key);
  const custom = collectFields.filter((key) => !isBuiltIn(key));
  const defined = custom.length
    ? await db
        .select({ key: contactFields.key })
        .from(contactFields)
        .where(inWorkspace(contactFields, workspaceId, inArray(contactFields.key, custom)))
    : [];
  const definedKeys = new Set(defined.map((row) => row.key));
  return collectFields.flatMap((key, i) =>
    isBuiltIn(key) || definedKeys.has(key)
      ? []
      : [{ path: `collect_fields.${i}`, message: "no such contact field" }],
  );
}

/**
 * Every reference that does not hold, each at its field: channels and teams (one enabled
 * assistant each), the handoff team, the fields to collect.
 */
async function problems(db: Db, workspaceId: string, proposed: Proposed) {
  const handoffTeam = proposed.teamId ? [proposed.teamId] : [];
  const [knownChannels, knownTeams] = await Promise.all([
    existingIds(db, workspaceId, channels, proposed.channelIds),
    existingIds(db, workspaceId, teams, [...proposed.teamIds, ...handoffTeam]),
  ]);
  const others = proposed.enabled
    ? (await listAssistants(db, workspaceId)).filter((a) => a.enabled && a.id !== proposed.id)
    : [];
  return [
    ...placeProblems(proposed.channelIds, "channel_ids", knownChannels, (id) =>
      others.find((a) => a.channelIds.includes(id)),
    ),
    ...placeProblems(proposed.teamIds, "team_ids", knownTeams, (id) =>
      others.find((a) => a.teamIds.includes(id)),
    ),
    ...(proposed.teamId && !knownTeams.has(proposed.teamId)
      ? [{ path: "team_id", message: "no such team" }]
      : []),
    ...(await fieldProblems(db, workspaceId, proposed.collectFields)),
  ];
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
