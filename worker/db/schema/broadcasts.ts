import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { channels } from "./channels";
import { createdAt, millis } from "./columns";
import { workspaceId } from "./workspace";

export const BROADCAST_STATUSES = [
  "draft",
  "scheduled",
  "running",
  "paused",
  "completed",
  "cancelled",
] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/**
 * Who a broadcast goes to: a saved segment's contacts or those with any of some tags, and/or
 * contacts named one by one, and/or an uploaded list (each contact once, whichever way it is named).
 */
export type BroadcastAudience = {
  segment_id?: string | undefined;
  tags?: string[] | undefined;
  contact_ids?: string[] | undefined;
  /** The contacts uploaded as a list (`broadcast_members`). */
  csv?: true | undefined;
};

/** What it says, one of: text (with variables), a saved snippet, an approved WhatsApp template. */
export type BroadcastMessage = {
  text?: string | undefined;
  snippet_id?: string | undefined;
  template?: { name: string; language?: string | undefined; variables: string[] } | undefined;
  message_template_id?: string | undefined;
};

/** One of an A/B test's messages, named by its key (`A`, `B` …). */
export type BroadcastVariant = { key: string; message: BroadcastMessage };

/**
 * An A/B test: a sample of the audience, split evenly between the variants, is sent first; the
 * rest is held until the winner (more replies or clicks per message sent) is picked.
 */
export type BroadcastSplit = {
  sample_percent: number;
  winner_by: "replies" | "clicks";
  decide_after_hours: number;
};

/**
 * A broadcast sent again each period (the minute's cron makes one run per period), at `time`
 * on the local clock of `timezone` (the workspace's when absent).
 */
export type BroadcastRecurrence = {
  every: "daily" | "weekly" | "monthly" | "yearly";
  days_of_week?: number[] | undefined;
  day_of_month?: number | undefined;
  month?: number | undefined;
  time: string;
  timezone?: string | undefined;
  ends?: { at?: string | undefined; after_runs?: number | undefined } | undefined;
};

/** One message to an audience on one channel, sent at the channel's pace. */
export const broadcasts = sqliteTable(
  "broadcasts",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    audience: text("audience", { mode: "json" }).$type<BroadcastAudience>().notNull(),
    message: text("message", { mode: "json" }).$type<BroadcastMessage>().notNull(),
    status: text("status", { enum: BROADCAST_STATUSES }).notNull().default("draft"),
    /** When a scheduled broadcast starts (the minute's cron starts it). */
    sendAt: millis("send_at"),
    /** Sent once per period while it lasts; between runs the broadcast is `scheduled`. */
    recurrence: text("recurrence", { mode: "json" }).$type<BroadcastRecurrence>(),
    /**
     * `YYYY-MM-DDTHH:MM`: each recipient gets it at that wall time in their own timezone (the
     * workspace's when they have none); `send_at` is then the first moment anywhere reaches it.
     */
    sendAtLocal: text("send_at_local"),
    startedAt: millis("started_at"),
    finishedAt: millis("finished_at"),
    createdAt: createdAt(),
    updatedAt: millis("updated_at").notNull(),
    /** An A/B test's messages (`message` is then the first's) and how its winner is found. */
    variants: text("variants", { mode: "json" }).$type<BroadcastVariant[]>(),
    split: text("split", { mode: "json" }).$type<BroadcastSplit>(),
    /** The variant the held recipients get, once picked. */
    winner: text("winner"),
    winnerAt: millis("winner_at"),
    /** Links in the text go out as short links on `linkOrigin` that count clicks. */
    trackClicks: integer("track_clicks", { mode: "boolean" }).notNull().default(true),
    linkOrigin: text("link_origin"),
  },
  (t) => [
    index("broadcasts_workspace_idx").on(t.workspaceId, t.id),
    index("broadcasts_due_idx").on(t.status, t.sendAt),
  ],
);

export const BROADCAST_RUN_STATUSES = ["running", "paused", "completed", "cancelled"] as const;
export type BroadcastRunStatus = (typeof BROADCAST_RUN_STATUSES)[number];

/**
 * One sending of a broadcast: a one-off broadcast has run 1; a recurring one a run per period,
 * never two for a period (the unique period key), however many cron ticks see it due.
 */
export const broadcastRuns = sqliteTable(
  "broadcast_runs",
  {
    workspaceId: workspaceId(),
    broadcastId: text("broadcast_id")
      .notNull()
      .references(() => broadcasts.id, { onDelete: "cascade" }),
    run: integer("run").notNull(),
    /** `once`, or the local date (month, year) of the recurrence's period. */
    periodKey: text("period_key").notNull(),
    status: text("status", { enum: BROADCAST_RUN_STATUSES }).notNull().default("running"),
    startedAt: millis("started_at").notNull(),
    /** When the whole audience was in the ledger: the run cannot complete before. */
    expandedAt: millis("expanded_at"),
    finishedAt: millis("finished_at"),
    /** Why its sends wait (`max_per_window`: the sender's cap is reached), and until when. */
    waitingReason: text("waiting_reason"),
    waitingUntil: millis("waiting_until"),
  },
  (t) => [
    primaryKey({ columns: [t.broadcastId, t.run] }),
    uniqueIndex("broadcast_runs_period_idx").on(t.broadcastId, t.periodKey),
    index("broadcast_runs_workspace_idx").on(t.workspaceId, t.broadcastId),
    // the broadcasts report: runs started in a range
    index("broadcast_runs_started_idx").on(t.workspaceId, t.startedAt),
  ],
);

export const RECIPIENT_STATUSES = [
  "queued",
  "sending",
  "sent",
  "failed",
  "excluded",
  "held",
] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/**
 * The send ledger: one row per broadcast, run and contact, never two. A send claims its row
 * (`queued` → `sending` with a lease) before it writes, so a redelivered batch or a crashed
 * consumer never sends twice.
 */
export const broadcastRecipients = sqliteTable(
  "broadcast_recipients",
  {
    workspaceId: workspaceId(),
    broadcastId: text("broadcast_id")
      .notNull()
      .references(() => broadcasts.id, { onDelete: "cascade" }),
    run: integer("run").notNull().default(1),
    contactId: text("contact_id").notNull(),
    status: text("status", { enum: RECIPIENT_STATUSES }).notNull(),
    /** Why it was excluded or failed: `opted_out`, `no_address`, or the platform's words. */
    reason: text("reason"),
    attempts: integer("attempts").notNull().default(0),
    /** Times a person retried it after it failed: each round writes a message of its own. */
    round: integer("round").notNull().default(0),
    /** A `sending` row's worker holds it until then. */
    leaseUntil: millis("lease_until"),
    messageId: text("message_id"),
    conversationId: text("conversation_id"),
    seq: integer("seq"),
    /** A row waiting for its recipient's local send time; null once it may be sent. */
    dueAt: millis("due_at"),
    /** When the channel's pacer let it go: the ledger's send times respect `max_per_second`. */
    sentAt: millis("sent_at"),
    deliveredAt: millis("delivered_at"),
    readAt: millis("read_at"),
    repliedAt: millis("replied_at"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
    /** The A/B variant it got (a held recipient gets the winner's when it is picked). */
    variant: text("variant"),
    /** When the recipient first opened one of the message's short links. */
    clickedAt: millis("clicked_at"),
  },
  (t) => [
    primaryKey({ columns: [t.broadcastId, t.run, t.contactId] }),
    index("broadcast_recipients_status_idx").on(t.workspaceId, t.broadcastId, t.run, t.status),
    index("broadcast_recipients_due_idx").on(t.dueAt).where(sql`due_at IS NOT NULL`),
    index("broadcast_recipients_conversation_idx")
      .on(t.conversationId, t.seq)
      .where(sql`conversation_id IS NOT NULL`),
  ],
);

/**
 * A short link a broadcast's message carried to one recipient in place of `url`: `/l/{code}`
 * redirects there and marks the recipient clicked. Only codes issued here resolve.
 */
export const broadcastLinks = sqliteTable(
  "broadcast_links",
  {
    code: text("code").primaryKey(),
    workspaceId: workspaceId(),
    broadcastId: text("broadcast_id")
      .notNull()
      .references(() => broadcasts.id, { onDelete: "cascade" }),
    /** The run the link was sent in: a click counts for that run's recipient. */
    run: integer("run").notNull().default(1),
    contactId: text("contact_id").notNull(),
    url: text("url").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("broadcast_links_recipient_idx").on(t.broadcastId, t.run, t.contactId, t.url),
  ],
);

/** Contacts added to a broadcast's audience by an uploaded list (CSV). */
export const broadcastMembers = sqliteTable(
  "broadcast_members",
  {
    workspaceId: workspaceId(),
    broadcastId: text("broadcast_id")
      .notNull()
      .references(() => broadcasts.id, { onDelete: "cascade" }),
    contactId: text("contact_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.broadcastId, t.contactId] })],
);
