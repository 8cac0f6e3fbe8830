import type { Role } from "../db/schema";

const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3, owner: 4 };

export const roleAtLeast = (role: Role, minimum: Role) => RANK[role] >= RANK[minimum];

/** The lesser of two roles: what a key may do when its creator may do less. */
export const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);
