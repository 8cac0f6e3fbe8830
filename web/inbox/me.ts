import type { components } from "../../client/schema";

/** Who is signed in, as `GET /api/v1/me` answers: the person, their role and their workspaces. */
export type Me = components["schemas"]["Me"];
export type WorkspaceChoice = components["schemas"]["WorkspaceChoice"];
