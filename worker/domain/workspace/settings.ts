import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { workspaces } from "../../db/schema";
import type { Db } from "../../lib/context";
import { notFound } from "../../lib/errors";
import type { WorkspaceSettings } from "../../schemas/teams";
import { checkHours } from "../routing/business-hours";

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
