import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { UI_LANGUAGES } from "../../schemas/languages";
import { createdAt, millis } from "./columns";

export const ROLES = ["owner", "admin", "supervisor", "agent"] as const;

export type Role = (typeof ROLES)[number];

export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const workspaces = sqliteTable(
  "workspaces",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    /** ISO 3166 country used to read phone numbers written without a +country prefix. */
    defaultCountry: text("default_country").notNull().default("US"),
    timezone: text("timezone").notNull().default("UTC"),
    /** The apps' language for people who have not chosen their own; null follows each browser. */
    language: text("language", { enum: UI_LANGUAGES }),
    /** The workspace's business hours, unless a channel or team has its own. */
    businessHoursId: text("business_hours_id"),
    /** Categories an agent picks when closing; with `requireCloseNote`, a note is needed too. */
    closeReasons: text("close_reasons", { mode: "json" }).$type<string[]>().notNull().default([]),
    requireCloseNote: integer("require_close_note", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("workspaces_organization_idx").on(t.organizationId)],
);

/** The tenant column every workspace-owned row carries. */
export const workspaceId = () =>
  text("workspace_id")
    .notNull()
    .references(() => workspaces.id);

/**
 * A person who can sign in. Their identity (email, name, password) belongs to them: a workspace
 * owns only their membership and never reads or changes these columns.
 */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  /** lower-cased */
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  /**
   * `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`. Null only on rows made for invitations
   * before invitations had their own table: accepting one for that email creates the account.
   */
  passwordHash: text("password_hash"),
  /** The language the person reads the app in; null follows their browser. */
  language: text("language", { enum: UI_LANGUAGES }),
  /** What the inbox notifies them of; null means the defaults. */
  notificationPrefs: text("notification_prefs", { mode: "json" }).$type<NotificationPrefs>(),
  createdAt: createdAt(),
});

export type NotificationPrefs = {
  sound: boolean;
  desktop: boolean;
  new_conversations: boolean;
  my_messages: boolean;
};

export const memberships = sqliteTable(
  "memberships",
  {
    workspaceId: workspaceId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ROLES }).notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    presence: text("presence", { enum: ["online", "away", "offline"] })
      .notNull()
      .default("offline"),
    /** Auto-assignment gives an agent at most this many open conversations. */
    capacity: integer("capacity").notNull().default(5),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
  ],
);

/**
 * An offer of a membership in one workspace, accepted with its one-time token. It never touches
 * an existing person: accepting for an email that has an account needs that account's sign-in.
 */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    /** lower-cased */
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    /** sha-256 of the one-time token; sending the invitation again replaces it. */
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: millis("expires_at").notNull(),
    /** The person who invited (for an API key, the person behind it). */
    invitedBy: text("invited_by").references(() => users.id),
    acceptedAt: millis("accepted_at"),
    acceptedBy: text("accepted_by").references(() => users.id),
    revokedAt: millis("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("invitations_workspace_idx").on(t.workspaceId, t.id),
    // one open invitation per email and workspace
    uniqueIndex("invitations_open_idx")
      .on(t.workspaceId, t.email)
      .where(sql`accepted_at IS NULL AND revoked_at IS NULL`),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** sha-256 of the cookie value: a leaked table grants no session. */
    idHash: text("id_hash").primaryKey(),
    workspaceId: workspaceId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    expiresAt: millis("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user_idx").on(t.userId, t.workspaceId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    /** First characters of the key, shown in lists so people can tell keys apart. */
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    /** The most it may do; the creator's current role in the workspace caps it. */
    role: text("role", { enum: ROLES }).notNull(),
    /** The person the key acts for (a key made with a key acts for the same person). */
    createdBy: text("created_by"),
    lastUsedAt: millis("last_used_at"),
    revokedAt: millis("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("api_keys_workspace_idx").on(t.workspaceId, t.id)],
);

export const PRESENCE = ["online", "away", "offline"] as const;

/** First answers to POSTs sent with an Idempotency-Key, kept 24 hours. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** Who sent it: the API key, the session's user, or the client IP for public endpoints. */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    responseBody: text("response_body"),
    responseType: text("response_type"),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/** Administrative actions: who did what to which object, and the change. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    actorType: text("actor_type", { enum: ["user", "api_key", "system"] }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    changes: text("changes", { mode: "json" })
      .$type<Record<string, unknown>>()
      .notNull()
      .default({}),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_workspace_idx").on(t.workspaceId, t.createdAt, t.id)],
);
