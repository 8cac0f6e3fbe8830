import { z } from "@hono/zod-openapi";
import { singleLine, Timestamp } from "./common";
import { ConversationListQuery } from "./conversations";

const listFields = ConversationListQuery.shape;

/** The inbox filters a saved view applies: the list's own query parameters. */
export const SavedViewFilters = z
  .strictObject({
    view: listFields.view,
    status: listFields.status,
    team_id: listFields.team_id,
    label: listFields.label,
    sort: listFields.sort,
  })
  .openapi("SavedViewFilters");

const Name = z.string().trim().min(1).max(60).check(singleLine);

export const SavedViewCreate = z
  .strictObject({ name: Name, filters: SavedViewFilters })
  .openapi("SavedViewCreate");

export const SavedViewPatch = z
  .strictObject({ name: Name.optional(), filters: SavedViewFilters.optional() })
  .refine((patch) => patch.name !== undefined || patch.filters !== undefined, {
    message: "change the name, the filters or both",
    path: ["name"],
  })
  .openapi("SavedViewPatch");

export const SavedViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    filters: SavedViewFilters,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("SavedView");
