import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { CHANNEL_TYPES, type ChannelType } from "./channels";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

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
  "web_push",
] as const;

export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export const consentChannelOf = (type: ChannelType): ConsentChannel =>
  type === "twilio_sms" ? "sms" : type;

export type ConsentStatus = "opted_in" | "opted_out";

export type ConsentRecord = { status: ConsentStatus; at: number; source: string };

export type ConsentByChannel = Partial<Record<ConsentChannel, ConsentRecord>>;

export type CustomFieldValue = string | number | boolean;

/**
 * Where a contact came from: the kind of channel it first wrote on, or `api` (an API key or an
 * incoming webhook), `import` (an uploaded list) or `manual` (a person in the inbox).
 */
export const CONTACT_SOURCES = [...CHANNEL_TYPES, "api", "import", "manual"] as const;

export type ContactSource = (typeof CONTACT_SOURCES)[number];

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
    source: text("source", { enum: CONTACT_SOURCES }).notNull().default("manual"),
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
    index("contacts_created_source_idx").on(t.workspaceId, t.createdAt, t.source),
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
    // the contact first (a deleted contact's identities go with it), then all a lookup of one
    // contact's address names, so it wins over the key's workspace-and-kind prefix
    index("contact_identities_contact_idx").on(t.contactId, t.workspaceId, t.kind),
  ],
);

/** A workspace's named audience: rules over contacts, read again each time it is used. */
export const segments = sqliteTable(
  "segments",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    description: text("description"),
    /** `SegmentRules` (worker/schemas/segments.ts) */
    rules: text("rules", { mode: "json" }).$type<unknown>().notNull(),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [uniqueIndex("segments_name_idx").on(t.workspaceId, t.name)],
);
