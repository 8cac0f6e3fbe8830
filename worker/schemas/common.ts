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

export const Timestamp = z.iso.datetime().openapi({ example: "2026-11-22T10:00:00.000Z" });

export const toIso = (ms: number) => new Date(ms).toISOString();

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
