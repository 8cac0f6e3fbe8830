import type { z } from "@hono/zod-openapi";
import { asc, count, eq, type SQL } from "drizzle-orm";
import { savedViews, teams } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { conflict, forbidden, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import type {
  SavedViewCreate,
  SavedViewFilters,
  SavedViewPatch,
  SavedViewSchema,
} from "../../schemas/saved-views";

type SavedViewRow = typeof savedViews.$inferSelect;
type Filters = z.infer<typeof SavedViewFilters>;

/** Enough for every queue an agent watches; more is a sign of a script gone wrong. */
export const MAX_SAVED_VIEWS = 50;

export const toSavedViewDto = (row: SavedViewRow): z.infer<typeof SavedViewSchema> => ({
  id: row.id,
  name: row.name,
  filters: row.filters as Filters,
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
});

/** Saved views are a person's own: API keys have none. */
function ownerOf(principal: Principal) {
  if (!principal.userId) throw forbidden("Saved views belong to people, not API keys.");
  return { workspaceId: principal.workspaceId, userId: principal.userId };
}

const mine = (principal: Principal, ...more: (SQL | undefined)[]) => {
  const { workspaceId, userId } = ownerOf(principal);
  return inWorkspace(savedViews, workspaceId, eq(savedViews.userId, userId), ...more);
};

export function listSavedViews(db: Db, principal: Principal) {
  return db.query.savedViews.findMany({ where: mine(principal), orderBy: asc(savedViews.name) });
}

async function getSavedView(db: Db, principal: Principal, id: string) {
  const row = await db.query.savedViews.findFirst({
    where: mine(principal, eq(savedViews.id, id)),
  });
  if (!row) throw notFound("Saved view");
  return row;
}

/** A team named in the filters must be one of this workspace's. */
async function checkFilters(db: Db, workspaceId: string, filters: Filters) {
  if (!filters.team_id) return;
  const team = await db.query.teams.findFirst({
    columns: { id: true },
    where: inWorkspace(teams, workspaceId, eq(teams.id, filters.team_id)),
  });
  if (!team) throw validationFailed([{ path: "filters.team_id", message: "no such team" }]);
}

async function nameFree(db: Db, principal: Principal, name: string, except?: string) {
  const taken = await db.query.savedViews.findFirst({
    columns: { id: true },
    where: mine(principal, eq(savedViews.name, name)),
  });
  if (taken && taken.id !== except)
    throw conflict(`You already have a view named "${name}".`, "name");
}

export async function createSavedView(
  db: Db,
  principal: Principal,
  input: z.infer<typeof SavedViewCreate>,
  now: number,
) {
  const owner = ownerOf(principal);
  const [existing] = await db.select({ n: count() }).from(savedViews).where(mine(principal));
  if ((existing?.n ?? 0) >= MAX_SAVED_VIEWS)
    throw conflict(`You have ${MAX_SAVED_VIEWS} saved views: delete one first.`);
  await checkFilters(db, owner.workspaceId, input.filters);
  await nameFree(db, principal, input.name);
  const [row] = await db
    .insert(savedViews)
    .values({
      id: newId("sv", now),
      ...owner,
      name: input.name,
      filters: input.filters,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function updateSavedView(
  db: Db,
  principal: Principal,
  id: string,
  patch: z.infer<typeof SavedViewPatch>,
  now: number,
) {
  const current = await getSavedView(db, principal, id);
  if (patch.filters) await checkFilters(db, principal.workspaceId, patch.filters);
  if (patch.name) await nameFree(db, principal, patch.name, id);
  const [row] = await db
    .update(savedViews)
    .set({ ...patch, updatedAt: now })
    .where(mine(principal, eq(savedViews.id, id)))
    .returning();
  return row ?? current;
}

export async function deleteSavedView(db: Db, principal: Principal, id: string) {
  await getSavedView(db, principal, id);
  await db.delete(savedViews).where(mine(principal, eq(savedViews.id, id)));
}
