import {
  CONSENT_CHANNELS,
  type ConsentChannel,
  type ConsentStatus,
  type CustomFieldValue,
} from "../../db/schema";
import type { CsvRecord } from "../../lib/csv";
import type { FieldError } from "../../lib/errors";
import { isSingleLine } from "../../schemas/common";
import { isTimeZone } from "../../schemas/contacts";
import { normalizeEmail, normalizePhone, normalizeTags } from "./contacts";
import { type FieldDefinition, fieldValueFromText } from "./fields";

/** What a column of the file can become on the contact. */
export const PLAIN_TARGETS = ["name", "phone", "email", "language", "timezone", "tags"] as const;
type PlainTarget = (typeof PLAIN_TARGETS)[number];

/** Header names (lower-case, without accents or punctuation) each target is suggested for. */
const HEADER_NAMES: Record<PlainTarget, string[]> = {
  name: [
    "name",
    "full name",
    "fullname",
    "contact",
    "contact name",
    "customer",
    "client",
    "nombre",
    "nombre completo",
    "contacto",
    "cliente",
    "nome",
    "nome completo",
    "contato",
  ],
  phone: [
    "phone",
    "phone number",
    "mobile",
    "mobile number",
    "cell",
    "cellphone",
    "cell phone",
    "telephone",
    "tel",
    "whatsapp",
    "telefono",
    "numero",
    "numero de telefono",
    "celular",
    "movil",
    "telefone",
    "numero de telefone",
    "telemovel",
  ],
  email: [
    "email",
    "e mail",
    "mail",
    "email address",
    "e mail address",
    "correo",
    "correo electronico",
    "email de contacto",
    "endereco de email",
    "endereco de e mail",
  ],
  language: ["language", "lang", "locale", "idioma", "lengua", "lingua"],
  timezone: ["timezone", "time zone", "tz", "zona horaria", "fuso horario"],
  tags: ["tags", "tag", "labels", "etiquetas", "etiqueta", "marcadores", "segmento"],
};

const CONSENT_WORDS = ["consent", "opt in", "optin", "consentimiento", "consentimento", "acepta"];

/** A header as compared with the names above: lower-case, no accents, words split by spaces. */
export const headerKey = (header: string) =>
  header
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

function suggestTarget(header: string, fields: FieldDefinition[]): string | null {
  const key = headerKey(header);
  for (const target of PLAIN_TARGETS) if (HEADER_NAMES[target].includes(key)) return target;
  const field = fields.find((f) => headerKey(f.key) === key || headerKey(f.label) === key);
  if (field) return `field:${field.key}`;
  if (CONSENT_WORDS.some((word) => key.includes(word))) {
    const channel = CONSENT_CHANNELS.find((c) => key.includes(c));
    if (channel) return `consent:${channel}`;
  }
  return null;
}

/** Per column, the target its header suggests (each target once, the first column taking it). */
export function suggestMapping(headers: string[], fields: FieldDefinition[]): (string | null)[] {
  const taken = new Set<string>();
  return headers.map((header) => {
    const target = suggestTarget(header, fields);
    if (!target || taken.has(target)) return null;
    taken.add(target);
    return target;
  });
}

/** Refusals of a mapping: one target per column at most, naming the workspace's fields. */
export function mappingErrors(
  mapping: (string | null)[],
  headers: string[],
  fields: FieldDefinition[],
): FieldError[] {
  const errors: FieldError[] = [];
  if (mapping.length !== headers.length)
    errors.push({ path: "mapping", message: `give one entry per column (${headers.length})` });
  const seen = new Map<string, number>();
  for (const [i, target] of mapping.entries()) {
    if (target === null) continue;
    const path = `mapping.${i}`;
    const earlier = seen.get(target);
    if (earlier !== undefined) errors.push({ path, message: `repeats column ${earlier + 1}` });
    seen.set(target, i);
    const [kind, name = ""] = target.split(":", 2);
    if (kind === "field" && !fields.some((f) => f.key === name))
      errors.push({ path, message: `no field "${name}" (define it under /contact-fields)` });
    else if (kind === "consent" && !(CONSENT_CHANNELS as readonly string[]).includes(name))
      errors.push({ path, message: `no channel "${name}" (${CONSENT_CHANNELS.join(", ")})` });
    else if (
      kind !== "field" &&
      kind !== "consent" &&
      !(PLAIN_TARGETS as readonly string[]).includes(target)
    )
      errors.push({
        path,
        message: `use one of ${PLAIN_TARGETS.join(", ")}, field:<key>, consent:<channel> or null`,
      });
  }
  return errors;
}

/** A row checked and in the form contacts keep it. */
export type PreparedRow = {
  line: number;
  raw: string[];
  name?: string;
  phone?: string;
  email?: string;
  language?: string;
  timezone?: string;
  tags: string[];
  fields: Record<string, CustomFieldValue>;
  consent: Partial<Record<ConsentChannel, ConsentStatus>>;
};

export const PROBLEM_KINDS = [
  "invalid_phone",
  "invalid_email",
  "invalid_value",
  "no_address",
  "bad_row",
  "duplicate_in_file",
  "conflict",
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** Why a row is left out: its line in the file (the header is line 1) and the column at fault. */
export type RowProblem = {
  line: number;
  kind: ProblemKind;
  column: string | null;
  message: string;
  raw: string[];
};

const YES = new Set(["yes", "y", "true", "1", "si", "sim", "opted in", "opt in", "subscribed"]);
const NO = new Set(["no", "n", "false", "0", "nao", "opted out", "opt out", "unsubscribed"]);

/** The settings a file is read with: its mapping, the workspace's fields and default country. */
export type RowReader = {
  headers: string[];
  mapping: (string | null)[];
  fields: FieldDefinition[];
  defaultCountry: string;
};

type Cell = { target: string; column: string; text: string };
type Found = { row: PreparedRow; problems: Omit<RowProblem, "line" | "raw">[] };

const LIMITS: Record<string, number> = { name: 200, language: 35, timezone: 64 };

/** One cell into the row, or a problem. */
function readCell(cell: Cell, reader: RowReader, found: Found) {
  const { target, column, text } = cell;
  const refuse = (kind: ProblemKind, message: string) =>
    found.problems.push({ kind, column, message });
  if (!isSingleLine(text)) return refuse("invalid_value", "has control characters or line breaks");
  const { row } = found;
  if (target === "phone") {
    const phone = normalizePhone(text, reader.defaultCountry);
    if (phone) row.phone = phone;
    else refuse("invalid_phone", `is not a valid phone number (for ${reader.defaultCountry})`);
  } else if (target === "email") {
    const email = normalizeEmail(text);
    if (email) row.email = email;
    else refuse("invalid_email", "is not a valid email address");
  } else if (target === "tags") {
    const tags = normalizeTags(text.split(/[;,|]/)).filter((t) => t !== "");
    if (tags.some((t) => t.length > 64)) refuse("invalid_value", "has a tag over 64 characters");
    else row.tags.push(...tags);
  } else if (target === "name" || target === "language" || target === "timezone") {
    if (text.length > (LIMITS[target] ?? 0))
      return refuse("invalid_value", `is longer than ${LIMITS[target]} characters`);
    if (target === "timezone" && !isTimeZone(text))
      return refuse("invalid_value", "is not a time zone such as Europe/Madrid");
    row[target] = text;
  } else if (target.startsWith("field:")) {
    const field = reader.fields.find((f) => `field:${f.key}` === target);
    if (!field) return;
    const value = text.length > 1000 ? { problem: "is longer than 1000 characters" } : null;
    const typed = value ?? fieldValueFromText(field, text);
    if (typeof typed === "object") refuse("invalid_value", typed.problem);
    else row.fields[field.key] = typed;
  } else if (target.startsWith("consent:")) {
    const channel = target.slice("consent:".length) as ConsentChannel;
    const answer = headerKey(text);
    if (YES.has(answer)) row.consent[channel] = "opted_in";
    else if (NO.has(answer)) row.consent[channel] = "opted_out";
    else refuse("invalid_value", "says neither yes nor no");
  }
}

/** A record of the file as a contact's values, and what is wrong with it. */
export function readRow(record: CsvRecord, reader: RowReader): Found {
  const found: Found = {
    row: { line: record.line, raw: record.fields, tags: [], fields: {}, consent: {} },
    problems: [],
  };
  if (record.fields.length !== reader.headers.length) {
    const message = `has ${record.fields.length} fields, the header ${reader.headers.length}`;
    found.problems.push({ kind: "bad_row", column: null, message });
    return found;
  }
  for (const [i, target] of reader.mapping.entries()) {
    const text = (record.fields[i] ?? "").trim();
    if (target && text) readCell({ target, column: reader.headers[i] ?? "", text }, reader, found);
  }
  const addressFailed = found.problems.some(
    (p) => p.kind === "invalid_phone" || p.kind === "invalid_email",
  );
  if (!found.row.phone && !found.row.email && !addressFailed)
    found.problems.push({ kind: "no_address", column: null, message: "has no phone or email" });
  found.row.tags = normalizeTags(found.row.tags);
  return found;
}

/**
 * The file's rows checked: the valid ones, each phone and email once (a later row repeating an
 * earlier one's is a duplicate), and the problems of the others.
 */
export function prepareRows(records: CsvRecord[], reader: RowReader) {
  const valid: PreparedRow[] = [];
  const problems: RowProblem[] = [];
  const firstLineOf = new Map<string, number>();
  let invalid = 0;
  let duplicates = 0;
  for (const record of records) {
    const { row, problems: found } = readRow(record, reader);
    if (found.length) {
      invalid += 1;
      for (const p of found) problems.push({ ...p, line: row.line, raw: row.raw });
      continue;
    }
    const keys = (["phone", "email"] as const).flatMap((target) =>
      row[target] ? [{ target, key: `${target}:${row[target]}` }] : [],
    );
    const repeated = keys.find(({ key }) => firstLineOf.has(key));
    if (repeated) {
      duplicates += 1;
      const column = reader.headers[reader.mapping.indexOf(repeated.target)] ?? null;
      const message = `repeats line ${firstLineOf.get(repeated.key)}`;
      problems.push({ line: row.line, kind: "duplicate_in_file", column, message, raw: row.raw });
      continue;
    }
    for (const { key } of keys) firstLineOf.set(key, row.line);
    valid.push(row);
  }
  return { valid, problems, invalid, duplicates };
}
