import { and, eq, inArray } from "drizzle-orm";
import { memberships, workspaces } from "../../db/schema";
import type { Db, Principal } from "../../lib/context";
import { roleAtLeast } from "../../lib/roles";

/**
 * The workspaces of the caller's organization whose reports they may read: where they are an
 * active member with a supervisor's role or higher. Without a person (Conversa itself), only the
 * current workspace.
 */
export async function reportableWorkspaces(db: Db, principal: Principal) {
  const current = await db.query.workspaces.findFirst({
    columns: { id: true, name: true, organizationId: true },
    where: eq(workspaces.id, principal.workspaceId),
  });
  if (!current) return [];
  if (!principal.userId) return [{ id: current.id, name: current.name }];
  const ofOrganization = db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.organizationId, current.organizationId));
  const rows = await db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(
      and(
        inArray(memberships.workspaceId, ofOrganization),
        eq(memberships.userId, principal.userId),
        eq(memberships.active, true),
      ),
    )
    .orderBy(workspaces.name, workspaces.id);
  return rows
    .filter((row) => roleAtLeast(row.role, "supervisor"))
    .map(({ id, name }) => ({ id, name }));
}
