import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { UI_LANGUAGES } from "../schemas/languages";

/** Milliseconds since the epoch; every timestamp column uses it. */
const millis = (name: string) => integer(name, { mode: "number" });
const createdAt = () => millis("created_at").notNull().default(sql`(unixepoch('subsec') * 1000)`);

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
const workspaceId = () =>
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

export const CHANNEL_TYPES = [
  "webchat",
  "whatsapp",
  "messenger",
  "instagram",
  "telegram",
  "twilio_sms",
  "email",
  "custom",
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Consent is kept per kind of channel a contact can be reached on. */
export const CONSENT_CHANNELS = [
  "webchat",
  "whatsapp",
  "messenger",
  "instagram",
  "telegram",
  "sms",
  "email",
  "custom",
] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const consentChannelOf = (type: ChannelType): ConsentChannel =>
  type === "twilio_sms" ? "sms" : type;

export type ConsentStatus = "opted_in" | "opted_out";
export type ConsentRecord = { status: ConsentStatus; at: number; source: string };
export type ConsentByChannel = Partial<Record<ConsentChannel, ConsentRecord>>;
export type CustomFieldValue = string | number | boolean;

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name"),
    /** E.164 */
    phone: text("phone"),
    /** lower-cased */
    email: text("email"),
    language: text("language"),
    timezone: text("timezone"),
    customFields: text("custom_fields", { mode: "json" })
      .$type<Record<string, CustomFieldValue>>()
      .notNull()
      .default({}),
    consent: text("consent", { mode: "json" }).$type<ConsentByChannel>().notNull().default({}),
    /** When the contact last wrote or was written to (their creation until then). */
    lastActivityAt: millis("last_activity_at"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
    /** Sort keys, kept by SQLite: a contact may have no name, nor any activity yet. */
    sortName: text("sort_name").generatedAlwaysAs(sql`lower(coalesce(name, email, phone, ''))`, {
      mode: "virtual",
    }),
    sortActivity: integer("sort_activity").generatedAlwaysAs(
      sql`coalesce(last_activity_at, created_at)`,
      { mode: "virtual" },
    ),
  },
  (t) => [
    index("contacts_workspace_idx").on(t.workspaceId, t.id),
    index("contacts_name_sort_idx").on(t.workspaceId, t.sortName, t.id),
    index("contacts_activity_sort_idx").on(t.workspaceId, t.sortActivity, t.id),
    uniqueIndex("contacts_phone_idx").on(t.workspaceId, t.phone),
    uniqueIndex("contacts_email_idx").on(t.workspaceId, t.email),
  ],
);

export const contactTags = sqliteTable(
  "contact_tags",
  {
    workspaceId: workspaceId(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.contactId, t.tag] }),
    index("contact_tags_tag_idx").on(t.workspaceId, t.tag, t.contactId),
  ],
);

export const FIELD_TYPES = ["text", "number", "date", "select", "boolean"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const contactFields = sqliteTable(
  "contact_fields",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: text("type", { enum: FIELD_TYPES }).notNull(),
    options: text("options", { mode: "json" }).$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("contact_fields_key_idx").on(t.workspaceId, t.key)],
);

export const PRESENCE = ["online", "away", "offline"] as const;

/** Public settings of a channel; secrets live apart so they are never echoed back. */
export type WebchatConfig = {
  greeting?: string;
  brand_color?: string;
  position?: "right" | "left";
  require_identity?: boolean;
  away?: boolean;
  away_message?: string;
  language?: "en" | "es" | "pt-BR" | "fr" | "ar" | "tr";
  prechat?: Record<PrechatField, "off" | "optional" | "required">;
};
export type PrechatField = "name" | "email" | "phone";

export type ChatMenu = {
  prompt: string;
  options: { key: string; label: string; team_id: string }[];
  max_attempts: number;
  default_team_id: string | null;
};
export type ChannelRouting = {
  team_id?: string | null;
  business_hours_id?: string | null;
  menu?: ChatMenu | null;
};

export const channels = sqliteTable(
  "channels",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    type: text("type", { enum: CHANNEL_TYPES }).notNull(),
    name: text("name").notNull(),
    config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** Credentials and signing secrets, AES-GCM sealed (lib/secret-box); never returned by the API. */
    secrets: text("secrets").notNull(),
    /** Where new conversations go: a team, the channel's hours, a numbered chat menu. */
    routing: text("routing", { mode: "json" }).$type<ChannelRouting>(),
    /** Disconnected channels keep their conversations; they stop receiving and sending. */
    deletedAt: millis("deleted_at"),
    /**
     * Visitor tokens carry the version they were issued at and are refused once it moved on:
     * it moves when the channel is disconnected or starts to require identity.
     */
    securityVersion: integer("security_version").notNull().default(1),
    /** When an admin last checked the credentials with the platform, and what it said. */
    checkedAt: millis("checked_at"),
    /** The platform's refusal at the last check; null when it accepted them. */
    checkError: text("check_error"),
    createdAt: createdAt(),
  },
  (t) => [index("channels_workspace_idx").on(t.workspaceId, t.id)],
);

/** How a contact is known on a channel: a verified web-chat identifier, a wa_id, a PSID… */
export const contactIdentities = sqliteTable(
  "contact_identities",
  {
    workspaceId: workspaceId(),
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.kind, t.value] }),
    index("contact_identities_contact_idx").on(t.contactId),
  ],
);

export const CONVERSATION_STATUSES = ["open", "pending", "snoozed", "closed"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const SENDER_TYPES = ["visitor", "contact", "agent", "system", "bot"] as const;
export type SenderType = (typeof SENDER_TYPES)[number];

/** The inbox projection of a conversation; its Durable Object owns the messages. */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id),
    status: text("status", { enum: CONVERSATION_STATUSES }).notNull().default("open"),
    assigneeId: text("assignee_id"),
    teamId: text("team_id"),
    snoozeUntil: millis("snooze_until"),
    lastSeq: integer("last_seq").notNull().default(0),
    lastMessagePreview: text("last_message_preview"),
    lastMessageSenderType: text("last_message_sender_type", { enum: SENDER_TYPES }),
    lastMessageAt: millis("last_message_at"),
    lastActivityAt: millis("last_activity_at").notNull(),
    unreadCount: integer("unread_count").notNull().default(0),
    /** When the customer last wrote: platforms' reply windows (WhatsApp 24 h, Messenger) count from it. */
    lastInboundAt: millis("last_inbound_at"),
    /** Chat menu answers so far; null once routed (or when the channel has no menu). */
    menuAttempts: integer("menu_attempts"),
    awayNotifiedAt: millis("away_notified_at"),
    busyNotifiedAt: millis("busy_notified_at"),
    firstResponseAt: millis("first_response_at"),
    /** SLA targets of the team, counted in business hours. */
    firstResponseDueAt: millis("first_response_due_at"),
    resolutionDueAt: millis("resolution_due_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("conversations_activity_idx").on(t.workspaceId, t.lastActivityAt, t.id),
    index("conversations_status_idx").on(t.workspaceId, t.status, t.lastActivityAt, t.id),
    index("conversations_assignee_idx").on(t.workspaceId, t.assigneeId, t.lastActivityAt, t.id),
    index("conversations_assignee_status_idx").on(
      t.workspaceId,
      t.assigneeId,
      t.status,
      t.lastActivityAt,
      t.id,
    ),
    index("conversations_contact_idx").on(t.workspaceId, t.contactId, t.channelId, t.status),
    index("conversations_team_queue_idx").on(
      t.workspaceId,
      t.teamId,
      t.status,
      t.assigneeId,
      t.createdAt,
    ),
  ],
);

export const conversationLabels = sqliteTable(
  "conversation_labels",
  {
    workspaceId: workspaceId(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    label: text("label").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.label] }),
    index("conversation_labels_label_idx").on(t.workspaceId, t.label, t.conversationId),
  ],
);

/** The workspace's label catalogue: the names conversations are labelled with, and their colours. */
export const labels = sqliteTable(
  "labels",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    /** lower-case, as conversation labels are stored */
    name: text("name").notNull(),
    /** #rrggbb */
    colour: text("colour").notNull(),
    description: text("description"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("labels_name_idx").on(t.workspaceId, t.name)],
);

export const MESSAGE_KINDS = ["text", "file", "note", "event"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export const DELIVERY_STATUSES = ["queued", "sent", "delivered", "read", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type Attachment = { key: string; name: string; content_type: string; size: number };
export type EventValue = string | number | boolean | null | string[];
export type SystemEvent = { type: string; data: Record<string, EventValue> };

/** Projection of each conversation's messages, for search and reports. */
export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    kind: text("kind", { enum: MESSAGE_KINDS }).notNull(),
    senderType: text("sender_type", { enum: SENDER_TYPES }).notNull(),
    senderId: text("sender_id"),
    text: text("text"),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [uniqueIndex("messages_conversation_seq_idx").on(t.conversationId, t.seq)],
);

/** An agent named in a note: their "Mentions" view and notification, read once they open it. */
export const mentions = sqliteTable(
  "mentions",
  {
    workspaceId: workspaceId(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    /** the note's seq in the conversation */
    seq: integer("seq").notNull(),
    mentionedUserId: text("mentioned_user_id")
      .notNull()
      .references(() => users.id),
    /** null when an API key wrote the note */
    byUserId: text("by_user_id").references(() => users.id),
    createdAt: millis("created_at").notNull(),
    readAt: millis("read_at"),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq, t.mentionedUserId] }),
    index("mentions_user_idx").on(t.workspaceId, t.mentionedUserId, t.createdAt),
  ],
);

export const DIRECTIONS = ["in", "out"] as const;

/**
 * Every platform message id Conversa has seen or been given, per channel: inbound deliveries are
 * stored once however often the platform retries, and status webhooks find their message.
 */
export const channelMessages = sqliteTable(
  "channel_messages",
  {
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    externalId: text("external_id").notNull(),
    workspaceId: workspaceId(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    direction: text("direction", { enum: DIRECTIONS }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.externalId] }),
    index("channel_messages_conversation_idx").on(t.conversationId, t.seq),
  ],
);

export const TEMPLATE_STATUSES = ["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"] as const;

/** WhatsApp message templates, synced from the business account. */
export const whatsappTemplates = sqliteTable(
  "whatsapp_templates",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    name: text("name").notNull(),
    language: text("language").notNull(),
    category: text("category"),
    status: text("status").notNull(),
    /** The body text with {{1}}, {{2}} … placeholders. */
    body: text("body").notNull(),
    variableCount: integer("variable_count").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [uniqueIndex("whatsapp_templates_name_idx").on(t.channelId, t.name, t.language)],
);

/** Emails sent per sender account, for caps of N emails per H hours. */
export const emailSends = sqliteTable(
  "email_sends",
  {
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    sender: text("sender").notNull(),
    /** The outbound job it belongs to: a redelivered job is counted once. */
    messageKey: text("message_key").notNull(),
    sentAt: millis("sent_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.messageKey] }),
    index("email_sends_sender_idx").on(t.channelId, t.sender, t.sentAt),
  ],
);

/** Canned replies: `/shortcut` in the composer expands to the body, variables filled. */
export const snippets = sqliteTable(
  "snippets",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    shortcut: text("shortcut").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [uniqueIndex("snippets_shortcut_idx").on(t.workspaceId, t.shortcut)],
);

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

export const WEBHOOK_EVENTS = [
  "contact.created",
  "contact.updated",
  "conversation.created",
  "conversation.assigned",
  "conversation.closed",
  "message.created",
  "message.status",
  "sla.breached",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Where a workspace wants its events delivered, signed with the subscription's secret. */
export const webhookSubscriptions = sqliteTable(
  "webhook_subscriptions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<WebhookEvent[]>().notNull(),
    /** AES-GCM sealed signing secret. */
    secret: text("secret").notNull(),
    description: text("description"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /** Deliveries that finally failed in a row; past the limit the subscription is disabled. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    disabledReason: text("disabled_reason"),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_subscriptions_workspace_idx").on(t.workspaceId, t.id)],
);

export const DELIVERY_STATES = ["pending", "succeeded", "failed"] as const;

/** Every delivery of an event to a subscription, with its last attempt: the log and the replay source. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    state: text("state", { enum: DELIVERY_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastLatencyMs: integer("last_latency_ms"),
    lastResponse: text("last_response"),
    lastError: text("last_error"),
    nextAttemptAt: millis("next_attempt_at"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("webhook_deliveries_subscription_idx").on(t.subscriptionId, t.createdAt)],
);

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

/** Filters of the inbox list with a name, kept per person: `SavedViewFilters` in the API. */
export type SavedViewFilters = {
  view?: string;
  status?: string;
  team_id?: string;
  label?: string;
  sort?: string;
};

/** An agent's own named filter sets, listed under the inbox's built-in views. */
export const savedViews = sqliteTable(
  "saved_views",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    filters: text("filters", { mode: "json" }).$type<SavedViewFilters>().notNull(),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [uniqueIndex("saved_views_name_idx").on(t.workspaceId, t.userId, t.name)],
);

export const AUTOMATION_STATUSES = ["draft", "active", "paused"] as const;
export type AutomationStatus = (typeof AUTOMATION_STATUSES)[number];

/**
 * "When this happens, if these hold, do these steps": the automation's name and state. What it
 * does lives in immutable versions; `versionId` is the one new runs start on.
 */
export const automations = sqliteTable(
  "automations",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    description: text("description"),
    status: text("status", { enum: AUTOMATION_STATUSES }).notNull().default("draft"),
    /** The latest version; runs already started keep theirs. */
    versionId: text("version_id").notNull(),
    version: integer("version").notNull(),
    /** The incoming webhook trigger's HMAC secret, AES-GCM sealed; never returned. */
    webhookSecret: text("webhook_secret"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    index("automations_workspace_idx").on(t.workspaceId, t.id),
    index("automations_status_idx").on(t.workspaceId, t.status),
  ],
);

/** One definition of an automation (trigger, conditions, steps, timing, limit), never changed. */
export const automationVersions = sqliteTable(
  "automation_versions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    automationId: text("automation_id")
      .notNull()
      .references(() => automations.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The trigger's type, to find the automations an event starts without reading definitions. */
    triggerType: text("trigger_type").notNull(),
    definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("automation_versions_number_idx").on(t.automationId, t.version)],
);

export const RUN_STATUSES = [
  "running",
  "waiting",
  "completed",
  "failed",
  "stopped",
  "limited",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One contact (or conversation) going through one version of an automation. */
export const automationRuns = sqliteTable(
  "automation_runs",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    automationId: text("automation_id")
      .notNull()
      .references(() => automations.id, { onDelete: "cascade" }),
    versionId: text("version_id").notNull(),
    /** The event that started it: a redelivered event finds its run and starts no other. */
    triggerEventId: text("trigger_event_id").notNull(),
    trigger: text("trigger", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    contactId: text("contact_id"),
    conversationId: text("conversation_id"),
    status: text("status", { enum: RUN_STATUSES }).notNull(),
    /** The step to run next (null: from the first); a waiting run waits on it. */
    cursor: text("cursor"),
    resumeAt: millis("resume_at"),
    /** Retries so far: each attempt logs its steps under its own iteration. */
    attempt: integer("attempt").notNull().default(0),
    /** Values steps left for later ones (HTTP answers). */
    vars: text("vars", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** The automations whose runs led to this one, oldest first (loop guard). */
    chain: text("chain", { mode: "json" }).$type<string[]>().notNull().default([]),
    messagesSent: integer("messages_sent").notNull().default(0),
    error: text("error"),
    startedAt: millis("started_at").notNull(),
    finishedAt: millis("finished_at"),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("automation_runs_event_idx").on(t.automationId, t.triggerEventId),
    index("automation_runs_list_idx").on(t.workspaceId, t.automationId, t.id),
    index("automation_runs_contact_idx").on(
      t.workspaceId,
      t.automationId,
      t.contactId,
      t.startedAt,
    ),
  ],
);

export const STEP_STATUSES = ["running", "waiting", "completed", "failed", "skipped"] as const;

/** Each step a run took, once per attempt: a redelivered message finds it and does not repeat it. */
export const automationRunSteps = sqliteTable(
  "automation_run_steps",
  {
    workspaceId: workspaceId(),
    runId: text("run_id")
      .notNull()
      .references(() => automationRuns.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    iteration: integer("iteration").notNull().default(0),
    type: text("type").notNull(),
    status: text("status", { enum: STEP_STATUSES }).notNull(),
    input: text("input", { mode: "json" }).$type<Record<string, unknown>>(),
    output: text("output", { mode: "json" }).$type<Record<string, unknown>>(),
    error: text("error"),
    startedAt: millis("started_at").notNull(),
    finishedAt: millis("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId, t.iteration] })],
);

/** A workspace's rules for automations: the quiet hours their messages wait out. */
export const automationSettings = sqliteTable("automation_settings", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id),
  /** Local "HH:MM" in the contact's timezone (the workspace's when unknown); null: no quiet hours. */
  quietFrom: text("quiet_from"),
  quietTo: text("quiet_to"),
  updatedAt: millis("updated_at").notNull(),
});
