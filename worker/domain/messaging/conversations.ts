import type { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { replyWindowClosesAt } from "../../channels/rules";
import { readInChunks, rowChunks } from "../../db/chunks";
import { preparedOnce, Reusable, writeTogether } from "../../db/client";
import {
  type ConversationStatus,
  channels,
  contacts,
  conversationLabels,
  conversations,
  memberships,
  type SystemEvent,
  teamMembers,
  users,
  workspaces,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import type { ConversationDto, ConversationListQuery } from "../../schemas/conversations";
import { normalizeTags } from "../contacts/contacts";
import { type DomainEvent, record } from "../events/record";
import type { AppendInput } from "./contract";
import { afterMentionCursor, byLatestMention, latestMentions, markMentionsRead } from "./mentions";
import { conversationStub } from "./stubs";

const listColumns = {
  conversation: conversations,
  channelType: channels.type,
  contactName: contacts.name,
  contactPhone: contacts.phone,
  contactEmail: contacts.email,
};

type ListRow = {
  conversation: typeof conversations.$inferSelect;
  channelType: typeof channels.$inferSelect.type;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
};

const nullableIso = (ms: number | null) => (ms === null ? null : toIso(ms));

function toDto(row: ListRow, labels: string[]): ConversationDto {
  const c = row.conversation;
  return {
    id: c.id,
    channel_id: c.channelId,
    channel_type: row.channelType,
    contact: {
      id: c.contactId,
      name: row.contactName,
      phone: row.contactPhone,
      email: row.contactEmail,
    },
    status: c.status,
    assignee_id: c.assigneeId,
    team_id: c.teamId,
    labels,
    last_message:
      c.lastMessagePreview !== null && c.lastMessageAt !== null && c.lastMessageSenderType !== null
        ? {
            preview: c.lastMessagePreview,
            at: toIso(c.lastMessageAt),
            sender_type: c.lastMessageSenderType,
          }
        : null,
    last_activity_at: toIso(c.lastActivityAt),
    unread_count: c.unreadCount,
    last_seq: c.lastSeq,
    snooze_until: c.snoozeUntil ? toIso(c.snoozeUntil) : null,
    last_inbound_at: nullableIso(c.lastInboundAt),
    sla: {
      first_response_due_at: nullableIso(c.firstResponseDueAt),
      first_response_at: nullableIso(c.firstResponseAt),
      resolution_due_at: nullableIso(c.resolutionDueAt),
    },
    reply_window_closes_at: nullableIso(replyWindowClosesAt(row.channelType, c.lastInboundAt)),
    created_at: toIso(c.createdAt),
  };
}

async function labelsOf(db: Db, workspaceId: string, ids: string[]) {
  const byConversation = new Map<string, string[]>(ids.map((id) => [id, []]));
  const rows = await readInChunks(ids, (chunk) =>
    db
      .select()
      .from(conversationLabels)
      .where(
        inWorkspace(
          conversationLabels,
          workspaceId,
          inArray(conversationLabels.conversationId, chunk),
        ),
      )
      .orderBy(conversationLabels.label),
  );
  for (const row of rows) byConversation.get(row.conversationId)?.push(row.label);
  return byConversation;
}

/** Conversations with their channel and contact, as the inbox lists them (plus `extra` columns). */
function baseQuery<Extra extends Record<string, SQL.Aliased>>(db: Db, extra: Extra = {} as Extra) {
  return db
    .select({ ...listColumns, ...extra })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .$dynamic();
}

const byId = { workspaceId: sql.placeholder("workspaceId"), id: sql.placeholder("id") };

/** A conversation's labels as a JSON array, in order, read along with its row. */
const labelsJson = sql<string>`(SELECT json_group_array(label) FROM (SELECT ${conversationLabels.label} AS label FROM ${conversationLabels} WHERE ${conversationLabels.workspaceId} = ${conversations.workspaceId} AND ${conversationLabels.conversationId} = ${conversations.id} ORDER BY ${conversationLabels.label}))`;

/** One conversation as the inbox shows it, built once: it is read back on every projected message. */
const conversationStatement = preparedOnce(
  (db) =>
    new Reusable(
      db,
      baseQuery(db, { labels: labelsJson.as("labels") })
        .where(inWorkspace(conversations, byId.workspaceId, eq(conversations.id, byId.id)))
        .prepare(),
    ),
);

/** The read behind one conversation, to run in a batch with others (one round trip to D1). */
export function conversationRead(db: Db, workspaceId: string, id: string) {
  return conversationStatement(db).bind({ workspaceId, id });
}

/** The conversation from the batch result of `conversationRead`, or null when it is gone. */
export function conversationFromRead(db: Db, result: D1Result): ConversationDto | null {
  const [row] = conversationStatement(db).read(result);
  return row ? toDto(row, JSON.parse(row.labels) as string[]) : null;
}

export async function getConversation(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<ConversationDto> {
  const conversation = conversationFromRead(db, await conversationRead(db, workspaceId, id).all());
  if (!conversation) throw notFound("Conversation");
  return conversation;
}

type ListFilter = z.infer<typeof ConversationListQuery>;
type ListSort = ListFilter["sort"];

/** After every real time: conversations without a sort key come after those with one. */
const NO_KEY = 8_640_000_000_000_000;

const activity = sql<number>`${conversations.lastActivityAt}`;

/** Since when the customer waits: their message is the last one and nobody has closed it. */
const waitingSince = sql<number>`coalesce(case when ${conversations.lastMessageSenderType} in ('contact', 'visitor') and ${conversations.status} != 'closed' then coalesce(${conversations.lastInboundAt}, ${conversations.lastMessageAt}) end, ${NO_KEY})`;

/** The next SLA target still open: first reply until it is given, then resolution. */
const slaDue = sql<number>`coalesce(case when ${conversations.status} != 'closed' then (case when ${conversations.firstResponseAt} is null then ${conversations.firstResponseDueAt} else ${conversations.resolutionDueAt} end) end, ${NO_KEY})`;

/** Each sort orders by one numeric key, ties broken by id in the same direction: the cursor is `key.id`. */
const SORTS: Record<ListSort, { key: SQL<number>; ascending: boolean }> = {
  newest: { key: activity, ascending: false },
  oldest: { key: activity, ascending: true },
  waiting_longest: { key: waitingSince, ascending: true },
  sla_due: { key: slaDue, ascending: true },
};

/** Rows after the cursor's `key.id` in the sort's order. */
function afterCursor(sort: ListSort, cursor: string): SQL | undefined {
  const [at, id] = cursor.split(".") as [string, string];
  const { key, ascending } = SORTS[sort];
  const beyond = ascending ? gt : lt;
  return or(beyond(key, Number(at)), and(eq(key, Number(at)), beyond(conversations.id, id)));
}

/** Conversations of the teams the person belongs to. */
const ofTeamsOf = (workspaceId: string, userId: string) =>
  inArray(
    conversations.teamId,
    sql`(select ${teamMembers.teamId} from ${teamMembers} where ${teamMembers.workspaceId} = ${workspaceId} and ${teamMembers.userId} = ${userId})`,
  );

/** The conditions of one inbox page; every one is served by an index that leads with workspace_id. */
export function listConditions(principal: Principal, filter: ListFilter): SQL | undefined {
  const ws = principal.workspaceId;
  const conditions: (SQL | undefined)[] = [];
  if (filter.view === "mine") conditions.push(eq(conversations.assigneeId, principal.userId ?? ""));
  if (filter.view === "unassigned") conditions.push(isNull(conversations.assigneeId));
  if (filter.view === "my_teams") conditions.push(ofTeamsOf(ws, principal.userId ?? ""));
  if (filter.assignee_id) conditions.push(eq(conversations.assigneeId, filter.assignee_id));
  if (filter.status) conditions.push(eq(conversations.status, filter.status));
  if (filter.channel_id) conditions.push(eq(conversations.channelId, filter.channel_id));
  if (filter.contact_id) conditions.push(eq(conversations.contactId, filter.contact_id));
  if (filter.team_id) conditions.push(eq(conversations.teamId, filter.team_id));
  if (filter.label) {
    conditions.push(
      sql`exists (select 1 from ${conversationLabels} where ${conversationLabels.workspaceId} = ${ws} and ${conversationLabels.conversationId} = ${conversations.id} and ${conversationLabels.label} = ${filter.label.toLowerCase()})`,
    );
  }
  if (filter.cursor) conditions.push(afterCursor(filter.sort, filter.cursor));
  return inWorkspace(conversations, ws, ...conditions);
}

type PageRow = ListRow & { mentionedAt?: number | null; sortKey?: number | null };

/** One page of rows in the order their view sorts by, with the cursor of the next one. */
async function pageOf(db: Db, workspaceId: string, rows: PageRow[], limit: number) {
  const page = rows.slice(0, limit);
  const labels = await labelsOf(
    db,
    workspaceId,
    page.map((r) => r.conversation.id),
  );
  const last = page.at(-1);
  return {
    data: page.map((row) => toDto(row, labels.get(row.conversation.id) ?? [])),
    next_cursor: rows.length > limit && last ? cursorOf(last) : null,
  };
}

export function listQuery(db: Db, principal: Principal, filter: ListFilter) {
  const { key, ascending } = SORTS[filter.sort];
  const order = ascending ? asc : desc;
  return baseQuery(db, { sortKey: key.mapWith(Number).as("sort_key") })
    .where(listConditions(principal, filter))
    .orderBy(order(key), order(conversations.id))
    .limit(filter.limit + 1);
}

/** The "Mentions" view: conversations where the caller was mentioned, latest mention first. */
export function mentionsQuery(db: Db, principal: Principal, filter: ListFilter) {
  const latest = latestMentions(db, principal);
  return db
    .select({ ...listColumns, mentionedAt: latest.mentionedAt })
    .from(latest)
    .innerJoin(conversations, eq(conversations.id, latest.conversationId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        listConditions(principal, { ...filter, cursor: undefined }),
        afterMentionCursor(latest, filter.cursor),
      ),
    )
    .orderBy(...byLatestMention(latest))
    .limit(filter.limit + 1);
}

/** Where the next page starts: the key the view sorts by, then the id. */
function cursorOf(row: PageRow) {
  const key = row.mentionedAt ?? row.sortKey ?? row.conversation.lastActivityAt;
  return `${key}.${row.conversation.id}`;
}

export async function listConversations(db: Db, principal: Principal, filter: ListFilter) {
  const rows: PageRow[] =
    filter.view === "mentions"
      ? await mentionsQuery(db, principal, filter)
      : await listQuery(db, principal, filter);
  return pageOf(db, principal.workspaceId, rows, filter.limit);
}

/** Every conversation of one contact, on any channel, newest activity first: the inbox list's query. */
export function listContactConversations(
  db: Db,
  principal: Principal,
  contactId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  return listConversations(db, principal, {
    view: "all",
    sort: "newest",
    contact_id: contactId,
    ...page,
  });
}

/** Opens a new conversation: the D1 row first, then its Durable Object. */
export async function openConversation(
  db: Db,
  env: Env,
  ref: { workspaceId: string; channelId: string; contactId: string },
  now: number,
) {
  const id = newId("cv", now);
  await db.insert(conversations).values({ id, ...ref, lastActivityAt: now, createdAt: now });
  await conversationStub(env, id).init({ conversationId: id, ...ref });
  await record({ db, env }, ref.workspaceId, {
    type: "conversation.opened",
    conversation: { id, channel_id: ref.channelId, contact_id: ref.contactId },
  });
  return id;
}

/** The contact's latest conversation on the channel that is not closed, if any. */
export async function findActiveConversation(
  db: Db,
  workspaceId: string,
  contactId: string,
  channelId: string,
) {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      inWorkspace(
        conversations,
        workspaceId,
        eq(conversations.contactId, contactId),
        eq(conversations.channelId, channelId),
        inArray(conversations.status, ["open", "pending", "snoozed"]),
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row?.id ?? null;
}

export async function actorName(db: Db, principal: Principal) {
  if (!principal.userId) return principal.via === "system" ? "Conversa" : "API";
  const user = await db.query.users.findFirst({ where: eq(users.id, principal.userId) });
  return user?.name ?? null;
}

async function recordEvent(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  type: string,
  data: SystemEvent["data"],
) {
  const event: AppendInput = {
    kind: "event",
    sender: { type: "system", id: principal.userId, name: await actorName(db, principal) },
    event: { type, data },
  };
  await conversationStub(env, id).append(event);
}

const where = (workspaceId: string, id: string) =>
  inWorkspace(conversations, workspaceId, eq(conversations.id, id));

/** Conversations go to active members of the workspace only. */
export async function checkAssignee(db: Db, workspaceId: string, userId: string) {
  const member = await db.query.memberships.findFirst({
    where: inWorkspace(
      memberships,
      workspaceId,
      eq(memberships.userId, userId),
      eq(memberships.active, true),
    ),
  });
  if (!member)
    throw validationFailed([
      { path: "user_id", message: "not an active member of this workspace" },
    ]);
}

export async function assignConversation(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  userId: string | null,
) {
  const current = await getConversation(db, principal.workspaceId, id);
  if (current.assignee_id === userId) return current;
  if (userId) await checkAssignee(db, principal.workspaceId, userId);
  await db
    .update(conversations)
    .set({ assigneeId: userId })
    .where(where(principal.workspaceId, id));
  const assignee = userId
    ? await db.query.users.findFirst({ columns: { name: true }, where: eq(users.id, userId) })
    : undefined;
  await recordEvent(db, env, principal, id, "assigned", {
    from: current.assignee_id,
    to: userId,
    // the widget tells the visitor who joined
    to_name: assignee?.name ?? null,
  });
  const conversation = await getConversation(db, principal.workspaceId, id);
  await record({ db, env }, principal.workspaceId, {
    type: "conversation.assigned",
    conversation,
    from: current.assignee_id,
  });
  return conversation;
}

/** The workspace's closing rules: a reason from its list, a note when required. */
export async function checkClosing(
  db: Db,
  workspaceId: string,
  change: { reason?: string | undefined; note?: string | undefined },
) {
  const rules = await db.query.workspaces.findFirst({
    columns: { closeReasons: true, requireCloseNote: true },
    where: eq(workspaces.id, workspaceId),
  });
  const errors: { path: string; message: string }[] = [];
  const reasons = rules?.closeReasons ?? [];
  if (reasons.length && !reasons.includes(change.reason ?? ""))
    errors.push({ path: "reason", message: `one of: ${reasons.join(", ")}` });
  if (rules?.requireCloseNote && !change.note)
    errors.push({ path: "note", message: "closing needs a note" });
  if (errors.length) throw validationFailed(errors);
}

const MAX_SNOOZE_MS = 365 * 24 * 60 * 60 * 1000;

/** A snooze ends in the future, at most a year ahead. */
function checkSnooze(until: number | null, now: number) {
  if (until === null || until <= now || until > now + MAX_SNOOZE_MS)
    throw validationFailed([
      { path: "snooze_until", message: "must be in the future, at most a year ahead" },
    ]);
  return until;
}

export async function changeStatus(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  change: {
    status: ConversationStatus;
    snoozeUntil: number | null;
    reason?: string | undefined;
    note?: string | undefined;
  },
  now: number,
) {
  const current = await getConversation(db, principal.workspaceId, id);
  if (change.status === "closed" && current.status !== "closed")
    await checkClosing(db, principal.workspaceId, change);
  const snoozeUntil = change.status === "snoozed" ? checkSnooze(change.snoozeUntil, now) : null;
  // the wake-up alarm first: when the object cannot set it, nothing has changed yet
  if (snoozeUntil !== null && !(await conversationStub(env, id).scheduleWake(snoozeUntil)))
    throw validationFailed([
      { path: "snooze_until", message: "is later than a wake-up can be set" },
    ]);
  await db
    .update(conversations)
    .set({ status: change.status, snoozeUntil, lastActivityAt: now })
    .where(where(principal.workspaceId, id));
  if (current.status !== change.status) {
    if (change.status === "closed" && change.note)
      await conversationStub(env, id).append({
        kind: "note",
        sender: { type: "agent", id: principal.userId, name: await actorName(db, principal) },
        text: change.note,
      });
    await recordEvent(db, env, principal, id, "status_changed", {
      from: current.status,
      to: change.status,
      ...(snoozeUntil ? { snooze_until: new Date(snoozeUntil).toISOString() } : {}),
      ...(change.status === "closed" && change.reason ? { reason: change.reason } : {}),
    });
  }
  const conversation = await getConversation(db, principal.workspaceId, id);
  const event = statusEvent(current.status, conversation, change.reason);
  if (event) await record({ db, env }, principal.workspaceId, event);
  return conversation;
}

/** What a status change amounts to; a snooze counts every time (its wake-up time moves). */
function statusEvent(
  from: ConversationStatus,
  conversation: ConversationDto,
  reason: string | undefined,
): DomainEvent | null {
  const to = conversation.status;
  if (to === "snoozed") return { type: "conversation.snoozed", conversation, from };
  if (to === from) return null;
  if (to === "closed")
    return { type: "conversation.closed", conversation, from, reason: reason ?? null };
  if (to === "open") return { type: "conversation.reopened", conversation, from };
  return { type: "conversation.pending", conversation, from };
}

export async function addLabels(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  labels: string[],
) {
  await getConversation(db, principal.workspaceId, id);
  const added = normalizeTags(labels);
  const rows = added.map((label) => ({
    workspaceId: principal.workspaceId,
    conversationId: id,
    label,
  }));
  await writeTogether(
    db,
    rowChunks(conversationLabels, rows).map((chunk) =>
      db.insert(conversationLabels).values(chunk).onConflictDoNothing(),
    ),
  );
  await recordEvent(db, env, principal, id, "labels_changed", { added });
  return labelsChanged(db, env, principal.workspaceId, id, { added, removed: [] });
}

export async function removeLabels(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  labels: string[],
) {
  await getConversation(db, principal.workspaceId, id);
  const removed = normalizeTags(labels);
  await db
    .delete(conversationLabels)
    .where(
      inWorkspace(
        conversationLabels,
        principal.workspaceId,
        eq(conversationLabels.conversationId, id),
        inArray(conversationLabels.label, removed),
      ),
    );
  await recordEvent(db, env, principal, id, "labels_changed", { removed });
  return labelsChanged(db, env, principal.workspaceId, id, { added: [], removed });
}

async function labelsChanged(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  change: { added: string[]; removed: string[] },
) {
  const conversation = await getConversation(db, workspaceId, id);
  await record({ db, env }, workspaceId, {
    type: "conversation.labels_changed",
    conversation,
    ...change,
  });
  return conversation;
}

/** An agent read the conversation up to its last message: its unread count is back to zero. */
export async function markConversationRead(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  now: number,
) {
  const current = await getConversation(db, principal.workspaceId, id);
  await conversationStub(env, id).markRead("agent", current.last_seq);
  await markMentionsRead(db, principal, id, now);
  const conversation = await getConversation(db, principal.workspaceId, id);
  await record({ db, env }, principal.workspaceId, { type: "conversation.read", conversation });
}
