import type { QaPair } from "../../db/schema";
import type { Db, Principal } from "../../lib/context";
import { CsvSyntaxError, parseCsv } from "../../lib/csv";
import { type FieldError, validationFailed } from "../../lib/errors";
import { MAX_PAIRS, QaPairSchema } from "../../schemas/knowledge";
import { htmlToMarkdown } from "./html";
import { storeIndexedSource } from "./sources";

export const MAX_KNOWLEDGE_FILE_BYTES = 5 * 1024 * 1024;
/** A refused file names at most this many of its faults. */
const MAX_ERRORS = 20;
const COLUMNS = ["question", "answer"] as const;

export type Rejected = { row: number; column: string; reason: string };

/** The header's `question` and `answer` columns; unknown, repeated or missing ones refuse the file. */
function readHeader(fields: string[]) {
  const errors: FieldError[] = [];
  const at = new Map<string, number>();
  for (const [i, raw] of fields.entries()) {
    const name = raw.trim().toLowerCase();
    if (!(COLUMNS as readonly string[]).includes(name))
      errors.push({ path: `header.${i}`, message: `unknown column (use ${COLUMNS.join(", ")})` });
    else if (at.has(name)) errors.push({ path: `header.${i}`, message: "repeats a column" });
    else at.set(name, i);
  }
  for (const column of COLUMNS)
    if (!at.has(column)) errors.push({ path: "header", message: `needs a ${column} column` });
  return { question: at.get("question") ?? 0, answer: at.get("answer") ?? 1, errors };
}

function records(text: string) {
  try {
    return parseCsv(text, MAX_PAIRS + 1);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw validationFailed([{ path: `rows.${error.line}`, message: error.message }]);
    throw error;
  }
}

/**
 * A CSV of questions and answers (header `question,answer`) as pairs, each row that is not a
 * valid pair left out with its line and reason; a file that is not such a list is refused whole.
 */
export function readQaCsv(text: string): { pairs: QaPair[]; rejected: Rejected[]; rows: number } {
  const [header, ...data] = records(text);
  if (!header || data.length === 0)
    throw validationFailed([{ path: "file", message: "give a header and at least one row" }]);
  if (data.length > MAX_PAIRS)
    throw validationFailed([{ path: "file", message: `has more than ${MAX_PAIRS} rows` }]);
  const columns = readHeader(header.fields);
  for (const record of data)
    if (record.fields.length !== header.fields.length)
      columns.errors.push({
        path: `rows.${record.line}`,
        message: `has ${record.fields.length} fields, the header ${header.fields.length}`,
      });
  if (columns.errors.length) throw validationFailed(columns.errors.slice(0, MAX_ERRORS));
  const pairs: QaPair[] = [];
  const rejected: Rejected[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { line, fields } of data) {
    const parsed = QaPairSchema.safeParse({
      question: fields[columns.question] ?? "",
      answer: fields[columns.answer] ?? "",
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const column = String(issue?.path[0] ?? "question");
      rejected.push({ row: line, column, reason: issue?.message ?? "is not valid" });
      continue;
    }
    const key = parsed.data.question.toLowerCase();
    const earlier = firstRowOf.get(key);
    if (earlier !== undefined) {
      rejected.push({ row: line, column: "question", reason: `repeats row ${earlier}` });
      continue;
    }
    firstRowOf.set(key, line);
    pairs.push(parsed.data);
  }
  if (pairs.length === 0)
    throw validationFailed(
      rejected
        .slice(0, MAX_ERRORS)
        .map((r) => ({ path: `rows.${r.row}.${r.column}`, message: r.reason })),
    );
  return { pairs, rejected, rows: data.length };
}

export async function importQaCsv(
  db: Db,
  env: Env,
  principal: Principal,
  text: string,
  title: string,
  now: number,
) {
  const { pairs, rejected, rows } = readQaCsv(text);
  const source = await storeIndexedSource(
    db,
    env,
    principal,
    { kind: "qa", title, content: null, pairs },
    "file",
    now,
  );
  return { source, rows, imported: pairs.length, rejected };
}

const MARKDOWN_NAME = /\.(md|markdown)$/i;
const TEXT_NAME = /\.(txt|text)$/i;
const HTML_NAME = /\.(html?|xhtml)$/i;

/** What a file holds, by its type or else its name: text, Markdown and HTML are read. */
function formatOf(file: { name: string; type: string }) {
  const type = file.type.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "text/html" || type === "application/xhtml+xml" || HTML_NAME.test(file.name))
    return "html";
  if (["text/markdown", "text/x-markdown"].includes(type) || MARKDOWN_NAME.test(file.name))
    return "markdown";
  if (type === "text/plain" || TEXT_NAME.test(file.name)) return "text";
  if (type === "application/pdf" || /\.pdf$/i.test(file.name)) return "pdf";
  return null;
}

/** Why a file was read but holds nothing to index: the source is kept, failed, saying so. */
type FileText = { text: string; title: string; error?: string };

/** A file's text as Markdown, or a 422 on `file` when it is not a kind Conversa reads. */
async function fileText(file: File): Promise<FileText> {
  const format = formatOf(file);
  if (format === "pdf") return pdfText(new Uint8Array(await file.arrayBuffer()));
  if (!format)
    throw validationFailed([
      { path: "file", message: "must be a text, Markdown, HTML or PDF file" },
    ]);
  const raw = new TextDecoder().decode(await file.arrayBuffer());
  if (/\p{Cc}/u.test(raw.replace(/[\t\n\r]/g, "")))
    throw validationFailed([{ path: "file", message: "is not a text file (control characters)" }]);
  const page = format === "html" ? await htmlToMarkdown(raw) : { text: raw.trim(), title: "" };
  if (!page.text) throw validationFailed([{ path: "file", message: "has no text" }]);
  return page;
}

/**
 * A PDF's text, each page under a "Page N" heading so a chunk cites its page. A PDF that cannot
 * be opened is refused (422); one with no text layer (a scan) is kept failed, saying so.
 */
async function pdfText(bytes: Uint8Array): Promise<FileText> {
  // pdf.js is large: loaded only when a PDF comes
  const { extractText, getDocumentProxy, getMeta } = await import("unpdf");
  let pages: string[];
  let title = "";
  try {
    const pdf = await getDocumentProxy(bytes, { verbosity: 0 }); // errors only: pdf.js warns on repairable files
    pages = (await extractText(pdf, { mergePages: false })).text;
    const info = (await getMeta(pdf)).info as { Title?: unknown };
    title = typeof info.Title === "string" ? info.Title.trim() : "";
  } catch {
    throw validationFailed([
      { path: "file", message: "is not a PDF that can be read (damaged or password-protected)" },
    ]);
  }
  const text = pages
    .map((page, i) => ({ page: i + 1, text: page.trim() }))
    .filter((page) => page.text)
    .map((page) => `# Page ${page.page}\n\n${page.text}`)
    .join("\n\n");
  if (text) return { text, title };
  return {
    text: "",
    title,
    error:
      "The PDF has no text to read: it looks scanned. Upload a PDF with a text layer (run text recognition on it first).",
  };
}

/** A source from an uploaded text, Markdown, HTML or PDF file, indexed (and embedded) at once. */
export async function createFileSource(
  db: Db,
  env: Env,
  principal: Principal,
  file: File,
  title: string | undefined,
  now: number,
) {
  const page = await fileText(file);
  return storeIndexedSource(
    db,
    env,
    principal,
    {
      kind: "file",
      title: (title || page.title || file.name || "File").slice(0, 200),
      fileName: file.name.slice(0, 255) || null,
      fileType: file.type || null,
      content: page.text,
      pairs: null,
      error: page.error ?? null,
    },
    "file",
    now,
  );
}
