import type { z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { isPlatformChannel } from "../../channels/index";
import { readInChunks } from "../../db/chunks";
import { type BroadcastStatus, broadcasts, contacts, segments } from "../../db/schema";
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
import { toIso } from "../../schemas/common";
import { getChannel } from "../channels/channels";
import { checkVariables, getSnippet } from "../messaging/snippets";

export type BroadcastRow = typeof broadcasts.$inferSelect;

/** For something a broadcast names that may have been deleted since: null when it is gone. */
export function nullIfGone(error: unknown): null {
  if (error instanceof Problem && error.status === 404) return null;
  throw error;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : toIso(ms));

export const toBroadcastDto = (row: BroadcastRow): z.infer<typeof BroadcastSchema> => ({
  id: row.id,
  name: row.name,
  channel_id: row.channelId,
  audience: row.audience,
  message: row.message,
  status: row.status,
  send_at: isoOrNull(row.sendAt),
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
): Promise<FieldError[]> {
  if (message.snippet_id) {
    const found = await getSnippet(db, workspaceId, message.snippet_id).catch(nullIfGone);
    return found ? [] : [missing("message.snippet_id", "snippet")];
  }
  if (message.template)
    return channelType === null || channelType === "whatsapp"
      ? []
      : [{ path: "message.template", message: "Templates are for WhatsApp" }];
  if (message.text === undefined) return [];
  return checkVariables(db, workspaceId, message.text, "message.text").then(
    () => [],
    (error: unknown) => {
      if (error instanceof Problem) return (error.extra.errors as FieldError[] | undefined) ?? [];
      throw error;
    },
  );
}

/** Everything a broadcast names must exist in the workspace, and fit its channel. */
async function checkReferences(
  db: Db,
  workspaceId: string,
  input: Pick<z.infer<typeof BroadcastCreate>, "channel_id" | "audience" | "message">,
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
    ...(await messageProblems(db, workspaceId, input.message, channel?.type ?? null)),
  ];
  if (errors.length) throw validationFailed(errors);
}

const sendAtOf = (sendAt: string | null | undefined) => (sendAt ? Date.parse(sendAt) : null);

function refusePast(sendAt: number | null, now: number) {
  if (sendAt !== null && sendAt < now - 60_000)
    throw validationFailed([{ path: "send_at", message: "is in the past" }]);
}

export async function createBroadcast(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof BroadcastCreate>,
  now: number,
) {
  await checkReferences(db, workspaceId, input);
  const sendAt = sendAtOf(input.send_at);
  refusePast(sendAt, now);
  const [row] = await db
    .insert(broadcasts)
    .values({
      id: newId("brd", now),
      workspaceId,
      name: input.name,
      channelId: input.channel_id,
      audience: input.audience,
      message: input.message,
      status: sendAt === null ? "draft" : "scheduled",
      sendAt,
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
  now: number,
) {
  const current = await getBroadcast(db, workspaceId, id);
  if (!EDITABLE.includes(current.status))
    throw conflict(`A ${current.status} broadcast cannot be changed.`);
  await checkReferences(db, workspaceId, {
    channel_id: patch.channel_id ?? current.channelId,
    audience: patch.audience ?? current.audience,
    message: patch.message ?? current.message,
  });
  const sendAt = patch.send_at === undefined ? current.sendAt : sendAtOf(patch.send_at);
  if (patch.send_at !== undefined) refusePast(sendAt, now);
  const [row] = await db
    .update(broadcasts)
    .set({
      name: patch.name ?? current.name,
      channelId: patch.channel_id ?? current.channelId,
      audience: patch.audience ?? current.audience,
      message: patch.message ?? current.message,
      sendAt,
      status: sendAt === null ? "draft" : "scheduled",
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
  await db
    .delete(broadcasts)
    .where(and(broadcastKey(workspaceId, id), inArray(broadcasts.status, EDITABLE)));
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
  if (row) return row;
  const current = await getBroadcast(db, workspaceId, id);
  throw conflict(`A ${current.status} broadcast cannot be ${change.verb}.`);
}
