import { and, asc, desc, eq, gt, inArray, like, lt, or, type SQL, sql } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import {
  type ChannelType,
  channels,
  contacts,
  contactTags,
  conversations,
  segments,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { validationFailed } from "../../lib/errors";
import {
  type ContactCursorValue,
  type ContactListFilter,
  encodeContactCursor,
} from "../../schemas/contacts";
import type { SegmentRulesValue } from "../../schemas/segments";
import { compileSegment } from "../segments/segments";
import { type ContactRow, tagsOf, toContactDto } from "./contacts";
import { fieldFilterConditions, listContactFields } from "./fields";

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

const SORT_KEYS = {
  created: contacts.id,
  name: contacts.sortName,
  last_activity: contacts.sortActivity,
} as const;

type SortableRow = Pick<ContactRow, "id" | "sortName" | "sortActivity">;

const sortValueOf = (row: SortableRow, sort: ContactListFilter["sort"]) =>
  sort === "created" ? row.id : sort === "name" ? (row.sortName ?? "") : (row.sortActivity ?? 0);

/** Rows after the cursor in the page's order: by the sort key, then by id. */
function afterCursor(cursor: ContactCursorValue) {
  const key = SORT_KEYS[cursor.sort];
  const beyond = cursor.order === "asc" ? gt : lt;
  if (cursor.sort === "created") return beyond(contacts.id, cursor.id);
  return or(beyond(key, cursor.value), and(eq(key, cursor.value), beyond(contacts.id, cursor.id)));
}

function searchCondition(q: string) {
  const pattern = `%${escapeLike(q)}%`;
  const digits = q.replace(/\D/g, "");
  return or(
    sql`${contacts.name} like ${pattern} escape '\\'`,
    sql`${contacts.email} like ${pattern.toLowerCase()} escape '\\'`,
    digits.length >= 3 ? like(contacts.phone, `%${digits}%`) : undefined,
  );
}

function tagCondition(db: Db, workspaceId: string, tag: string) {
  return inArray(
    contacts.id,
    db
      .select({ id: contactTags.contactId })
      .from(contactTags)
      .where(inWorkspace(contactTags, workspaceId, eq(contactTags.tag, tag.toLowerCase()))),
  );
}

async function segmentCondition(
  db: Db,
  workspaceId: string,
  segmentId: string,
  now: number,
  path: string,
) {
  const segment = await db.query.segments.findFirst({
    where: inWorkspace(segments, workspaceId, eq(segments.id, segmentId)),
  });
  if (!segment) throw validationFailed([{ path, message: "no such segment" }]);
  return compileSegment(db, workspaceId, segment.rules as SegmentRulesValue, now);
}

/** Contacts counted up to this many; past it a list says "10,000+". */
export const COUNT_CAP = 10_000;

async function countUpTo(db: Db, where: SQL) {
  const capped = db
    .select({ one: sql`1` })
    .from(contacts)
    .where(where)
    .limit(COUNT_CAP + 1)
    .as("capped");
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(capped);
  const n = row?.n ?? 0;
  return { total: Math.min(n, COUNT_CAP), total_capped: n > COUNT_CAP };
}

/** The channel types each contact has talked on, for the list's icons. */
async function channelTypesOf(db: Db, workspaceId: string, contactIds: string[]) {
  const byContact = new Map<string, ChannelType[]>(contactIds.map((id) => [id, []]));
  const rows = await readInChunks(contactIds, (ids) =>
    db
      .selectDistinct({ contactId: conversations.contactId, type: channels.type })
      .from(conversations)
      .innerJoin(channels, eq(channels.id, conversations.channelId))
      .where(inWorkspace(conversations, workspaceId, inArray(conversations.contactId, ids)))
      .orderBy(channels.type),
  );
  for (const row of rows) byContact.get(row.contactId)?.push(row.type);
  return byContact;
}

/** Where a list's filters were given, for the paths of their problems. */
const LIST_PATHS = { field: "query.field", segment: "segment_id" };

/**
 * The contacts a list's search and filters take in, as one condition; a bad field filter or an
 * unknown segment is refused on its `paths`.
 */
export async function matchingContacts(
  db: Db,
  workspaceId: string,
  filter: Pick<ContactListFilter, "q" | "tag" | "field" | "segment_id">,
  now: number,
  paths = LIST_PATHS,
) {
  const fieldConditions = fieldFilterConditions(
    await listContactFields(db, workspaceId),
    filter.field ?? [],
    paths.field,
  );
  return inWorkspace(
    contacts,
    workspaceId,
    filter.q ? searchCondition(filter.q) : undefined,
    filter.tag ? tagCondition(db, workspaceId, filter.tag) : undefined,
    ...fieldConditions,
    filter.segment_id
      ? await segmentCondition(db, workspaceId, filter.segment_id, now, paths.segment)
      : undefined,
  );
}

/**
 * A page of contacts: searched, filtered by tag and custom fields, sorted by creation, name or
 * last activity and paged by keyset (every sort has an index). The first page counts the
 * matches, up to COUNT_CAP.
 */
export async function listContacts(
  db: Db,
  workspaceId: string,
  filter: ContactListFilter,
  now: number,
) {
  const order = filter.order ?? (filter.sort === "name" ? "asc" : "desc");
  const cursor = filter.cursor;
  if (cursor && (cursor.sort !== filter.sort || cursor.order !== order)) {
    throw validationFailed([
      {
        path: "query.cursor",
        message: "this cursor belongs to another sort; start again without it",
      },
    ]);
  }
  const matching = await matchingContacts(db, workspaceId, filter, now);
  const direction = order === "asc" ? asc : desc;
  const key = SORT_KEYS[filter.sort];
  const rows = await db
    .select()
    .from(contacts)
    .where(cursor ? and(matching, afterCursor(cursor)) : matching)
    .orderBy(...(filter.sort === "created" ? [] : [direction(key)]), direction(contacts.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const ids = page.map((r) => r.id);
  const [tags, channelTypes, count] = await Promise.all([
    tagsOf(db, workspaceId, ids),
    channelTypesOf(db, workspaceId, ids),
    cursor ? null : countUpTo(db, matching),
  ]);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
      ...toContactDto(row, tags.get(row.id) ?? []),
      channel_types: channelTypes.get(row.id) ?? [],
    })),
    next_cursor:
      rows.length > filter.limit && last
        ? encodeContactCursor({
            sort: filter.sort,
            order,
            value: sortValueOf(last, filter.sort),
            id: last.id,
          })
        : null,
    total: count?.total ?? null,
    total_capped: count?.total_capped ?? false,
  };
}

/** The workspace's contact tags, most used first, for suggestions and filters. */
export async function tagCounts(db: Db, workspaceId: string) {
  const count = sql<number>`count(*)`;
  return db
    .select({ tag: contactTags.tag, count })
    .from(contactTags)
    .where(inWorkspace(contactTags, workspaceId))
    .groupBy(contactTags.tag)
    .orderBy(desc(count), asc(contactTags.tag))
    .limit(TAG_SUGGESTIONS);
}

export const TAG_SUGGESTIONS = 200;
