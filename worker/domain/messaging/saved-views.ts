import type { z } from "@hono/zod-openapi";
import { asc, count, eq, type SQL } from "drizzle-orm";
import { channels, contacts, type SavedViewScreen, savedViews, teams } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { conflict, forbidden, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import type { OutboundFilters } from "../../schemas/outbound-messages";
import type { SavedViewFilters } from "../../schemas/saved-views";

type SavedViewRow = typeof savedViews.$inferSelect;
type Filters = z.infer<typeof SavedViewFilters> | z.infer<typeof OutboundFilters>;
type Input = { name: string; filters: Filters };

/** Enough for every queue an agent watches; more is a sign of a script gone wrong. */
export const MAX_SAVED_VIEWS = 50;

/** Saved views of the inbox, or saved filters of the sent-message history: a person's own. */
export const toSavedViewDto = <F extends Filters>(row: SavedViewRow) => ({
  id: row.id,
  name: row.name,
  filters: row.filters as F,
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
});

/** Saved views are a person's own: API keys have none. */
function ownerOf(principal: Principal) {
  if (!principal.userId) throw forbidden("Saved views belong to people, not API keys.");
  return { workspaceId: principal.workspaceId, userId: principal.userId };
}

const mine = (principal: Principal, screen: SavedViewScreen, ...more: (SQL | undefined)[]) => {
  const { workspaceId, userId } = ownerOf(principal);
  return inWorkspace(
    savedViews,
    workspaceId,
    eq(savedViews.userId, userId),
    eq(savedViews.screen, screen),
    ...more,
  );
};

export function listSavedViews(db: Db, principal: Principal, screen: SavedViewScreen) {
  return db.query.savedViews.findMany({
    where: mine(principal, screen),
    orderBy: asc(savedViews.name),
  });
}

async function getSavedView(db: Db, principal: Principal, screen: SavedViewScreen, id: string) {
  const row = await db.query.savedViews.findFirst({
    where: mine(principal, screen, eq(savedViews.id, id)),
  });
  if (!row) throw notFound(screen === "inbox" ? "Saved view" : "Saved filter");
  return row;
}

/** Rows the filters name (a team, a channel, a contact) must be this workspace's. */
async function checkFilters(db: Db, workspaceId: string, filters: Filters) {
  const named = [
    ["team_id", teams],
    ["channel_id", channels],
    ["contact_id", contacts],
  ] as const;
  for (const [field, table] of named) {
    const id = (filters as Record<string, string | undefined>)[field];
    if (!id) continue;
    const [row] = await db
      .select({ id: table.id })
      .from(table)
      .where(inWorkspace(table, workspaceId, eq(table.id, id)));
    if (!row) throw validationFailed([{ path: `filters.${field}`, message: "not found" }]);
  }
}

async function nameFree(
  db: Db,
  principal: Principal,
  screen: SavedViewScreen,
  name: string,
  except?: string,
) {
  const taken = await db.query.savedViews.findFirst({
    columns: { id: true },
    where: mine(principal, screen, eq(savedViews.name, name)),
  });
  if (taken && taken.id !== except)
    throw conflict(`You already have a view named "${name}".`, "name");
}

export async function createSavedView(
  db: Db,
  principal: Principal,
  screen: SavedViewScreen,
  input: Input,
  now: number,
) {
  const owner = ownerOf(principal);
  const [existing] = await db
    .select({ n: count() })
    .from(savedViews)
    .where(mine(principal, screen));
  if ((existing?.n ?? 0) >= MAX_SAVED_VIEWS)
    throw conflict(`You have ${MAX_SAVED_VIEWS} saved views: delete one first.`);
  await checkFilters(db, owner.workspaceId, input.filters);
  await nameFree(db, principal, screen, input.name);
  const [row] = await db
    .insert(savedViews)
    .values({
      id: newId(screen === "inbox" ? "sv" : "sf", now),
      ...owner,
      screen,
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
  screen: SavedViewScreen,
  id: string,
  patch: Partial<Input>,
  now: number,
) {
  const current = await getSavedView(db, principal, screen, id);
  if (patch.filters) await checkFilters(db, principal.workspaceId, patch.filters);
  if (patch.name) await nameFree(db, principal, screen, patch.name, id);
  const [row] = await db
    .update(savedViews)
    .set({ ...patch, updatedAt: now })
    .where(mine(principal, screen, eq(savedViews.id, id)))
    .returning();
  return row ?? current;
}

export async function deleteSavedView(
  db: Db,
  principal: Principal,
  screen: SavedViewScreen,
  id: string,
) {
  await getSavedView(db, principal, screen, id);
  await db.delete(savedViews).where(mine(principal, screen, eq(savedViews.id, id)));
}
