import { eq, inArray } from "drizzle-orm";
import { addressKindOf } from "../../channels/rules";
import { readInChunks, rowChunks } from "../../db/chunks";
import { writeTogether } from "../../db/client";
import {
  broadcastMembers,
  broadcasts,
  contactIdentities,
  contacts,
  workspaces,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { CsvSyntaxError, parseCsv } from "../../lib/csv";
import { conflict, type FieldError, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { getChannelRow } from "../channels/channels";
import { identityKind } from "../channels/ledger";
import { normalizeEmail, normalizePhone, toContactDto } from "../contacts/contacts";
import { InterestMemo, recordAll } from "../events/record";
import { getBroadcast } from "./broadcasts";

export const MAX_CSV_BYTES = 5 * 1024 * 1024;
export const MAX_CSV_ROWS = 50_000;
/** A refused file names at most this many of its faults. */
const MAX_ERRORS = 20;

const COLUMNS = ["phone", "email", "identity", "name"] as const;
type Column = (typeof COLUMNS)[number];
type AddressColumn = Exclude<Column, "name">;

export type Rejected = { row: number; column: string; reason: string };

/** The header's columns by name; unknown or repeated names, or no address column, refuse the file. */
function readHeader(fields: string[], address: AddressColumn) {
  const errors: FieldError[] = [];
  const columns = new Map<Column, number>();
  for (const [i, raw] of fields.entries()) {
    const name = raw.trim().toLowerCase() as Column;
    if (!COLUMNS.includes(name))
      errors.push({ path: `header.${i}`, message: `unknown column (use ${COLUMNS.join(", ")})` });
    else if (columns.has(name)) errors.push({ path: `header.${i}`, message: "repeats a column" });
    else columns.set(name, i);
  }
  if (!columns.has(address))
    errors.push({ path: "header", message: `needs a ${address} column for this channel` });
  return { columns, errors };
}

/** The row's address in the form contacts keep it, or why it is refused. */
function normalizeAddress(column: AddressColumn, raw: string, defaultCountry: string) {
  const value = raw.trim();
  if (!value) return { reason: "is empty" };
  if (column === "phone") {
    const phone = normalizePhone(value, defaultCountry);
    return phone ? { value: phone } : { reason: "is not a valid phone number" };
  }
  if (column === "email") {
    const email = normalizeEmail(value);
    return email ? { value: email } : { reason: "is not a valid email address" };
  }
  return value.length <= 200 ? { value } : { reason: "is longer than 200 characters" };
}

type Row = { row: number; address: string; name: string | null };

/** The file's rows, or a 422 naming where it is not a list of the channel's addresses. */
function readRows(text: string, address: AddressColumn, defaultCountry: string) {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text, MAX_CSV_ROWS + 1);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw validationFailed([{ path: `rows.${error.line}`, message: error.message }]);
    throw error;
  }
  const [header, ...data] = records;
  if (!header || data.length === 0)
    throw validationFailed([{ path: "file", message: "give a header and at least one row" }]);
  if (data.length > MAX_CSV_ROWS)
    throw validationFailed([{ path: "file", message: `has more than ${MAX_CSV_ROWS} rows` }]);
  const { columns, errors } = readHeader(header.fields, address);
  for (const record of data)
    if (record.fields.length !== header.fields.length)
      errors.push({
        path: `rows.${record.line}`,
        message: `has ${record.fields.length} fields, the header ${header.fields.length}`,
      });
  if (errors.length) throw validationFailed(errors.slice(0, MAX_ERRORS));
  const rows: Row[] = [];
  const rejected: Rejected[] = [];
  const firstRowOf = new Map<string, number>();
  const at = columns.get(address) ?? 0;
  const nameAt = columns.get("name");
  for (const record of data) {
    const found = normalizeAddress(address, record.fields[at] ?? "", defaultCountry);
    const earlier = found.value ? firstRowOf.get(found.value) : undefined;
    if (!found.value || earlier !== undefined) {
      const reason = found.reason ?? `repeats row ${earlier}`;
      rejected.push({ row: record.line, column: address, reason });
      continue;
    }
    firstRowOf.set(found.value, record.line);
    const name = nameAt === undefined ? "" : (record.fields[nameAt] ?? "").trim().slice(0, 100);
    rows.push({ row: record.line, address: found.value, name: name || null });
  }
  return { rows, rejected };
}

/** The workspace's contacts with these addresses on the channel, by address. */
async function knownContacts(
  db: Db,
  workspaceId: string,
  address: { column: AddressColumn; identityKind: string },
  values: string[],
) {
  const { column } = address;
  const found =
    column === "identity"
      ? await readInChunks(values, (chunk) =>
          db
            .select({ value: contactIdentities.value, id: contactIdentities.contactId })
            .from(contactIdentities)
            .where(
              inWorkspace(
                contactIdentities,
                workspaceId,
                eq(contactIdentities.kind, address.identityKind),
                inArray(contactIdentities.value, chunk),
              ),
            ),
        )
      : await readInChunks(values, (chunk) =>
          db
            .select({ value: contacts[column], id: contacts.id })
            .from(contacts)
            .where(inWorkspace(contacts, workspaceId, inArray(contacts[column], chunk))),
        );
  return new Map(found.flatMap((row) => (row.value ? [[row.value, row.id] as const] : [])));
}

/**
 * Adds the contacts a CSV names to a broadcast's audience, matched by the channel's address
 * (phones in E.164 after the workspace's default country; emails lower-cased; other channels
 * by the identity the channel knows them by). Unknown addresses become new contacts. Rows
 * whose address is refused are counted and named; a file that is not such a list is refused
 * whole, and nothing is stored. Opted-out contacts are added too: the send excludes them.
 */
export async function addCsvToAudience(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  text: string,
  now: number,
) {
  const broadcast = await getBroadcast(db, workspaceId, id);
  if (broadcast.status !== "draft" && broadcast.status !== "scheduled")
    throw conflict(`A ${broadcast.status} broadcast's audience cannot be changed.`);
  const channel = await getChannelRow(db, workspaceId, broadcast.channelId);
  const workspace = await db.query.workspaces.findFirst({ where: eq(workspaces.id, workspaceId) });
  const column: AddressColumn = addressKindOf(channel.type);
  const { rows, rejected } = readRows(text, column, workspace?.defaultCountry ?? "US");
  const address = { column, identityKind: identityKind(channel) };
  const known = await knownContacts(
    db,
    workspaceId,
    address,
    rows.map((r) => r.address),
  );
  const fresh = rows
    .filter((r) => !known.has(r.address))
    .map((r, i) => ({ ...r, id: newId("ct", now + i) }));
  const newContacts = fresh.map((r) => ({
    id: r.id,
    workspaceId,
    name: r.name,
    phone: column === "phone" ? r.address : null,
    email: column === "email" ? r.address : null,
    language: null,
    timezone: null,
    customFields: {},
    consent: {},
    lastActivityAt: null,
    source: "import" as const,
    createdAt: now,
    updatedAt: now,
  }));
  const identities =
    column === "identity"
      ? fresh.map((r) => ({
          workspaceId,
          kind: address.identityKind,
          value: r.address,
          contactId: r.id,
        }))
      : [];
  const members = [...known.values(), ...fresh.map((r) => r.id)].map((contactId) => ({
    workspaceId,
    broadcastId: id,
    contactId,
  }));
  await writeTogether(db, [
    ...rowChunks(contacts, newContacts).map((chunk) => db.insert(contacts).values(chunk)),
    ...rowChunks(contactIdentities, identities).map((chunk) =>
      db.insert(contactIdentities).values(chunk),
    ),
    ...rowChunks(broadcastMembers, members).map((chunk) =>
      db.insert(broadcastMembers).values(chunk).onConflictDoNothing(),
    ),
    db
      .update(broadcasts)
      .set({ audience: { ...broadcast.audience, csv: true }, updatedAt: now })
      .where(inWorkspace(broadcasts, workspaceId, eq(broadcasts.id, id))),
  ]);
  // who listens to contact.created is asked once for all of them
  await recordAll(
    { db, env, interest: new InterestMemo() },
    workspaceId,
    newContacts.map((row) => ({ type: "contact.created", contact: toContactDto(row, []) })),
    now,
  );
  return {
    rows: rows.length + rejected.length,
    matched: known.size,
    created: fresh.length,
    rejected,
  };
}
