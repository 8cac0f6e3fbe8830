import { desc, eq } from "drizzle-orm";
import { contactImports, type ImportPolicy, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { CsvSyntaxError, csvRows, parseCsv, toCsv } from "../../lib/csv";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { isoOrNull, toIso } from "../../schemas/common";
import { listContactFields } from "./fields";
import { existingContacts, matchRows, PART_ROWS, writePart } from "./import-parts";
import {
  mappingErrors,
  PROBLEM_KINDS,
  type PreparedRow,
  prepareRows,
  type RowProblem,
  type RowReader,
  suggestMapping,
} from "./import-rows";

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;
const SAMPLE_ROWS = 5;
/** A dry run names at most this many rows per kind of problem. */
const EXAMPLES_PER_KIND = 10;
/** Parts written per turn of the queue, before the next turn is queued. */
const PARTS_PER_TURN = 20;

export type ImportRow = typeof contactImports.$inferSelect;
export type ImportJob = { workspaceId: string; importId: string };

const folder = (row: Pick<ImportRow, "workspaceId" | "id">) =>
  `imports/${row.workspaceId}/${row.id}`;
const sourceKey = (row: Pick<ImportRow, "workspaceId" | "id">) => `${folder(row)}/source.csv`;
const partKey = (row: ImportRow, part: number) =>
  `${folder(row)}/part-${String(part).padStart(6, "0")}.json`;
/** Rows refused while the file is read (`file`), and while each part is written. */
const errorsKey = (row: ImportRow, part: number | "file") =>
  `${folder(row)}/errors-${part === "file" ? "file" : String(part).padStart(6, "0")}.csv`;

export const toImportDto = (row: ImportRow) => ({
  id: row.id,
  filename: row.filename,
  status: row.status,
  headers: row.headers,
  mapping: row.mapping,
  sample: row.sample,
  policy: row.policy,
  tags: row.tags,
  rows_in_file: row.rowsInFile,
  rows_done: row.rowsDone,
  progress: row.status === "done" ? 1 : row.rowsInFile === 0 ? 0 : row.rowsDone / row.rowsInFile,
  created: row.created,
  updated: row.updated,
  skipped: row.skipped,
  invalid: row.invalid,
  duplicates: row.duplicates,
  error: row.error,
  errors_url: row.status === "done" ? `/api/v1/contact-imports/${row.id}/errors.csv` : null,
  created_at: toIso(row.createdAt),
  finished_at: isoOrNull(row.finishedAt),
});

/** The file's records, or a 422 naming the line where it stops being CSV. */
function parseFile(text: string) {
  try {
    return parseCsv(text, MAX_IMPORT_ROWS + 1);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw validationFailed([{ path: `file.line.${error.line}`, message: error.message }]);
    throw error;
  }
}

/**
 * Keeps an uploaded CSV and answers its columns, a mapping suggested from their names (English,
 * Spanish, Portuguese, and the workspace's custom fields) and its first rows. Nothing is
 * imported until the import is committed.
 */
export async function createImport(
  db: Db,
  env: Env,
  principal: Principal,
  file: { name: string; text: string },
  now: number,
) {
  const [header, ...rows] = parseFile(file.text);
  if (!header || rows.length === 0)
    throw validationFailed([{ path: "file", message: "give a header and at least one row" }]);
  if (rows.length > MAX_IMPORT_ROWS)
    throw validationFailed([{ path: "file", message: `has more than ${MAX_IMPORT_ROWS} rows` }]);
  const headers = header.fields.map((h) => h.trim());
  const fields = await listContactFields(db, principal.workspaceId);
  const id = newId("imp", now);
  const keys = { workspaceId: principal.workspaceId, id };
  await env.FILES.put(sourceKey(keys), file.text, {
    httpMetadata: { contentType: "text/csv; charset=utf-8" },
  });
  const [row] = await db
    .insert(contactImports)
    .values({
      ...keys,
      filename: file.name.slice(0, 200),
      headers,
      mapping: suggestMapping(headers, fields),
      sample: rows.slice(0, SAMPLE_ROWS).map((r) => r.fields),
      rowsInFile: rows.length,
      requestedBy: principal.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("the import was not stored");
  return row;
}

export async function getImportRow(db: Db, workspaceId: string, id: string) {
  const row = await db.query.contactImports.findFirst({
    where: inWorkspace(contactImports, workspaceId, eq(contactImports.id, id)),
  });
  if (!row) throw notFound("Import");
  return row;
}

export const listImports = (db: Db, workspaceId: string) =>
  db
    .select()
    .from(contactImports)
    .where(inWorkspace(contactImports, workspaceId))
    .orderBy(desc(contactImports.createdAt))
    .limit(20);

const assertUploaded = (row: ImportRow) => {
  if (row.status !== "uploaded")
    throw conflict(`The import is ${row.status}: it can no longer be changed.`);
};

export type ImportPatch = {
  mapping?: (string | null)[] | undefined;
  policy?: ImportPolicy | undefined;
  tags?: string[] | undefined;
};

/** The import's row while it is still being set up: a change after its commit changes nothing. */
const whileUploaded = (workspaceId: string, id: string) =>
  inWorkspace(
    contactImports,
    workspaceId,
    eq(contactImports.id, id),
    eq(contactImports.status, "uploaded"),
  );

/** Changes what the columns become, the policy for known contacts or the batch's tags. */
export async function updateImport(
  db: Db,
  workspaceId: string,
  id: string,
  patch: ImportPatch,
  now: number,
) {
  const row = await getImportRow(db, workspaceId, id);
  assertUploaded(row);
  if (patch.mapping) {
    const fields = await listContactFields(db, workspaceId);
    const errors = mappingErrors(patch.mapping, row.headers, fields);
    if (errors.length) throw validationFailed(errors);
  }
  const [updated] = await db
    .update(contactImports)
    .set({
      ...(patch.mapping ? { mapping: patch.mapping } : {}),
      ...(patch.policy ? { policy: patch.policy } : {}),
      ...(patch.tags ? { tags: [...new Set(patch.tags.map((t) => t.toLowerCase()))] } : {}),
      updatedAt: now,
    })
    .where(whileUploaded(workspaceId, id))
    .returning();
  if (!updated) throw conflict("The import was committed meanwhile.");
  return updated;
}

/** How the file is read: its mapping (naming a phone or an email), fields and default country. */
async function readerFor(db: Db, row: ImportRow): Promise<RowReader> {
  if (!row.mapping.includes("phone") && !row.mapping.includes("email"))
    throw validationFailed([
      { path: "mapping", message: "map a column to phone or email: contacts are matched by them" },
    ]);
  const [fields, workspace] = await Promise.all([
    listContactFields(db, row.workspaceId),
    db.query.workspaces.findFirst({
      columns: { defaultCountry: true },
      where: eq(workspaces.id, row.workspaceId),
    }),
  ]);
  return {
    headers: row.headers,
    mapping: row.mapping,
    fields,
    defaultCountry: workspace?.defaultCountry ?? "US",
  };
}

/** The rows below the header, from the stored file. */
async function readSource(env: Env, row: ImportRow) {
  const object = await env.FILES.get(sourceKey(row));
  if (!object) throw new Error(`the file of import ${row.id} is gone`);
  return parseFile(await object.text()).slice(1);
}

/** The valid rows in parts, as the commit writes them. */
const inParts = (rows: PreparedRow[]) =>
  Array.from({ length: Math.ceil(rows.length / PART_ROWS) }, (_, i) =>
    rows.slice(i * PART_ROWS, (i + 1) * PART_ROWS),
  );

/**
 * What committing would do, with nothing stored: rows that would create or update contacts, or
 * be skipped as known ones, and the first rows of each kind of problem. Rows are matched with
 * existing contacts part by part, as the commit does.
 */
export async function dryRun(db: Db, env: Env, workspaceId: string, id: string) {
  const row = await getImportRow(db, workspaceId, id);
  const reader = await readerFor(db, row);
  const { valid, problems, invalid, duplicates } = prepareRows(await readSource(env, row), reader);
  let toCreate = 0;
  let known = 0;
  let conflicts = 0;
  for (const part of inParts(valid)) {
    const matched = matchRows(part, await existingContacts(db, workspaceId, part));
    toCreate += matched.fresh.length;
    known += matched.known.length;
    conflicts += matched.problems.length;
    problems.push(...matched.problems);
  }
  const unmapped = row.headers.filter((_, i) => !row.mapping[i]);
  return {
    rows: row.rowsInFile,
    to_create: toCreate,
    to_update: row.policy === "skip" ? 0 : known,
    to_skip: row.policy === "skip" ? known : 0,
    invalid: invalid + conflicts,
    duplicates,
    unmapped_columns: unmapped,
    problems: PROBLEM_KINDS.map((kind) => {
      const ofKind = problems.filter((p) => p.kind === kind);
      return {
        kind,
        count: new Set(ofKind.map((p) => p.line)).size,
        examples: ofKind
          .slice(0, EXAMPLES_PER_KIND)
          .map((p) => ({ line: p.line, column: p.column, message: p.message })),
      };
    }).filter((p) => p.count > 0),
  };
}

/** Starts writing the import in the background: the queue reads the file, then its parts. */
export async function commitImport(db: Db, env: Env, workspaceId: string, id: string, now: number) {
  const row = await getImportRow(db, workspaceId, id);
  assertUploaded(row);
  await readerFor(db, row);
  const [started] = await db
    .update(contactImports)
    .set({ status: "preparing", updatedAt: now })
    .where(whileUploaded(workspaceId, id))
    .returning();
  if (!started) throw conflict("The import was committed meanwhile.");
  await env.IMPORTS.send({ workspaceId, importId: id } satisfies ImportJob);
  return started;
}

/** A refused row of the errors file: its line, its cells as given, and what is wrong. */
function errorLines(problems: RowProblem[]) {
  const byLine = new Map<number, { raw: string[]; reasons: string[] }>();
  for (const p of problems) {
    const entry = byLine.get(p.line) ?? { raw: p.raw, reasons: [] };
    entry.reasons.push(p.column ? `${p.column}: ${p.message}` : p.message);
    byLine.set(p.line, entry);
  }
  return [...byLine].map(([line, { raw, reasons }]) => [line, reasons.join("; "), ...raw]);
}

/** The file's rows checked and cut into parts in storage; then the import moves to its parts. */
async function prepareImport(db: Db, env: Env, row: ImportRow, now: number) {
  const reader = await readerFor(db, row);
  const { valid, problems, invalid, duplicates } = prepareRows(await readSource(env, row), reader);
  const parts = inParts(valid);
  for (const [i, part] of parts.entries())
    await env.FILES.put(partKey(row, i), JSON.stringify(part));
  await env.FILES.put(errorsKey(row, "file"), csvRows(errorLines(problems)));
  const done = parts.length === 0;
  await db
    .update(contactImports)
    .set({
      status: done ? "done" : "importing",
      parts: parts.length,
      cursor: 0,
      rowsDone: invalid + duplicates,
      invalid,
      duplicates,
      updatedAt: now,
      finishedAt: done ? now : null,
    })
    .where(
      inWorkspace(
        contactImports,
        row.workspaceId,
        eq(contactImports.id, row.id),
        eq(contactImports.status, "preparing"),
      ),
    );
}

async function readPart(env: Env, row: ImportRow): Promise<PreparedRow[]> {
  const object = await env.FILES.get(partKey(row, row.cursor));
  if (!object) throw new Error(`part ${row.cursor} of import ${row.id} is gone`);
  return object.json<PreparedRow[]>();
}

/**
 * The import's next steps: reading the file into parts, then writing parts one by one; then the
 * next turn is queued. A part's contacts land with the cursor's move, only while the cursor is
 * where the part began: a turn delivered twice, or run again after a restart, writes nothing twice
 * and skips nothing.
 */
export async function continueImport(db: Db, env: Env, job: ImportJob, now: number) {
  for (let turn = 0; turn < PARTS_PER_TURN; turn++) {
    const row = await getImportRow(db, job.workspaceId, job.importId);
    if (row.status === "preparing") {
      await prepareImport(db, env, row, now);
      continue;
    }
    if (row.status !== "importing") return;
    const part = await readPart(env, row);
    const known = await existingContacts(db, row.workspaceId, part);
    const matched = matchRows(part, known);
    if (matched.problems.length)
      await env.FILES.put(errorsKey(row, row.cursor), csvRows(errorLines(matched.problems)));
    const moved = await writePart(db, env, row, matched, now);
    if (!moved) return;
  }
  await env.IMPORTS.send(job);
}

/** An import that kept failing: marked so, with the reason. */
export async function failImport(db: Db, job: ImportJob, reason: string, now: number) {
  await db
    .update(contactImports)
    .set({ status: "failed", error: reason.slice(0, 500), updatedAt: now, finishedAt: now })
    .where(inWorkspace(contactImports, job.workspaceId, eq(contactImports.id, job.importId)));
}

/** The refused rows of a finished import: its line, why, then the row's cells as given. */
export function errorsFile(env: Env, row: ImportRow): ReadableStream<Uint8Array> {
  const keys = [
    errorsKey(row, "file"),
    ...Array.from({ length: row.parts }, (_, i) => errorsKey(row, i)),
  ];
  let next = 0;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(toCsv(["line", "problem", ...row.headers], [])));
    },
    async pull(controller) {
      while (next < keys.length) {
        const object = await env.FILES.get(keys[next++] ?? "");
        if (object) return controller.enqueue(new Uint8Array(await object.arrayBuffer()));
      }
      controller.close();
    },
  });
}
