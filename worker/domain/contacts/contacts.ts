import { and, asc, desc, eq, gt, inArray, like, lt, or, type SQL, sql } from "drizzle-orm";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { readInChunks, rowChunks } from "../../db/chunks";
import {
  type ChannelType,
  type ConsentByChannel,
  type ConsentChannel,
  type CustomFieldValue,
  channels,
  contactIdentities,
  contacts,
  contactTags,
  conversations,
  workspaces,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { conflict, type FieldError, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import {
  type ContactCreateInput,
  type ContactCursorValue,
  type ContactListFilter,
  type ContactPatchInput,
  encodeContactCursor,
} from "../../schemas/contacts";
import { type DomainEvent, type EventScope, record, recordAll } from "../events/record";
import { forgetHonouredTokens } from "../webchat/honoured-tokens";
import { fieldFilterConditions, listContactFields, mergeCustomFields } from "./fields";

type ContactRow = typeof contacts.$inferSelect;

export function toContactDto(row: Omit<ContactRow, "sortName" | "sortActivity">, tags: string[]) {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    language: row.language,
    timezone: row.timezone,
    tags,
    custom_fields: row.customFields,
    consent: Object.fromEntries(
      Object.entries(row.consent).map(([channel, c]) => [channel, { ...c, at: toIso(c.at) }]),
    ),
    last_activity_at: toIso(row.lastActivityAt ?? row.createdAt),
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
  };
}

export type ContactDto = ReturnType<typeof toContactDto>;

export function normalizePhone(raw: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry as CountryCode);
  return parsed?.isValid() ? parsed.number : null;
}

export const normalizeTags = (tags: string[]) => [
  ...new Set(tags.map((t) => t.trim().toLowerCase())),
];

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

async function tagsOf(db: Db, workspaceId: string, contactIds: string[]) {
  const byContact = new Map<string, string[]>(contactIds.map((id) => [id, []]));
  const rows = await readInChunks(contactIds, (ids) =>
    db
      .select({ contactId: contactTags.contactId, tag: contactTags.tag })
      .from(contactTags)
      .where(inWorkspace(contactTags, workspaceId, inArray(contactTags.contactId, ids)))
      .orderBy(contactTags.tag),
  );
  for (const row of rows) byContact.get(row.contactId)?.push(row.tag);
  return byContact;
}

/** The contact's tags as multi-row inserts, each within D1's parameter limit. */
const tagInserts = (db: Db, workspaceId: string, contactId: string, tags: string[]) =>
  rowChunks(
    contactTags,
    tags.map((tag) => ({ workspaceId, contactId, tag })),
  ).map((rows) => db.insert(contactTags).values(rows).onConflictDoNothing());

async function findRow(db: Db, workspaceId: string, id: string) {
  const row = await db.query.contacts.findFirst({
    where: inWorkspace(contacts, workspaceId, eq(contacts.id, id)),
  });
  if (!row) throw notFound("Contact");
  return row;
}

export async function getContact(db: Db, workspaceId: string, id: string) {
  const row = await findRow(db, workspaceId, id);
  const tags = await tagsOf(db, workspaceId, [id]);
  return toContactDto(row, tags.get(id) ?? []);
}

const SORT_KEYS = {
  created: contacts.id,
  name: contacts.sortName,
  last_activity: contacts.sortActivity,
} as const;

type SortableRow = Pick<ContactRow, "id" | "sortName" | "sortActivity">;
const sortValueOf = (row: SortableRow, sort: ContactListFilter["sort"]) =>
  sort === "created" ? row.id : sort === "name" ? (row.sortName ?? "") : (row.sortActivity ?? 0);

/** Rows after the cursor in the page's order: by the sort key, then by id. */
function afterCursor(cursor: ContactCursorValue) {
  const key = SORT_KEYS[cursor.sort];
  const beyond = cursor.order === "asc" ? gt : lt;
  if (cursor.sort === "created") return beyond(contacts.id, cursor.id);
  return or(beyond(key, cursor.value), and(eq(key, cursor.value), beyond(contacts.id, cursor.id)));
}

function searchCondition(q: string) {
  const pattern = `%${escapeLike(q)}%`;
  const digits = q.replace(/\D/g, "");
  return or(
    sql`${contacts.name} like ${pattern} escape '\\'`,
    sql`${contacts.email} like ${pattern.toLowerCase()} escape '\\'`,
    digits.length >= 3 ? like(contacts.phone, `%${digits}%`) : undefined,
  );
}

function tagCondition(db: Db, workspaceId: string, tag: string) {
  return inArray(
    contacts.id,
    db
      .select({ id: contactTags.contactId })
      .from(contactTags)
      .where(inWorkspace(contactTags, workspaceId, eq(contactTags.tag, tag.toLowerCase()))),
  );
}

/** Contacts counted up to this many; past it a list says "10,000+". */
export const COUNT_CAP = 10_000;

async function countUpTo(db: Db, where: SQL) {
  const capped = db
    .select({ one: sql`1` })
    .from(contacts)
    .where(where)
    .limit(COUNT_CAP + 1)
    .as("capped");
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(capped);
  const n = row?.n ?? 0;
  return { total: Math.min(n, COUNT_CAP), total_capped: n > COUNT_CAP };
}

/** The channel types each contact has talked on, for the list's icons. */
async function channelTypesOf(db: Db, workspaceId: string, contactIds: string[]) {
  const byContact = new Map<string, ChannelType[]>(contactIds.map((id) => [id, []]));
  const rows = await readInChunks(contactIds, (ids) =>
    db
      .selectDistinct({ contactId: conversations.contactId, type: channels.type })
      .from(conversations)
      .innerJoin(channels, eq(channels.id, conversations.channelId))
      .where(inWorkspace(conversations, workspaceId, inArray(conversations.contactId, ids)))
      .orderBy(channels.type),
  );
  for (const row of rows) byContact.get(row.contactId)?.push(row.type);
  return byContact;
}

/**
 * A page of contacts: searched, filtered by tag and custom fields, sorted by creation, name or
 * last activity and paged by keyset (every sort has an index). The first page counts the
 * matches, up to COUNT_CAP.
 */
export async function listContacts(db: Db, workspaceId: string, filter: ContactListFilter) {
  const order = filter.order ?? (filter.sort === "name" ? "asc" : "desc");
  const cursor = filter.cursor;
  if (cursor && (cursor.sort !== filter.sort || cursor.order !== order)) {
    throw validationFailed([
      {
        path: "query.cursor",
        message: "this cursor belongs to another sort; start again without it",
      },
    ]);
  }
  const fieldConditions = fieldFilterConditions(
    await listContactFields(db, workspaceId),
    filter.field ?? [],
  );
  const matching = inWorkspace(
    contacts,
    workspaceId,
    filter.q ? searchCondition(filter.q) : undefined,
    filter.tag ? tagCondition(db, workspaceId, filter.tag) : undefined,
    ...fieldConditions,
  );
  const direction = order === "asc" ? asc : desc;
  const key = SORT_KEYS[filter.sort];
  const rows = await db
    .select()
    .from(contacts)
    .where(cursor ? and(matching, afterCursor(cursor)) : matching)
    .orderBy(...(filter.sort === "created" ? [] : [direction(key)]), direction(contacts.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const ids = page.map((r) => r.id);
  const [tags, channelTypes, count] = await Promise.all([
    tagsOf(db, workspaceId, ids),
    channelTypesOf(db, workspaceId, ids),
    cursor ? null : countUpTo(db, matching),
  ]);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
      ...toContactDto(row, tags.get(row.id) ?? []),
      channel_types: channelTypes.get(row.id) ?? [],
    })),
    next_cursor:
      rows.length > filter.limit && last
        ? encodeContactCursor({
            sort: filter.sort,
            order,
            value: sortValueOf(last, filter.sort),
            id: last.id,
          })
        : null,
    total: count?.total ?? null,
    total_capped: count?.total_capped ?? false,
  };
}

type Identity = { phone?: string | null | undefined; email?: string | null | undefined };

/** Turns phone / email into their stored forms, collecting field errors. */
async function normalizeIdentity(
  db: Db,
  workspaceId: string,
  input: Identity,
  errors: FieldError[],
) {
  const out: { phone?: string | null; email?: string | null } = {};
  if (input.email !== undefined) out.email = input.email?.toLowerCase() ?? null;
  if (input.phone !== undefined && input.phone !== null) {
    const workspace = await db.query.workspaces.findFirst({
      where: eq(workspaces.id, workspaceId),
    });
    const phone = normalizePhone(input.phone, workspace?.defaultCountry ?? "US");
    if (phone) out.phone = phone;
    else errors.push({ path: "phone", message: "not a valid phone number" });
  } else if (input.phone === null) {
    out.phone = null;
  }
  return out;
}

async function assertUnique(db: Db, workspaceId: string, identity: Identity, exceptId?: string) {
  for (const field of ["phone", "email"] as const) {
    const value = identity[field];
    if (!value) continue;
    const other = await db.query.contacts.findFirst({
      columns: { id: true },
      where: inWorkspace(contacts, workspaceId, eq(contacts[field], value)),
    });
    if (other && other.id !== exceptId) {
      throw conflict(`Another contact (${other.id}) has this ${field}.`, field);
    }
  }
}

/** A race past `assertUnique` ends at the unique index; answer it the same way. */
function rethrowUniqueViolation(error: unknown): never {
  const message = String((error as Error)?.message ?? error);
  const field = /contacts\.phone/.test(message)
    ? "phone"
    : /contacts\.email/.test(message)
      ? "email"
      : null;
  if (field && /UNIQUE/.test(message)) throw conflict(`Another contact has this ${field}.`, field);
  throw error;
}

function consentSource(actor: Principal) {
  return actor.via === "api_key" ? "api" : "agent";
}

function mergeConsent(
  current: ConsentByChannel,
  input: NonNullable<ContactCreateInput["consent"]>,
  actor: Principal,
  now: number,
): ConsentByChannel {
  const merged = { ...current };
  for (const [channel, value] of Object.entries(input) as [
    ConsentChannel,
    (typeof input)[ConsentChannel],
  ][]) {
    if (!value) continue;
    const { status, source } =
      typeof value === "string" ? { status: value, source: undefined } : value;
    merged[channel] = { status, at: now, source: source ?? consentSource(actor) };
  }
  return merged;
}

async function checkCustomFields(
  db: Db,
  workspaceId: string,
  current: Record<string, CustomFieldValue>,
  input: Record<string, CustomFieldValue | null> | undefined,
  errors: FieldError[],
) {
  if (!input) return current;
  const result = mergeCustomFields(await listContactFields(db, workspaceId), current, input);
  errors.push(...result.errors);
  return result.values;
}

export async function createContact(
  db: Db,
  env: Env,
  actor: Principal,
  input: ContactCreateInput,
  now: number,
) {
  const ws = actor.workspaceId;
  const errors: FieldError[] = [];
  const identity = await normalizeIdentity(db, ws, input, errors);
  const customFields = await checkCustomFields(db, ws, {}, input.custom_fields, errors);
  if (errors.length) throw validationFailed(errors);
  await assertUnique(db, ws, identity);
  const id = newId("ct", now);
  const tags = normalizeTags(input.tags ?? []);
  const row = {
    id,
    workspaceId: ws,
    name: input.name ?? null,
    phone: identity.phone ?? null,
    email: identity.email ?? null,
    language: input.language ?? null,
    timezone: input.timezone ?? null,
    customFields,
    consent: mergeConsent({}, input.consent ?? {}, actor, now),
    lastActivityAt: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([db.insert(contacts).values(row), ...tagInserts(db, ws, id, tags)]);
  } catch (error) {
    rethrowUniqueViolation(error);
  }
  const contact = toContactDto(row, tags.sort());
  await record({ db, env }, ws, { type: "contact.created", contact });
  return contact;
}

export async function updateContact(
  db: Db,
  env: Env,
  actor: Principal,
  id: string,
  patch: ContactPatchInput,
  now: number,
) {
  const ws = actor.workspaceId;
  const current = await findRow(db, ws, id);
  const errors: FieldError[] = [];
  const identity = await normalizeIdentity(db, ws, patch, errors);
  const customFields = await checkCustomFields(
    db,
    ws,
    current.customFields,
    patch.custom_fields,
    errors,
  );
  const next = { ...current, ...identity };
  if (patch.name !== undefined) next.name = patch.name;
  if (!next.name && !next.phone && !next.email) {
    errors.push({ path: "name", message: "a contact needs a name, a phone or an email" });
  }
  if (errors.length) throw validationFailed(errors);
  await assertUnique(db, ws, identity, id);
  const changes = {
    ...identity,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.language !== undefined ? { language: patch.language } : {}),
    ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
    customFields,
    consent: mergeConsent(current.consent, patch.consent ?? {}, actor, now),
    updatedAt: now,
  };
  const where = inWorkspace(contacts, ws, eq(contacts.id, id));
  const tags = patch.tags ? normalizeTags(patch.tags) : null;
  const tagsBefore = tags ? ((await tagsOf(db, ws, [id])).get(id) ?? []) : [];
  try {
    await db.batch([
      db.update(contacts).set(changes).where(where),
      ...(tags
        ? [
            db
              .delete(contactTags)
              .where(inWorkspace(contactTags, ws, eq(contactTags.contactId, id))),
            ...tagInserts(db, ws, id, tags),
          ]
        : []),
    ]);
  } catch (error) {
    rethrowUniqueViolation(error);
  }
  const contact = await getContact(db, ws, id);
  await record({ db, env }, ws, { type: "contact.updated", contact });
  await recordChanges({ db, env }, ws, id, {
    tags: tags ? [tagsBefore, contact.tags] : null,
    fields: [current.customFields, customFields],
  });
  return contact;
}

/** Tags added or removed and custom fields changed, each as its own event. */
async function recordChanges(
  scope: EventScope,
  workspaceId: string,
  contactId: string,
  change: {
    tags: [string[], string[]] | null;
    fields?: [Record<string, CustomFieldValue>, Record<string, CustomFieldValue>];
  },
) {
  const events: DomainEvent[] = [];
  if (change.tags) {
    const [before, after] = change.tags;
    for (const tag of after.filter((t) => !before.includes(t)))
      events.push({ type: "contact.tag_added", contact_id: contactId, tag });
    for (const tag of before.filter((t) => !after.includes(t)))
      events.push({ type: "contact.tag_removed", contact_id: contactId, tag });
  }
  if (change.fields) {
    const [before, after] = change.fields;
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const from = before[key] ?? null;
      const to = after[key] ?? null;
      if (JSON.stringify(from) !== JSON.stringify(to))
        events.push({ type: "contact.field_changed", contact_id: contactId, key, from, to });
    }
  }
  if (events.length) await recordAll(scope, workspaceId, events);
}

export async function deleteContact(db: Db, workspaceId: string, id: string) {
  await findRow(db, workspaceId, id);
  const conversation = await db.query.conversations.findFirst({
    columns: { id: true },
    where: inWorkspace(conversations, workspaceId, eq(conversations.contactId, id)),
  });
  // Conversation history is never dropped as a side effect of tidying contacts.
  if (conversation)
    throw conflict(
      "This contact has conversations; their history is kept, so it cannot be deleted.",
    );
  await db.batch([
    db
      .delete(contactTags)
      .where(inWorkspace(contactTags, workspaceId, eq(contactTags.contactId, id))),
    db.delete(contacts).where(inWorkspace(contacts, workspaceId, eq(contacts.id, id))),
  ]);
  forgetHonouredTokens();
}

export async function addTags(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  tags: string[],
  now: number,
) {
  const before = (await getContact(db, workspaceId, id)).tags;
  await db.batch([
    db
      .update(contacts)
      .set({ updatedAt: now })
      .where(inWorkspace(contacts, workspaceId, eq(contacts.id, id))),
    ...tagInserts(db, workspaceId, id, normalizeTags(tags)),
  ]);
  const contact = await getContact(db, workspaceId, id);
  await recordChanges({ db, env }, workspaceId, id, { tags: [before, contact.tags] });
  return contact;
}

export async function removeTag(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  tag: string,
  now: number,
) {
  const before = (await getContact(db, workspaceId, id)).tags;
  await db.batch([
    db
      .delete(contactTags)
      .where(
        inWorkspace(
          contactTags,
          workspaceId,
          eq(contactTags.contactId, id),
          eq(contactTags.tag, tag.trim().toLowerCase()),
        ),
      ),
    db
      .update(contacts)
      .set({ updatedAt: now })
      .where(inWorkspace(contacts, workspaceId, eq(contacts.id, id))),
  ]);
  const contact = await getContact(db, workspaceId, id);
  await recordChanges({ db, env }, workspaceId, id, { tags: [before, contact.tags] });
  return contact;
}

/** How the contact is known on platform channels: `<type>:<channel id>` identities, named. */
export async function contactIdentitiesOf(db: Db, workspaceId: string, id: string) {
  await findRow(db, workspaceId, id);
  const rows = await db
    .select({ kind: contactIdentities.kind, value: contactIdentities.value })
    .from(contactIdentities)
    .where(inWorkspace(contactIdentities, workspaceId, eq(contactIdentities.contactId, id)));
  const channelIds = [...new Set(rows.map((r) => r.kind.split(":")[1] ?? ""))];
  const named = channelIds.length
    ? await db
        .select({ id: channels.id, name: channels.name })
        .from(channels)
        .where(inWorkspace(channels, workspaceId, inArray(channels.id, channelIds)))
    : [];
  const names = new Map(named.map((c) => [c.id, c.name]));
  return rows.map((row) => {
    const [type = row.kind, channelId = null] = row.kind.split(":");
    return {
      channel_type: type,
      channel_id: channelId,
      channel_name: (channelId && names.get(channelId)) ?? null,
      value: row.value,
    };
  });
}

/** The workspace's contact tags, most used first, for suggestions and filters. */
export async function tagCounts(db: Db, workspaceId: string) {
  const count = sql<number>`count(*)`;
  return db
    .select({ tag: contactTags.tag, count })
    .from(contactTags)
    .where(inWorkspace(contactTags, workspaceId))
    .groupBy(contactTags.tag)
    .orderBy(desc(count), asc(contactTags.tag))
    .limit(TAG_SUGGESTIONS);
}

export const TAG_SUGGESTIONS = 200;
