import type { z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { isPlatformChannel } from "../../channels/index";
import { readInChunks } from "../../db/chunks";
import {
  type BroadcastSplit,
  type BroadcastStatus,
  type BroadcastVariant,
  broadcasts,
  contacts,
  segments,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { conflict, type FieldError, notFound, Problem, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toPage } from "../../lib/pagination";
import type {
  BroadcastAudience,
  BroadcastCreate,
  BroadcastMessage,
  BroadcastPatch,
  BroadcastSchema,
} from "../../schemas/broadcasts";
import { isoOrNull, toIso } from "../../schemas/common";
import { getChannel } from "../channels/channels";
import { kindFitsChannel } from "../message-templates/kinds";
import { getMessageTemplate } from "../message-templates/templates";
import { checkVariables, getSnippet } from "../messaging/snippets";
import { firstReached } from "./local-time";

export type BroadcastRow = typeof broadcasts.$inferSelect;

/** For something a broadcast names that may have been deleted since: null when it is gone. */
export function nullIfGone(error: unknown): null {
  if (error instanceof Problem && error.status === 404) return null;
  throw error;
}

export const toBroadcastDto = (row: BroadcastRow): z.infer<typeof BroadcastSchema> => ({
  id: row.id,
  name: row.name,
  channel_id: row.channelId,
  audience: row.audience,
  message: row.message,
  variants: row.variants,
  split: row.split,
  winner: row.winner,
  track_clicks: row.trackClicks,
  status: row.status,
  send_at: isoOrNull(row.sendAt),
  schedule: scheduleOf(row) ?? null,
  started_at: isoOrNull(row.startedAt),
  finished_at: isoOrNull(row.finishedAt),
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
});

const broadcastKey = (workspaceId: string, id: string) =>
  inWorkspace(broadcasts, workspaceId, eq(broadcasts.id, id));

export async function getBroadcast(db: Db, workspaceId: string, id: string) {
  const row = await db.query.broadcasts.findFirst({ where: broadcastKey(workspaceId, id) });
  if (!row) throw notFound("Broadcast");
  return row;
}

export async function listBroadcasts(
  db: Db,
  workspaceId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  const rows = await db.query.broadcasts.findMany({
    where: inWorkspace(
      broadcasts,
      workspaceId,
      page.cursor ? lt(broadcasts.id, page.cursor) : undefined,
    ),
    orderBy: desc(broadcasts.id),
    limit: page.limit + 1,
  });
  return toPage(rows, page.limit);
}

/** A reference that names nothing in the workspace, as a field error. */
const missing = (path: string, what: string): FieldError => ({ path, message: `no such ${what}` });

async function audienceProblems(
  db: Db,
  workspaceId: string,
  audience: z.infer<typeof BroadcastAudience>,
): Promise<FieldError[]> {
  const segment = audience.segment_id
    ? await db.query.segments.findFirst({
        columns: { id: true },
        where: inWorkspace(segments, workspaceId, eq(segments.id, audience.segment_id)),
      })
    : null;
  const segmentErrors = segment === undefined ? [missing("audience.segment_id", "segment")] : [];
  const named = audience.contact_ids ?? [];
  const found = await readInChunks(named, (chunk) =>
    db
      .select({ id: contacts.id })
      .from(contacts)
      .where(inWorkspace(contacts, workspaceId, inArray(contacts.id, chunk))),
  );
  const known = new Set(found.map((c) => c.id));
  return [
    ...segmentErrors,
    ...named.flatMap((id, i) =>
      known.has(id) ? [] : [missing(`audience.contact_ids.${i}`, "contact")],
    ),
  ];
}

export async function messageProblems(
  db: Db,
  workspaceId: string,
  message: z.infer<typeof BroadcastMessage>,
  channelType: string | null,
  at = "message",
): Promise<FieldError[]> {
  if (message.snippet_id) {
    const found = await getSnippet(db, workspaceId, message.snippet_id).catch(nullIfGone);
    return found ? [] : [missing(`${at}.snippet_id`, "snippet")];
  }
  if (message.message_template_id) {
    const found = await getMessageTemplate(db, workspaceId, message.message_template_id).catch(
      nullIfGone,
    );
    if (!found) return [missing(`${at}.message_template_id`, "message template")];
    return channelType === null || kindFitsChannel(found.channelKind, channelType)
      ? []
      : [{ path: `${at}.message_template_id`, message: `Not a template for ${channelType}` }];
  }
  if (message.template)
    return channelType === null || channelType === "whatsapp"
      ? []
      : [{ path: `${at}.template`, message: "Templates are for WhatsApp" }];
  if (message.text === undefined) return [];
  return checkVariables(db, workspaceId, message.text, `${at}.text`).then(
    () => [],
    (error: unknown) => {
      if (error instanceof Problem) return (error.extra.errors as FieldError[] | undefined) ?? [];
      throw error;
    },
  );
}

/** The message, or each variant's message, checked against the channel. */
async function contentProblems(
  db: Db,
  workspaceId: string,
  content: Content,
  channelType: string | null,
) {
  if (!content.variants) return messageProblems(db, workspaceId, content.message, channelType);
  const each = await Promise.all(
    content.variants.map((variant, i) =>
      messageProblems(db, workspaceId, variant.message, channelType, `variants.${i}.message`),
    ),
  );
  return each.flat();
}

/** What a broadcast says: one message, or an A/B test (`message` is then its first variant's). */
type Content = {
  message: z.infer<typeof BroadcastMessage>;
  variants: BroadcastVariant[] | null;
  split: BroadcastSplit | null;
};

function contentOf(input: z.infer<typeof BroadcastCreate>): Content {
  const variants = input.variants ?? null;
  const message = input.message ?? variants?.[0]?.message;
  if (!message) throw validationFailed([{ path: "message", message: "give message or variants" }]);
  return { message, variants, split: input.split ?? null };
}

/** The content after a patch: a new message alone ends an A/B test, variants start one. */
function patchedContent(current: BroadcastRow, patch: z.infer<typeof BroadcastPatch>): Content {
  const variants =
    patch.variants !== undefined ? patch.variants : patch.message ? null : current.variants;
  const split = patch.split !== undefined ? patch.split : variants ? current.split : null;
  const errors: FieldError[] = [];
  if (variants && !split) errors.push({ path: "split", message: "variants need a split" });
  if (split && !variants) errors.push({ path: "split", message: "a split needs variants" });
  if (variants && patch.message)
    errors.push({ path: "variants", message: "give message or variants" });
  if (errors.length) throw validationFailed(errors);
  const message = variants?.[0]?.message ?? patch.message ?? current.message;
  return { message, variants, split };
}

/** Everything a broadcast names must exist in the workspace, and fit its channel. */
async function checkReferences(
  db: Db,
  workspaceId: string,
  input: Pick<z.infer<typeof BroadcastCreate>, "channel_id" | "audience"> & Content,
) {
  const channel = await getChannel(db, workspaceId, input.channel_id).catch(() => null);
  const channelErrors: FieldError[] = !channel
    ? [missing("channel_id", "channel")]
    : isPlatformChannel(channel.type)
      ? []
      : [{ path: "channel_id", message: "Broadcasts go out on platform channels, not web chat" }];
  const errors = [
    ...channelErrors,
    ...(await audienceProblems(db, workspaceId, input.audience)),
    ...(await contentProblems(db, workspaceId, input, channel?.type ?? null)),
  ];
  if (errors.length) throw validationFailed(errors);
}

const sendAtOf = (sendAt: string | null | undefined) => (sendAt ? Date.parse(sendAt) : null);

type Schedule = z.infer<typeof BroadcastCreate>["schedule"];

const scheduleOf = (row: BroadcastRow): Schedule =>
  row.recurrence
    ? { recurrence: row.recurrence }
    : row.sendAtLocal
      ? { send_at_local: row.sendAtLocal }
      : null;

/** The last timezone (UTC−12) reaches a wall time 26 hours after the first. */
const LAST_REACHED_AFTER_FIRST = 26 * 60 * 60 * 1000;

function refusePast(sendAt: number | null, schedule: Schedule, now: number) {
  const errors: FieldError[] = [];
  if (sendAt !== null && sendAt < now - 60_000)
    errors.push({ path: "send_at", message: "is in the past" });
  const endsAt = schedule?.recurrence?.ends?.at;
  if (endsAt !== undefined && Date.parse(endsAt) <= Math.max(now, sendAt ?? now))
    errors.push({ path: "schedule.recurrence.ends.at", message: "is before the first run" });
  const local = schedule?.send_at_local;
  if (local && sendAt !== null)
    errors.push({ path: "send_at", message: "give send_at or schedule.send_at_local, not both" });
  if (local && firstReached(local) + LAST_REACHED_AFTER_FIRST < now)
    errors.push({ path: "schedule.send_at_local", message: "is in the past everywhere" });
  if (errors.length) throw validationFailed(errors);
}

/**
 * When and how the broadcast is sent: a draft waits to be started; one with `send_at` starts
 * then; a recurring one runs each period from `send_at` (or now) on.
 */
function timing(sendAt: number | null, schedule: Schedule, now: number) {
  const recurrence = schedule?.recurrence ?? null;
  const sendAtLocal = schedule?.send_at_local ?? null;
  const scheduled = "scheduled" as const;
  if (recurrence) return { recurrence, sendAtLocal, sendAt: sendAt ?? now, status: scheduled };
  if (sendAtLocal)
    return { recurrence, sendAtLocal, sendAt: firstReached(sendAtLocal), status: scheduled };
  return {
    sendAtLocal,
    recurrence,
    sendAt,
    status: sendAt === null ? ("draft" as const) : ("scheduled" as const),
  };
}

export async function createBroadcast(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof BroadcastCreate>,
  at: { now: number; origin: string },
) {
  const { now } = at;
  const content = contentOf(input);
  await checkReferences(db, workspaceId, { ...input, ...content });
  const sendAt = sendAtOf(input.send_at);
  refusePast(sendAt, input.schedule, now);
  const [row] = await db
    .insert(broadcasts)
    .values({
      id: newId("brd", now),
      workspaceId,
      name: input.name,
      channelId: input.channel_id,
      audience: input.audience,
      ...content,
      trackClicks: input.track_clicks ?? true,
      linkOrigin: at.origin,
      ...timing(sendAt, input.schedule, now),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

const EDITABLE: BroadcastStatus[] = ["draft", "scheduled"];

export async function updateBroadcast(
  db: Db,
  workspaceId: string,
  id: string,
  patch: z.infer<typeof BroadcastPatch>,
  at: { now: number; origin: string },
) {
  const { now } = at;
  const current = await getBroadcast(db, workspaceId, id);
  if (!EDITABLE.includes(current.status))
    throw conflict(`A ${current.status} broadcast cannot be changed.`);
  const content = patchedContent(current, patch);
  await checkReferences(db, workspaceId, {
    channel_id: patch.channel_id ?? current.channelId,
    audience: patch.audience ?? current.audience,
    ...content,
  });
  const schedule = patch.schedule === undefined ? scheduleOf(current) : patch.schedule;
  // the start a schedule set goes with it when the schedule changes
  const kept =
    patch.schedule !== undefined && (current.recurrence || current.sendAtLocal)
      ? null
      : current.sendAt;
  const sendAt = patch.send_at === undefined ? kept : sendAtOf(patch.send_at);
  if (patch.send_at !== undefined || patch.schedule)
    refusePast(patch.send_at === undefined ? null : sendAt, schedule, now);
  const [row] = await db
    .update(broadcasts)
    .set({
      name: patch.name ?? current.name,
      channelId: patch.channel_id ?? current.channelId,
      audience: patch.audience ?? current.audience,
      ...content,
      trackClicks: patch.track_clicks ?? current.trackClicks,
      linkOrigin: at.origin,
      ...timing(sendAt, schedule, now),
      updatedAt: now,
    })
    .where(and(broadcastKey(workspaceId, id), inArray(broadcasts.status, EDITABLE)))
    .returning();
  if (!row) throw conflict("The broadcast started meanwhile.");
  return row;
}

export async function deleteBroadcast(db: Db, workspaceId: string, id: string) {
  const current = await getBroadcast(db, workspaceId, id);
  if (!EDITABLE.includes(current.status))
    throw conflict(`A ${current.status} broadcast is kept: cancel it instead.`);
  // a recurring broadcast between runs keeps what it sent
  if (current.startedAt !== null)
    throw conflict("A broadcast that has sent is kept: cancel it instead.");
  await db
    .delete(broadcasts)
    .where(and(broadcastKey(workspaceId, id), inArray(broadcasts.status, EDITABLE)));
}

/** A broadcast seen running this recently is taken to run still: a pause stops sends within it. */
const RUNNING_SEEN_MS = 250;
/** When each broadcast was last seen running, by this isolate's sends; a change of status made here forgets it. */
const seenRunning = new Map<string, number>();

/**
 * Whether the broadcast still runs: checked at each send's turn, so a pause stops what waits.
 * Sends a moment apart share one read.
 */
export async function isRunning(db: Db, job: { workspaceId: string; broadcastId: string }) {
  const seen = seenRunning.get(job.broadcastId);
  if (seen !== undefined && Date.now() - seen < RUNNING_SEEN_MS) return true;
  const row = await db.query.broadcasts.findFirst({
    columns: { status: true },
    where: inWorkspace(broadcasts, job.workspaceId, eq(broadcasts.id, job.broadcastId)),
  });
  if (row?.status !== "running") {
    seenRunning.delete(job.broadcastId);
    return false;
  }
  if (seenRunning.size > 1_000) seenRunning.clear();
  seenRunning.set(job.broadcastId, Date.now());
  return true;
}

/**
 * Moves the broadcast from one of `from` to `to`, as one statement: two requests racing
 * cannot both win. A broadcast in another state is a 409 naming it.
 */
export async function transition(
  db: Db,
  workspaceId: string,
  id: string,
  change: { from: BroadcastStatus[]; to: BroadcastStatus; now: number; verb: string },
  extra: Partial<BroadcastRow> = {},
) {
  const [row] = await db
    .update(broadcasts)
    .set({ status: change.to, updatedAt: change.now, ...extra })
    .where(and(broadcastKey(workspaceId, id), inArray(broadcasts.status, change.from)))
    .returning();
  seenRunning.delete(id);
  if (row) return row;
  const current = await getBroadcast(db, workspaceId, id);
  throw conflict(`A ${current.status} broadcast cannot be ${change.verb}.`);
}
