import { eq, inArray } from "drizzle-orm";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { readInChunks, rowChunks } from "../../db/chunks";
import {
  type ConsentByChannel,
  type ConsentChannel,
  type ContactSource,
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
import type { ContactCreateInput, ContactPatchInput } from "../../schemas/contacts";
import { type DomainEvent, type EventScope, record, recordAll } from "../events/record";
import { forgetHonouredTokens } from "../webchat/honoured-tokens";
import { listContactFields, mergeCustomFields } from "./fields";

export type ContactRow = typeof contacts.$inferSelect;

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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email address as contacts keep it (lower-cased), or null when it is not one. */
export const normalizeEmail = (raw: string): string | null =>
  EMAIL.test(raw) && raw.length <= 254 ? raw.toLowerCase() : null;

export const normalizeTags = (tags: string[]) => [
  ...new Set(tags.map((t) => t.trim().toLowerCase())),
];

export async function tagsOf(db: Db, workspaceId: string, contactIds: string[]) {
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
export const tagInserts = (db: Db, workspaceId: string, contactId: string, tags: string[]) =>
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

/** Who made a contact by hand or by the API: an API key's is `api`, a person's `manual`. */
const sourceOf = (actor: Principal): ContactSource => (actor.via === "api_key" ? "api" : "manual");

export async function createContact(
  db: Db,
  env: Env,
  actor: Principal,
  input: ContactCreateInput,
  now: number,
  source: ContactSource = sourceOf(actor),
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
    source,
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
export async function recordChanges(
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
