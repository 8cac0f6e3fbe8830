import { z } from "@hono/zod-openapi";
import { CONVERSATION_STATUSES, EXPORT_KINDS, EXPORT_STATUSES } from "../db/schema";
import { singleLine, Timestamp } from "./common";
import { FilterText, parseFieldFilters, TagName } from "./contacts";

const ContactsExport = z.strictObject({
  kind: z.literal("contacts"),
  filters: z
    .strictObject({
      q: z.string().trim().max(100).check(singleLine).optional(),
      tag: TagName.optional(),
      segment_id: z.string().max(64).optional(),
      // each filter's text checked where it sits (`filters.field.0`), then parsed as the list's
      field: z
        .array(FilterText)
        .max(10)
        .optional()
        .transform(parseFieldFilters)
        .openapi({
          description:
            "Custom field filters, `key:operator:value`, as the contacts list takes them",
          type: "array",
          items: { type: "string" },
        }),
    })
    .default({ field: undefined })
    .openapi({ description: "The contacts list's filters; every contact when absent" }),
});

const ConversationsExport = z.strictObject({
  kind: z.literal("conversations"),
  filters: z
    .strictObject({
      status: z.enum(CONVERSATION_STATUSES).optional(),
      channel_id: z.string().max(64).optional(),
      from: z.iso.date().optional().openapi({ description: "Opened on or after (UTC)" }),
      to: z.iso.date().optional().openapi({ description: "Opened on or before (UTC)" }),
    })
    .default({})
    .openapi({ description: "Every conversation when absent" }),
});

export const ExportCreate = z
  .discriminatedUnion("kind", [ContactsExport, ConversationsExport])
  .openapi("ExportCreate");
export type ExportRequest = z.output<typeof ExportCreate>;

export const ExportSchema = z
  .object({
    id: z.string(),
    kind: z.enum(EXPORT_KINDS),
    status: z.enum(EXPORT_STATUSES),
    rows_done: z.number().int(),
    rows_total: z.number().int(),
    progress: z.number().openapi({ description: "0 to 1" }),
    error: z.string().nullable(),
    download_url: z
      .string()
      .nullable()
      .openapi({ description: "Where the CSV downloads from, once done" }),
    created_at: Timestamp,
    finished_at: Timestamp.nullable(),
  })
  .openapi("Export");

export const ExportPage = z.object({ data: z.array(ExportSchema) }).openapi("ExportList");
