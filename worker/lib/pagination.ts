import { z } from "@hono/zod-openapi";

export const pageQuery = {
  cursor: z
    .string()
    .regex(/^[a-z]+_[0-9A-Z]{26}$/, "not a cursor returned by this API")
    .optional()
    .openapi({ description: "`next_cursor` of the previous page" }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
};

/** Rows come ordered newest first by id; one extra row tells whether another page exists. */
export function toPage<T extends { id: string }>(rows: T[], limit: number) {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data, next_cursor: rows.length > limit && last ? last.id : null };
}

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });
