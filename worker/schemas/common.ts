import { z } from "@hono/zod-openapi";

export const IdParam = (prefix: string) =>
  z.object({
    id: z
      .string()
      .max(64)
      .openapi({
        param: { name: "id", in: "path" },
        example: `${prefix}_01JD0000000000000000000000`,
      }),
  });

/** Control characters (C0, DEL, C1), line and paragraph separators, lone surrogates. */
const NOT_SINGLE_LINE = /[\p{Cc}\p{Zl}\p{Zp}]|\p{Cs}/u;
/** The same, less the line breaks and tabs a multi-line text keeps. */
const NOT_MULTI_LINE = /[^\P{Cc}\t\n\r]|\p{Cs}/u;

/** Printable text on one line: what `singleLine` takes, for text read outside a schema. */
export const isSingleLine = (text: string) => !NOT_SINGLE_LINE.test(text);

/**
 * Names, labels, tags, titles and other one-line fields: printable text only. NUL and its kin
 * break CSV exports, search and most databases downstream. Add it after `trim()`:
 * `z.string().trim().min(1).max(100).check(singleLine)`.
 */
export const singleLine = z.refine<string>((text) => isSingleLine(text), {
  message: "must be printable text on one line (no control characters)",
});

/** Message bodies, notes and other multi-line texts: line breaks and tabs, no other control characters. */
export const multiLine = z.refine<string>((text) => !NOT_MULTI_LINE.test(text), {
  message: "must not contain control characters other than line breaks and tabs",
});

export const Timestamp = z.iso.datetime().openapi({ example: "2026-11-22T10:00:00.000Z" });

export const toIso = (ms: number) => new Date(ms).toISOString();

/** A time that may be unset, as the API writes it: ISO 8601 or null. */
export const isoOrNull = (ms: number | null) => (ms === null ? null : toIso(ms));

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** The error answers every authenticated route can give. */
export const errorResponses = {
  400: problem("Malformed request"),
  401: problem("Not signed in"),
  403: problem("Not allowed"),
  404: problem("Not found"),
  409: problem("Conflict"),
  413: problem("Body too large"),
  422: problem("Validation failed"),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { "application/json": { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
