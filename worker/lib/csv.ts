import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { payloadTooLarge, validationFailed } from "./errors";

/** A CSV record and the line of the file it starts on (1-based). */
export type CsvRecord = { line: number; fields: string[] };

/** Where a file stops being CSV. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

type Parsed = { record: string[]; info: { lines: number }; raw: string };

/** The line a record starts on: where it ends, less the line breaks inside its quoted fields. */
function startLine({ info, raw }: Parsed) {
  const content = raw.replace(/^(\r?\n)+/, "").replace(/\r?\n$/, "");
  return info.lines - (content.match(/\n/g)?.length ?? 0);
}

/**
 * Records of an RFC 4180 file: comma-separated, fields optionally in double quotes, CRLF or LF
 * line ends, a UTF-8 byte-order mark ignored, blank lines skipped; rows may differ in length
 * (the caller says which is wrong). Reads one record past `maxRecords`, so a caller can
 * tell a file that is too long.
 */
export function parseCsv(text: string, maxRecords = Number.POSITIVE_INFINITY): CsvRecord[] {
  try {
    const parsed = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      raw: true,
      ...(Number.isFinite(maxRecords) ? { to: maxRecords + 1 } : {}),
    }) as unknown as Parsed[];
    return parsed.map((p) => ({ line: startLine(p), fields: p.record }));
  } catch (error) {
    if (error instanceof CsvError)
      throw new CsvSyntaxError(Number(error.lines ?? 0), error.message.replace(/^[^:]*: /, ""));
    throw error;
  }
}

/**
 * A CSV file of a header and rows. A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return gets a leading `'`, so a spreadsheet shows it as text instead of running it.
 */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return csvRows([header, ...rows]);
}

type CsvCell = string | number | null;

/** CSV lines without a header, escaped as `toCsv` does: a later part of a long file. */
export const csvRows = (rows: CsvCell[][]): string =>
  stringify(rows, { escape_formulas: true, record_delimiter: "\r\n" });

/** A CSV download named `filename`. */
export function csvResponse(csv: string, filename: string): Response {
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
    },
  });
}

type Upload = { header(name: string): string | undefined; text(): Promise<string> };

/**
 * An uploaded CSV file, sent as `text/csv` or as the `file` field of a multipart form: its name
 * and text, refused past `maxBytes`.
 */
export async function uploadedCsv(request: Upload, form: unknown, maxBytes: number) {
  if (Number(request.header("content-length") ?? 0) > maxBytes + 64 * 1024)
    throw payloadTooLarge(maxBytes);
  const file = (form as { file?: unknown } | undefined)?.file;
  const multipart = (request.header("content-type") ?? "").startsWith("multipart/");
  if (multipart && !(file instanceof File))
    throw validationFailed([{ path: "file", message: "attach a CSV file" }]);
  const text = file instanceof File ? await file.text() : await request.text();
  if (new TextEncoder().encode(text).length > maxBytes) throw payloadTooLarge(maxBytes);
  return { name: file instanceof File && file.name ? file.name : "import.csv", text };
}
