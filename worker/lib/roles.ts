import type { Role } from "../db/schema";

const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3, owner: 4 };

export const roleAtLeast = (role: Role, minimum: Role) => RANK[role] >= RANK[minimum];
