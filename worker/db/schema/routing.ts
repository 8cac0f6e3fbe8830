import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { users, workspaceId } from "./workspace";

export const ASSIGNMENT_STRATEGIES = ["manual", "round_robin", "least_busy", "random"] as const;

export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];

export type WeeklyInterval = { day: number; open: string; close: string };

export type Closure = { from: string; to: string; name?: string };

/** Weekly schedules in a timezone, with closures; attached to the workspace, a channel or a team. */
export const businessHours = sqliteTable(
  "business_hours",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    timezone: text("timezone").notNull(),
    weekly: text("weekly", { mode: "json" }).$type<WeeklyInterval[]>().notNull(),
    closures: text("closures", { mode: "json" }).$type<Closure[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [index("business_hours_workspace_idx").on(t.workspaceId, t.id)],
);

/** A queue of conversations with its members, messages and assignment strategy. */
export const teams = sqliteTable(
  "teams",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    welcomeMessage: text("welcome_message"),
    awayMessage: text("away_message"),
    busyMessage: text("busy_message"),
    assignment: text("assignment", { enum: ASSIGNMENT_STRATEGIES }).notNull().default("manual"),
    businessHoursId: text("business_hours_id").references(() => businessHours.id),
    slaFirstResponseMinutes: integer("sla_first_response_minutes"),
    slaResolutionMinutes: integer("sla_resolution_minutes"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("teams_name_idx").on(t.workspaceId, t.name)],
);

export const teamMembers = sqliteTable(
  "team_members",
  {
    workspaceId: workspaceId(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.userId] }),
    index("team_members_user_idx").on(t.workspaceId, t.userId),
  ],
);
