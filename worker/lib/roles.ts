import type { Role } from "../db/schema";
import type { Principal } from "./context";
import { forbidden } from "./errors";

const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3, owner: 4 };

export const roleAtLeast = (role: Role, minimum: Role) => RANK[role] >= RANK[minimum];

/** Nobody grants a role above their own (to a member, an invitation or an API key). */
export function assertMayGrant(actor: Principal, role: Role) {
  if (!roleAtLeast(actor.role, role)) throw forbidden(`You cannot grant the ${role} role.`);
}

/** The lesser of two roles: what a key may do when its creator may do less. */
export const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);
