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

/**
 * Records of an RFC 4180 file: comma-separated, fields optionally in double quotes (a quote
 * inside written twice, line breaks allowed inside), CRLF or LF line ends, a UTF-8 byte-order
 * mark ignored. Blank lines are skipped. Stops at `maxRecords` + 1 so a caller can refuse more.
 */
export function parseCsv(text: string, maxRecords = Number.POSITIVE_INFINITY): CsvRecord[] {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== "") records.push({ line: recordLine, fields });
    fields = [];
    field = "";
  };
  while (i < source.length && records.length <= maxRecords) {
    const char = source[i];
    if (char === '"' && field === "") {
      const start = line;
      i++;
      for (;;) {
        if (i >= source.length) throw new CsvSyntaxError(start, "a quoted field is never closed");
        const inner = source[i];
        if (inner === '"' && source[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (inner === '"') {
          i++;
          break;
        } else {
          if (inner === "\n") line++;
          field += inner;
          i++;
        }
      }
      const next = source[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r")
        throw new CsvSyntaxError(line, "text follows a quoted field");
      continue;
    }
    if (char === ",") {
      fields.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && source[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (char === '"') {
      throw new CsvSyntaxError(line, "a quote inside an unquoted field");
    } else field += char;
    i++;
  }
  if (field !== "" || fields.length) endRecord();
  return records;
}
