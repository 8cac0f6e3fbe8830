import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { createdAt, millis } from "./columns";
import { workspaceId, workspaces } from "./workspace";

export const AUTOMATION_STATUSES = ["draft", "active", "paused"] as const;
export type AutomationStatus = (typeof AUTOMATION_STATUSES)[number];

/**
 * "When this happens, if these hold, do these steps": the automation's name and state. What it
 * does lives in immutable versions; `versionId` is the one new runs start on.
 */
export const automations = sqliteTable(
  "automations",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    description: text("description"),
    status: text("status", { enum: AUTOMATION_STATUSES }).notNull().default("draft"),
    /** The latest version; runs already started keep theirs. */
    versionId: text("version_id").notNull(),
    version: integer("version").notNull(),
    /** The incoming webhook trigger's HMAC secret, AES-GCM sealed; never returned. */
    webhookSecret: text("webhook_secret"),
    /** The unguessable path part of the incoming webhook trigger's URL; rotated on request. */
    webhookToken: text("webhook_token"),
    /** The schedule trigger's last slot fired (its minute): no slot fires twice. */
    scheduleSlot: millis("schedule_slot"),
    /** When it was last activated: events from before then start no run of it. */
    activatedAt: millis("activated_at"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    index("automations_workspace_idx").on(t.workspaceId, t.id),
    index("automations_status_idx").on(t.workspaceId, t.status),
    uniqueIndex("automations_webhook_token_idx").on(t.webhookToken),
  ],
);

/** One definition of an automation (trigger, conditions, steps, timing, limit), never changed. */
export const automationVersions = sqliteTable(
  "automation_versions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    automationId: text("automation_id")
      .notNull()
      .references(() => automations.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The trigger's type, to find the automations an event starts without reading definitions. */
    triggerType: text("trigger_type").notNull(),
    definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("automation_versions_number_idx").on(t.automationId, t.version)],
);

export const RUN_STATUSES = [
  "running",
  "waiting",
  "completed",
  "failed",
  "stopped",
  "limited",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One contact (or conversation) going through one version of an automation. */
export const automationRuns = sqliteTable(
  "automation_runs",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    automationId: text("automation_id")
      .notNull()
      .references(() => automations.id, { onDelete: "cascade" }),
    versionId: text("version_id").notNull(),
    /** The event that started it: a redelivered event finds its run and starts no other. */
    triggerEventId: text("trigger_event_id").notNull(),
    trigger: text("trigger", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    contactId: text("contact_id"),
    conversationId: text("conversation_id"),
    status: text("status", { enum: RUN_STATUSES }).notNull(),
    /** The step to run next (null: from the first); a waiting run waits on it. */
    cursor: text("cursor"),
    resumeAt: millis("resume_at"),
    /** Retries so far: each attempt logs its steps under its own iteration. */
    attempt: integer("attempt").notNull().default(0),
    /** Values steps left for later ones (HTTP answers). */
    vars: text("vars", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** The automations whose runs led to this one, oldest first (loop guard). */
    chain: text("chain", { mode: "json" }).$type<string[]>().notNull().default([]),
    messagesSent: integer("messages_sent").notNull().default(0),
    /** The conversation a waiting question expects its answer in (null: not asking). */
    askingIn: text("asking_in"),
    /** The question's message seq: only a later message there answers it. */
    askedSeq: integer("asked_seq"),
    error: text("error"),
    startedAt: millis("started_at").notNull(),
    finishedAt: millis("finished_at"),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("automation_runs_event_idx").on(t.automationId, t.triggerEventId),
    index("automation_runs_list_idx").on(t.workspaceId, t.automationId, t.id),
    index("automation_runs_contact_idx").on(
      t.workspaceId,
      t.automationId,
      t.contactId,
      t.startedAt,
    ),
    // the automations report: runs started in a range
    index("automation_runs_started_idx").on(t.workspaceId, t.startedAt),
    // runs stuck past a step's lease or their resume time (see sweepStuckRuns)
    index("automation_runs_status_updated_idx").on(t.status, t.updatedAt),
    index("automation_runs_status_resume_idx").on(t.status, t.resumeAt),
    index("automation_runs_asking_idx").on(t.askingIn, t.status).where(sql`asking_in IS NOT NULL`),
  ],
);

export const STEP_STATUSES = ["running", "waiting", "completed", "failed", "skipped"] as const;

/** Each step a run took, once per attempt: a redelivered message finds it and does not repeat it. */
export const automationRunSteps = sqliteTable(
  "automation_run_steps",
  {
    workspaceId: workspaceId(),
    runId: text("run_id")
      .notNull()
      .references(() => automationRuns.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    iteration: integer("iteration").notNull().default(0),
    type: text("type").notNull(),
    status: text("status", { enum: STEP_STATUSES }).notNull(),
    input: text("input", { mode: "json" }).$type<Record<string, unknown>>(),
    output: text("output", { mode: "json" }).$type<Record<string, unknown>>(),
    error: text("error"),
    startedAt: millis("started_at").notNull(),
    /** A running step's worker holds it until then; past it, the worker is taken for dead. */
    leaseUntil: millis("lease_until"),
    finishedAt: millis("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId, t.iteration] })],
);

/**
 * Customer messages taken as answers to a run's question: each message answers once, and a
 * message taken as an answer starts no automation of its own.
 */
export const automationAnswers = sqliteTable(
  "automation_answers",
  {
    messageId: text("message_id").primaryKey(),
    workspaceId: workspaceId(),
    runId: text("run_id")
      .notNull()
      .references(() => automationRuns.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    seq: integer("seq").notNull(),
    text: text("text").notNull(),
    receivedAt: millis("received_at").notNull(),
  },
  (t) => [index("automation_answers_run_idx").on(t.runId, t.stepId, t.seq)],
);

/** A workspace's rules for automations: the quiet hours their messages wait out. */
export const automationSettings = sqliteTable("automation_settings", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id),
  /** Local "HH:MM" in the contact's timezone (the workspace's when unknown); null: no quiet hours. */
  quietFrom: text("quiet_from"),
  quietTo: text("quiet_to"),
  updatedAt: millis("updated_at").notNull(),
});
