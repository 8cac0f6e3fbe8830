import { z } from "@hono/zod-openapi";
import { RUN_STATUSES, STEP_STATUSES } from "../db/schema";
import { Id } from "./automation-rules";
import { Timestamp } from "./common";

/** An automation's runs as the API shows them: the log, each run's steps, the stats. */
export const ManualRunBody = z
  .strictObject({
    contact_id: Id.optional(),
    conversation_id: Id.optional(),
  })
  .refine((b) => b.contact_id || b.conversation_id, {
    message: "give contact_id or conversation_id",
    path: ["contact_id"],
  })
  .openapi("AutomationManualRun");

export const RunListQuery = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  contact_id: Id.optional(),
  conversation_id: Id.optional(),
  started_from: Timestamp.optional().openapi({ description: "Runs started at or after this" }),
  started_to: Timestamp.optional().openapi({ description: "Runs started before this" }),
  cursor: z
    .string()
    .regex(/^run_[0-9A-Z]{26}$/, "not a cursor returned by this API")
    .optional()
    .openapi({ description: "`next_cursor` of the previous page" }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const RunStepSchema = z
  .object({
    step_id: z.string(),
    iteration: z.number().int(),
    type: z.string(),
    status: z.enum(STEP_STATUSES),
    input: z.record(z.string(), z.unknown()).nullable(),
    output: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
    started_at: Timestamp,
    finished_at: Timestamp.nullable(),
  })
  .openapi("AutomationRunStep");

export const RunSchema = z
  .object({
    id: z.string(),
    automation_id: z.string(),
    version: z.number().int(),
    trigger_event_id: z.string(),
    trigger: z.record(z.string(), z.unknown()),
    contact_id: z.string().nullable(),
    contact: z
      .object({ id: z.string(), name: z.string().nullable() })
      .nullable()
      .openapi({ description: "Who the run is for, named for the run log" }),
    conversation_id: z.string().nullable(),
    status: z.enum(RUN_STATUSES),
    next_step_id: z.string().nullable(),
    resume_at: Timestamp.nullable(),
    error: z.string().nullable(),
    messages_sent: z.number().int(),
    started_at: Timestamp,
    finished_at: Timestamp.nullable(),
  })
  .openapi("AutomationRun");

export const RunWithSteps = RunSchema.extend({ steps: z.array(RunStepSchema) }).openapi(
  "AutomationRunWithSteps",
);

export const RunStats = z
  .object({
    triggered: z.number().int(),
    running: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    stopped: z.number().int(),
    limited: z.number().int(),
    messages_sent: z.number().int(),
  })
  .openapi("AutomationStats");

export const RecentRunStats = z
  .object({
    triggered: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
  })
  .openapi("AutomationRecentStats", { description: "Runs started in the last 7 days" });
