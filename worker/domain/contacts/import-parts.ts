import type { ConsentByChannel, ContactSource, CustomFieldValue } from "../../db/schema";
import type { Db } from "../../lib/context";
import { newId } from "../../lib/ids";
import { type DomainEvent, InterestMemo, recordAll } from "../events/record";
import { tagsOf, toContactDto } from "./contacts";
import type { PreparedRow, RowProblem } from "./import-rows";
import type { ImportRow } from "./imports";

/** Rows a part of an import holds: one transaction of contacts, tags and the cursor's move. */
export const PART_ROWS = 500;
/** Phones and emails looked up per statement (each list is one JSON parameter). */
const LOOKUP_KEYS = 2_000;

/** A contact a row names, as stored. */
type Known = {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  language: string | null;
  timezone: string | null;
  customFields: Record<string, CustomFieldValue>;
  consent: ConsentByChannel;
  createdAt: number;
  lastActivityAt: number | null;
};

type KnownRow = Omit<Known, "customFields" | "consent"> & {
  custom_fields: string;
  consent: string;
  created_at: number;
  last_activity_at: number | null;
};

export type KnownContacts = { byPhone: Map<string, Known>; byEmail: Map<string, Known> };

const KNOWN_COLUMNS =
  "id, name, phone, email, language, timezone, custom_fields, consent, created_at, last_activity_at";

/** The workspace's contacts with any of these rows' phones or emails. */
export async function existingContacts(
  db: Db,
  workspaceId: string,
  rows: PreparedRow[],
): Promise<KnownContacts> {
  const found: KnownRow[] = [];
  for (let i = 0; i < rows.length; i += LOOKUP_KEYS) {
    const slice = rows.slice(i, i + LOOKUP_KEYS);
    const phones = slice.flatMap((r) => (r.phone ? [r.phone] : []));
    const emails = slice.flatMap((r) => (r.email ? [r.email] : []));
    const { results } = await db.$client
      .prepare(
        `SELECT ${KNOWN_COLUMNS} FROM contacts
          WHERE workspace_id = ?1 AND phone IN (SELECT value FROM json_each(?2))
         UNION
         SELECT ${KNOWN_COLUMNS} FROM contacts
          WHERE workspace_id = ?1 AND email IN (SELECT value FROM json_each(?3))`,
      )
      .bind(workspaceId, JSON.stringify(phones), JSON.stringify(emails))
      .all<KnownRow>();
    found.push(...results);
  }
  const known = found.map(({ custom_fields, consent, created_at, last_activity_at, ...c }) => ({
    ...c,
    customFields: JSON.parse(custom_fields),
    consent: JSON.parse(consent),
    createdAt: created_at,
    lastActivityAt: last_activity_at,
  }));
  return {
    byPhone: new Map(known.flatMap((c) => (c.phone ? [[c.phone, c] as const] : []))),
    byEmail: new Map(known.flatMap((c) => (c.email ? [[c.email, c] as const] : []))),
  };
}

export type MatchedPart = {
  rows: number;
  fresh: PreparedRow[];
  known: { row: PreparedRow; contact: Known }[];
  problems: RowProblem[];
};

/**
 * Each row as a new contact or a known one. A row whose phone and email are two different
 * contacts', or naming a contact an earlier row of the part already did, is a conflict.
 */
export function matchRows(rows: PreparedRow[], contacts: KnownContacts): MatchedPart {
  const matched: MatchedPart = { rows: rows.length, fresh: [], known: [], problems: [] };
  const lineOf = new Map<string, number>();
  const refuse = (row: PreparedRow, message: string) =>
    matched.problems.push({
      line: row.line,
      kind: "conflict",
      column: null,
      message,
      raw: row.raw,
    });
  for (const row of rows) {
    const byPhone = row.phone ? contacts.byPhone.get(row.phone) : undefined;
    const byEmail = row.email ? contacts.byEmail.get(row.email) : undefined;
    if (byPhone && byEmail && byPhone.id !== byEmail.id) {
      refuse(row, `the phone is ${byPhone.id}'s, the email ${byEmail.id}'s`);
      continue;
    }
    const contact = byPhone ?? byEmail;
    if (!contact) {
      matched.fresh.push(row);
      continue;
    }
    const earlier = lineOf.get(contact.id);
    if (earlier !== undefined) {
      refuse(row, `names the same contact as line ${earlier}`);
      continue;
    }
    lineOf.set(contact.id, row.line);
    matched.known.push({ row, contact });
  }
  return matched;
}

type Values = Pick<Known, "name" | "phone" | "email" | "language" | "timezone">;
const VALUE_KEYS = ["name", "phone", "email", "language", "timezone"] as const;

const consentOf = (row: PreparedRow, now: number): ConsentByChannel =>
  Object.fromEntries(
    Object.entries(row.consent).map(([channel, status]) => [
      channel,
      { status, at: now, source: "import" },
    ]),
  );

/** A known contact's values after the row, by the policy: empty ones filled, or all replaced. */
function updated(
  contact: Known,
  row: PreparedRow,
  policy: "fill_empty" | "overwrite",
  now: number,
) {
  const values = {} as Values;
  for (const key of VALUE_KEYS)
    values[key] =
      policy === "overwrite" ? (row[key] ?? contact[key]) : (contact[key] ?? row[key] ?? null);
  const consent = consentOf(row, now);
  return {
    id: contact.id,
    ...values,
    customFields:
      policy === "overwrite"
        ? { ...contact.customFields, ...row.fields }
        : { ...row.fields, ...contact.customFields },
    consent:
      policy === "overwrite"
        ? { ...contact.consent, ...consent }
        : { ...consent, ...contact.consent },
  };
}

const created = (row: PreparedRow, now: number) => ({
  id: newId("ct", now),
  name: row.name ?? null,
  phone: row.phone ?? null,
  email: row.email ?? null,
  language: row.language ?? null,
  timezone: row.timezone ?? null,
  customFields: row.fields,
  consent: consentOf(row, now),
});

const tagsFor = (job: ImportRow, row: PreparedRow) =>
  [...new Set([...job.tags, ...row.tags])].sort();

/** Only while the import's cursor is where this part began: a part is written once. */
const GUARD = `EXISTS (SELECT 1 FROM contact_imports
  WHERE contact_imports.workspace_id = ?1 AND contact_imports.id = ?2
    AND contact_imports.cursor = ?3 AND contact_imports.status = 'importing')`;

const INSERT_CONTACTS = `INSERT INTO contacts (id, workspace_id, name, phone, email, language, timezone,
    custom_fields, consent, source, created_at, updated_at)
  SELECT j.value ->> '$.id', ?1, j.value ->> '$.name', j.value ->> '$.phone', j.value ->> '$.email',
         j.value ->> '$.language', j.value ->> '$.timezone', j.value ->> '$.customFields',
         j.value ->> '$.consent', 'import', ?4, ?4
    FROM json_each(?5) AS j WHERE ${GUARD}`;

const UPDATE_CONTACTS = `UPDATE contacts SET name = j.value ->> '$.name', phone = j.value ->> '$.phone',
    email = j.value ->> '$.email', language = j.value ->> '$.language',
    timezone = j.value ->> '$.timezone', custom_fields = j.value ->> '$.customFields',
    consent = j.value ->> '$.consent', updated_at = ?4
  FROM json_each(?5) AS j
  WHERE contacts.workspace_id = ?1 AND contacts.id = j.value ->> '$.id' AND ${GUARD}`;

const INSERT_TAGS = `INSERT INTO contact_tags (workspace_id, contact_id, tag)
  SELECT ?1, j.value ->> '$.c', j.value ->> '$.t' FROM json_each(?5) AS j WHERE ${GUARD}
  ON CONFLICT DO NOTHING`;

const MOVE_CURSOR = `UPDATE contact_imports SET cursor = cursor + 1, rows_done = rows_done + ?4,
    created = created + ?5, updated = updated + ?6, skipped = skipped + ?7, invalid = invalid + ?8,
    updated_at = ?9,
    status = CASE WHEN cursor + 1 >= parts THEN 'done' ELSE status END,
    finished_at = CASE WHEN cursor + 1 >= parts THEN ?9 ELSE finished_at END
  WHERE workspace_id = ?1 AND id = ?2 AND cursor = ?3 AND status = 'importing'
  RETURNING cursor`;

/**
 * Writes a part: new contacts (source `import`), known ones by the import's policy, the batch's
 * and the rows' tags, and the cursor's move, in one transaction taken only while the cursor is
 * where the part began. Answers whether this call wrote it; then the contacts' events follow.
 */
export async function writePart(db: Db, env: Env, job: ImportRow, part: MatchedPart, now: number) {
  const fresh = part.fresh.map((row) => ({ row, contact: created(row, now) }));
  const policy = job.policy;
  const changed =
    policy === "skip"
      ? []
      : part.known.map(({ row, contact }) => ({
          row,
          contact: updated(contact, row, policy, now),
        }));
  const tags = [...fresh, ...changed].flatMap(({ row, contact }) =>
    tagsFor(job, row).map((t) => ({ c: contact.id, t })),
  );
  const key = [job.workspaceId, job.id, job.cursor, now] as const;
  const statement = (sql: string, json: unknown[]) =>
    db.$client.prepare(sql).bind(...key, JSON.stringify(json));
  const results = await db.$client.batch([
    ...(fresh.length
      ? [
          statement(
            INSERT_CONTACTS,
            fresh.map((f) => f.contact),
          ),
        ]
      : []),
    ...(changed.length
      ? [
          statement(
            UPDATE_CONTACTS,
            changed.map((c) => c.contact),
          ),
        ]
      : []),
    ...(tags.length ? [statement(INSERT_TAGS, tags)] : []),
    db.$client
      .prepare(MOVE_CURSOR)
      .bind(
        job.workspaceId,
        job.id,
        job.cursor,
        part.rows,
        fresh.length,
        changed.length,
        part.known.length - changed.length,
        part.problems.length,
        now,
      ),
  ]);
  const moved = (results.at(-1)?.results.length ?? 0) > 0;
  if (moved) {
    const before = new Map(part.known.map((k) => [k.contact.id, k.contact]));
    await recordContactEvents(
      db,
      env,
      job,
      fresh.map((f) => ({ ...f.contact, tags: tagsFor(job, f.row) })),
      changed.map((c) => ({ ...before.get(c.contact.id), ...c.contact })),
      now,
    );
  }
  return moved;
}

type Written = ReturnType<typeof created> & {
  tags?: string[];
  createdAt?: number;
  lastActivityAt?: number | null;
};

/** contact.created for the new contacts, contact.updated for the known ones the part changed. */
async function recordContactEvents(
  db: Db,
  env: Env,
  job: ImportRow,
  fresh: Written[],
  changed: Written[],
  now: number,
) {
  const workspaceId = job.workspaceId;
  const tagsNow = await tagsOf(
    db,
    workspaceId,
    changed.map((c) => c.id),
  );
  const dto = (c: Written) =>
    toContactDto(
      {
        ...c,
        workspaceId,
        source: "import" as ContactSource,
        createdAt: c.createdAt ?? now,
        lastActivityAt: c.lastActivityAt ?? null,
        updatedAt: now,
      },
      c.tags ?? tagsNow.get(c.id) ?? [],
    );
  const events: DomainEvent[] = [
    ...fresh.map((c) => ({ type: "contact.created" as const, contact: dto(c) })),
    ...changed.map((c) => ({ type: "contact.updated" as const, contact: dto(c) })),
  ];
  await recordAll({ db, env, interest: new InterestMemo() }, workspaceId, events, now);
}
