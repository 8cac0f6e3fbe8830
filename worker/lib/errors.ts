import type { ZodError } from "zod";

export type FieldError = { path: string; message: string };

const PROBLEM_BASE = "https://conversa.dev/problems/";

/** An error that maps to an `application/problem+json` answer (RFC 9457). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }

  /** Headers the answer carries (Retry-After …). */
  headers: Record<string, string> = {};

  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }

  toJSON() {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...this.extra,
    };
  }
}

export const badRequest = (detail: string) =>
  new Problem(400, "bad-request", "Bad request", detail);
export const unauthorized = (detail = "Sign in or send a valid API key.") =>
  new Problem(401, "unauthorized", "Unauthorized", detail);
export const forbidden = (detail: string) => new Problem(403, "forbidden", "Forbidden", detail);
export const notFound = (what: string) =>
  new Problem(404, "not-found", "Not found", `${what} was not found.`);
export const conflict = (detail: string, field?: string) =>
  new Problem(
    409,
    "conflict",
    "Conflict",
    detail,
    field ? { errors: [{ path: field, message: detail }] } : {},
  );
export const payloadTooLarge = (limit: number) =>
  new Problem(
    413,
    "payload-too-large",
    "Payload too large",
    `Bodies are limited to ${limit} bytes.`,
  );
export const unsupportedMediaType = (detail: string) =>
  new Problem(415, "unsupported-media-type", "Unsupported media type", detail);

export const validationFailed = (errors: FieldError[]) =>
  new Problem(
    422,
    "validation-error",
    "Validation failed",
    errors.map((e) => `${e.path || "(body)"}: ${e.message}`).join("; "),
    { errors },
  );

export function fieldErrorsFromZod(
  error: ZodError,
  prefix: readonly PropertyKey[] = [],
): FieldError[] {
  const join = (path: readonly PropertyKey[]) => [...prefix, ...path].map(String).join(".");
  return error.issues.flatMap((issue) => {
    // keys that should not be there are reported on their parent; point at each key
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: join([...issue.path, key]),
        message: "unknown field",
      }));
    }
    return [{ path: join(issue.path), message: issue.message }];
  });
}

export function problemResponse(problem: Problem, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(problem.toJSON()), {
    status: problem.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
