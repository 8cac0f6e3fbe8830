import { z } from "@hono/zod-openapi";
import { AUTOMATION_STATUSES } from "../db/schema";
import {
  type Conditions,
  ConditionsSchema,
  FieldValue,
  HourMinute,
  Id,
  LabelName,
  Name,
  Text,
  type Trigger,
  TriggerSchema,
  type TriggerType,
  Weekday,
} from "./automation-rules";
import { multiLine, singleLine, Timestamp } from "./common";
import { FieldKey, TagName } from "./contacts";
import { AgentMessageFields } from "./conversations";

const StepId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, - and _ (up to 40)")
  .optional()
  .openapi({ description: "Stable id the run log uses; generated when absent" });

/** A name later steps read a step's output by: `{{vars.NAME…}}`. */
const SaveAs = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "lower-case letters, digits and _");

export const AI_TASKS = ["classify", "extract", "answer"] as const;

/** What a failing step does to its run: ends it (failed, retried from the run log), or goes on. */
const OnError = z.enum(["stop", "continue"]).optional().openapi({
  description:
    "`stop` (the default) fails the run here; `continue` goes on to the next step, with `{{vars.NAME.failed}}` true and `{{vars.NAME.error}}` saying why",
});

const Template = AgentMessageFields.shape.template.unwrap().extend({
  language: z.string().min(2).max(15).check(singleLine).openapi({ example: "en_US" }),
});

const leafSteps = [
  z.strictObject({
    id: StepId,
    type: z.literal("send_message"),
    text: Text.optional().openapi({
      description: "Variables: {{contact.first_name|there}}, {{vars.order.status}} …",
    }),
    snippet_id: Id.optional(),
    template: Template.optional(),
    channel_id: Id.optional().openapi({
      description: "The conversation's channel when absent",
    }),
  }),
  z.strictObject({ id: StepId, type: z.enum(["add_tag", "remove_tag"]), tag: TagName }),
  z.strictObject({ id: StepId, type: z.literal("add_label"), label: LabelName }),
  z.strictObject({
    id: StepId,
    type: z.literal("update_field"),
    field: FieldKey,
    value: FieldValue.nullable(),
  }),
  z.strictObject({
    id: StepId,
    type: z.literal("assign"),
    user_id: Id.nullable().optional(),
    team_id: Id.nullable().optional(),
  }),
  z.strictObject({ id: StepId, type: z.literal("open_conversation") }),
  z.strictObject({
    id: StepId,
    type: z.literal("close_conversation"),
    reason: z.string().trim().min(1).max(100).check(singleLine).optional(),
  }),
  z.strictObject({
    id: StepId,
    type: z.literal("snooze_conversation"),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30),
  }),
  z.strictObject({ id: StepId, type: z.literal("add_note"), text: Text }),
  z.strictObject({
    id: StepId,
    type: z.literal("wait"),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90)
      .optional(),
    until: z
      .strictObject({ time: HourMinute, days: z.array(Weekday).min(1).max(7).optional() })
      .optional()
      .openapi({
        description: "The next such time (on one of `days`) in the workspace's timezone",
      }),
  }),
  z.strictObject({
    id: StepId,
    type: z.literal("http_request"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("POST"),
    url: z.url({ protocol: /^https?$/ }).max(2000),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "a header name"),
        z.string().max(2000).check(singleLine),
      )
      .default({}),
    body: z.unknown().optional().openapi({ description: "Sent as JSON; strings take variables" }),
    timeout_seconds: z.number().int().min(1).max(30).default(10),
    save_as: SaveAs.optional().openapi({
      description: "Later steps read the answer as {{vars.NAME.status}}, {{vars.NAME.body.field}}",
    }),
    on_error: OnError,
  }),
  z.strictObject({ id: StepId, type: z.literal("start_automation"), automation_id: Id }),
  z.strictObject({ id: StepId, type: z.literal("stop") }),
  z.strictObject({
    id: StepId,
    type: z.literal("ai"),
    task: z.enum(AI_TASKS).optional().openapi({
      description:
        "`classify` the customer's message into `categories`; `extract` contact `fields` from it; `answer` it from the knowledge base. Required when saved",
    }),
    prompt: Text.optional().openapi({ description: "Extra instructions for the AI" }),
    save_as: SaveAs.optional().openapi({
      description:
        "Later steps read the output as {{vars.NAME.category}}, {{vars.NAME.answer}}, {{vars.NAME.found}}, {{vars.NAME.<field>}}",
    }),
    categories: z.array(Name).min(2).max(20).optional().openapi({ description: "classify" }),
    label: z.boolean().optional().openapi({
      description: "classify: apply the category as a conversation label, if such a label exists",
    }),
    fields: z
      .array(FieldKey)
      .min(1)
      .max(20)
      .optional()
      .openapi({ description: "extract: contact field keys (name, email, phone or custom)" }),
    send: z.boolean().optional().openapi({
      description: "answer: send the answer to the customer when the knowledge base has it",
    }),
    on_error: OnError,
  }),
] as const;

type LeafStep = z.infer<(typeof leafSteps)[number]>;
export type BranchStep = {
  id?: string | undefined;
  type: "branch";
  branches: { name?: string | undefined; conditions: Conditions; steps: Step[] }[];
  otherwise: Step[];
};
export type AskStep = {
  id?: string | undefined;
  type: "ask";
  question: string;
  answer_type: "text" | "number" | "email" | "phone" | "choice";
  choices?: string[] | undefined;
  save_to_field?: string | undefined;
  retries: number;
  timeout_minutes: number;
  on_answer: Step[];
  on_timeout: Step[];
};
export type Step = LeafStep | BranchStep | AskStep;

const stepList = () => z.array(StepSchema).max(100);

const BranchStepSchema = z.strictObject({
  id: StepId,
  type: z.literal("branch"),
  get branches() {
    return z
      .array(
        z.strictObject({
          name: Name.optional(),
          conditions: ConditionsSchema,
          steps: stepList(),
        }),
      )
      .min(1)
      .max(10)
      .openapi({ description: "The first branch whose conditions hold runs" });
  },
  get otherwise() {
    return stepList().default([]);
  },
});

const AskStepSchema = z.strictObject({
  id: StepId,
  type: z.literal("ask"),
  question: Text,
  answer_type: z.enum(["text", "number", "email", "phone", "choice"]).default("text"),
  choices: z.array(Name).min(1).max(20).optional(),
  save_to_field: FieldKey.optional(),
  retries: z.number().int().min(0).max(5).default(1),
  timeout_minutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 7)
    .default(60),
  get on_answer() {
    return stepList().default([]);
  },
  get on_timeout() {
    return stepList().default([]);
  },
});

export const StepSchema: z.ZodType<Step> = z
  .discriminatedUnion("type", [...leafSteps, BranchStepSchema, AskStepSchema])
  .openapi("AutomationStep") as unknown as z.ZodType<Step>;

export const TimingSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("immediately") }),
    z.strictObject({
      type: z.literal("delay"),
      minutes: z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 90),
    }),
  ])
  .openapi("AutomationTiming");

export const FrequencySchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.enum(["every_time", "once", "once_per_day", "once_per_week"]) }),
    z.strictObject({
      type: z.literal("limit"),
      count: z.number().int().min(1).max(1000),
      period_hours: z
        .number()
        .int()
        .min(1)
        .max(24 * 366),
    }),
  ])
  .openapi("AutomationFrequency", { description: "How often one contact may go through it" });
export type Frequency = z.infer<typeof FrequencySchema>;

const definitionFields = {
  trigger: TriggerSchema,
  conditions: ConditionsSchema.default({ match: "all", groups: [] }),
  steps: z.array(StepSchema).max(100).default([]),
  timing: TimingSchema.default({ type: "immediately" }),
  frequency: FrequencySchema.default({ type: "every_time" }),
};

export const AutomationCreate = z
  .strictObject({
    name: Name,
    description: z.string().trim().max(500).check(multiLine).nullable().optional(),
    ...definitionFields,
  })
  .openapi("AutomationCreate");

export const AutomationPatch = z
  .strictObject({
    name: Name.optional(),
    description: z.string().trim().max(500).check(multiLine).nullable().optional(),
    trigger: TriggerSchema.optional(),
    conditions: ConditionsSchema.optional(),
    steps: z.array(StepSchema).max(100).optional(),
    timing: TimingSchema.optional(),
    frequency: FrequencySchema.optional(),
  })
  .openapi("AutomationPatch", {
    description: "A change of trigger, conditions, steps, timing or frequency makes a new version",
  });

/** What an automation does, as one version holds it (step ids all given). */
export type Definition = {
  trigger: Trigger;
  conditions: Conditions;
  steps: Step[];
  timing: z.infer<typeof TimingSchema>;
  frequency: Frequency;
};

export const AutomationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.enum(AUTOMATION_STATUSES),
    version: z.number().int().openapi({ description: "Goes up with each change of what it does" }),
    trigger: TriggerSchema,
    has_secret: z.boolean().openapi({ description: "A webhook trigger's secret is set" }),
    webhook_url: z.url().nullable().openapi({
      description:
        "Where a `webhook` trigger is called (POST); null for other triggers. Keep it secret: rotate it if it leaks",
    }),
    conditions: ConditionsSchema,
    steps: z.array(StepSchema),
    timing: TimingSchema,
    frequency: FrequencySchema,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Automation");

/** Every trigger type the union names, read from its discriminator. */
const TRIGGER_TYPES = [...(TriggerSchema._zod.propValues.type ?? [])] as [
  TriggerType,
  ...TriggerType[],
];

export const AutomationListQuery = z.object({
  status: z.enum(AUTOMATION_STATUSES).optional(),
  trigger: z
    .enum(TRIGGER_TYPES)
    .optional()
    .openapi({ description: "Only those started by this trigger (`manual`: run by hand)" }),
});

export const DeactivateBody = z
  .strictObject({
    running: z.enum(["finish", "stop"]).default("finish").openapi({
      description: "`finish`: contacts already going through it finish; `stop`: they stop now",
    }),
  })
  .openapi("AutomationDeactivate");

export const AutomationSettingsSchema = z
  .object({
    quiet_hours: z.object({ from: HourMinute, to: HourMinute }).nullable().openapi({
      description:
        "Automations' messages due in this window wait until it ends, in the contact's timezone (the workspace's when unknown)",
    }),
  })
  .openapi("AutomationSettings");

export const AutomationSettingsPatch = z
  .strictObject({
    quiet_hours: z.strictObject({ from: HourMinute, to: HourMinute }).nullable(),
  })
  .openapi("AutomationSettingsPatch");
