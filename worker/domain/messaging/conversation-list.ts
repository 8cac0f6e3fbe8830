import type { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import {
  channels,
  contacts,
  conversationLabels,
  conversations,
  teamMembers,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import type { ConversationListQuery } from "../../schemas/conversations";
import { baseQuery, type ListRow, labelsOf, listColumns, toDto } from "./conversations";
import { afterMentionCursor, byLatestMention, latestMentions } from "./mentions";

/** The inbox list: views, filters, sorts and keyset pages of conversations. */

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
