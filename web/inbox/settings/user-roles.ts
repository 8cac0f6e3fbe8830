import type { components } from "../../../client/schema";
import { type Tone, t } from "../../shared/ui";

export type User = NonNullable<components["schemas"]["User"]>;
export type Team = components["schemas"]["Team"];
export type Invitation = components["schemas"]["Invitation"];
export type Role = User["role"];

const ROLES: Role[] = ["agent", "supervisor", "admin", "owner"];
export const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3, owner: 4 };
export const ROLE_TONE: Record<Role, Tone> = {
  owner: "solid",
  admin: "primary",
  supervisor: "warning",
  agent: "neutral",
};

/** The roles someone may give: none above their own. */
export const grantable = (mine: Role) =>
  ROLES.filter((r) => RANK[r] <= RANK[mine]).map((r) => ({
    value: r,
    label: t(`users.role.${r}`),
  }));
