import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import type { Member } from "../domain/users";
import { Timestamp, toIso } from "./common";

export const Password = z.string().min(8).max(256);

export const RoleSchema = z.enum(ROLES).openapi("Role");

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    active: z.boolean(),
    invitation_pending: z.boolean(),
    created_at: Timestamp,
  })
  .openapi("User");

export const toUserDto = (m: Member) => ({
  id: m.id,
  email: m.email,
  name: m.name,
  role: m.role,
  active: m.active,
  invitation_pending: m.invitePending !== null,
  created_at: toIso(m.createdAt),
});
