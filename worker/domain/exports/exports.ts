import { and, asc, count, desc, eq, gt, gte, lt } from "drizzle-orm";
import { channels, contacts, conversations, dataExports, teams, users } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { csvRows, toCsv } from "../../lib/csv";
import { notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { isoOrNull, toIso } from "../../schemas/common";
import type { ContactListFilter } from "../../schemas/contacts";
import type { ExportRequest } from "../../schemas/exports";
import { listContacts, matchingContacts } from "../contacts/contact-list";
import { labelsOf } from "../messaging/conversations";

/** Rows a part of the file holds, and parts written per turn of the queue. */
const PAGE = 500;
const PAGES_PER_TURN = 10;

type ExportRow = typeof dataExports.$inferSelect;
type Filters = ExportRequest["filters"];
export type ExportJob = { workspaceId: string; exportId: string };

const partKey = (row: Pick<ExportRow, "workspaceId" | "id">, part: number) =>
  `exports/${row.workspaceId}/${row.id}/${String(part).padStart(6, "0")}.csv`;

export const toExportDto = (row: ExportRow) => ({
  id: row.id,
  kind: row.kind,
  status: row.status,
  rows_done: row.rowsDone,
  rows_total: row.rowsTotal,
  progress: row.rowsTotal === 0 ? (row.status === "done" ? 1 : 0) : row.rowsDone / row.rowsTotal,
  error: row.error,
  download_url: row.status === "done" ? `/api/v1/exports/${row.id}/download` : null,
  created_at: toIso(row.createdAt),
  finished_at: isoOrNull(row.finishedAt),
});

/** A page of contacts after the cursor, as CSV rows. */
async function contactRows(db: Db, row: ExportRow, now: number) {
  const filters = row.filters as Pick<ContactListFilter, "q" | "tag" | "field" | "segment_id">;
  const after = row.cursor;
  const page = await listContacts(
    db,
    row.workspaceId,
    {
      ...filters,
      sort: "created",
      order: "asc",
      limit: PAGE,
      cursor: after ? { sort: "created", order: "asc", value: after, id: after } : undefined,
    } as ContactListFilter,
    now,
  );
  return {
    header: CONTACT_COLUMNS,
    rows: page.data.map((c) => [
      c.id,
      c.name,
      c.email,
      c.phone,
      c.language,
      c.timezone,
      c.tags.join("; "),
      JSON.stringify(c.custom_fields),
      c.created_at,
      c.last_activity_at,
    ]),
    last: page.data.at(-1)?.id ?? null,
    more: page.next_cursor !== null,
  };
}

const CONTACT_COLUMNS = [
  "id",
  "name",
  "email",
  "phone",
  "language",
  "timezone",
  "tags",
  "custom_fields",
  "created_at",
  "last_activity_at",
];

const CONVERSATION_COLUMNS = [
  "number",
  "id",
  "status",
  "channel",
  "contact",
  "contact_email",
  "contact_phone",
  "assignee",
  "team",
  "labels",
  "created_at",
  "first_response_at",
  "closed_at",
  "last_activity_at",
];

const DAY_MS = 86_400_000;

function conversationsMatching(workspaceId: string, filters: Filters) {
  const f = filters as { status?: string; channel_id?: string; from?: string; to?: string };
  return inWorkspace(
    conversations,
    workspaceId,
    f.status ? eq(conversations.status, f.status as "open") : undefined,
    f.channel_id ? eq(conversations.channelId, f.channel_id) : undefined,
    f.from ? gte(conversations.createdAt, Date.parse(f.from)) : undefined,
    f.to ? lt(conversations.createdAt, Date.parse(f.to) + DAY_MS) : undefined,
  );
}

/** A page of conversations after the cursor (by id), with names instead of ids, as CSV rows. */
async function conversationRows(db: Db, row: ExportRow) {
  const matching = conversationsMatching(row.workspaceId, row.filters as Filters);
  const page = await db
    .select({
      id: conversations.id,
      number: conversations.number,
      status: conversations.status,
      channel: channels.name,
      contact: contacts.name,
      email: contacts.email,
      phone: contacts.phone,
      assignee: users.name,
      team: teams.name,
      createdAt: conversations.createdAt,
      firstResponseAt: conversations.firstResponseAt,
      closedAt: conversations.closedAt,
      lastActivityAt: conversations.lastActivityAt,
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .leftJoin(teams, eq(teams.id, conversations.teamId))
    .where(row.cursor ? and(matching, gt(conversations.id, row.cursor)) : matching)
    .orderBy(asc(conversations.id))
    .limit(PAGE + 1);
  const rows = page.slice(0, PAGE);
  const labels = await labelsOf(
    db,
    row.workspaceId,
    rows.map((c) => c.id),
  );
  return {
    header: CONVERSATION_COLUMNS,
    rows: rows.map((c) => [
      c.number,
      c.id,
      c.status,
      c.channel,
      c.contact,
      c.email,
      c.phone,
      c.assignee,
      c.team,
      (labels.get(c.id) ?? []).join("; "),
      toIso(c.createdAt),
      isoOrNull(c.firstResponseAt),
      isoOrNull(c.closedAt),
      toIso(c.lastActivityAt),
    ]),
    last: rows.at(-1)?.id ?? null,
    more: page.length > PAGE,
  };
}

const FILTER_PATHS = { field: "filters.field", segment: "filters.segment_id" };

/** A conversations export names a channel of the workspace, or none. */
async function checkChannel(db: Db, workspaceId: string, request: ExportRequest) {
  const channelId = request.kind === "conversations" ? request.filters.channel_id : undefined;
  if (!channelId) return;
  const channel = await db.query.channels.findFirst({
    columns: { id: true },
    where: inWorkspace(channels, workspaceId, eq(channels.id, channelId)),
  });
  if (!channel)
    throw validationFailed([{ path: "filters.channel_id", message: "no such channel" }]);
}

async function countRows(db: Db, workspaceId: string, request: ExportRequest, now: number) {
  const where =
    request.kind === "contacts"
      ? await matchingContacts(db, workspaceId, request.filters, now, FILTER_PATHS)
      : conversationsMatching(workspaceId, request.filters);
  const table = request.kind === "contacts" ? contacts : conversations;
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}

/** Starts an export: its rows counted now, its pages written by the exports queue. */
export async function startExport(
  db: Db,
  env: Env,
  principal: Principal,
  request: ExportRequest,
  now: number,
) {
  await checkChannel(db, principal.workspaceId, request);
  const rowsTotal = await countRows(db, principal.workspaceId, request, now);
  const id = newId("exp", now);
  const [row] = await db
    .insert(dataExports)
    .values({
      id,
      workspaceId: principal.workspaceId,
      kind: request.kind,
      filters: request.filters,
      rowsTotal,
      requestedBy: principal.userId,
      createdAt: now,
    })
    .returning();
  await env.EXPORTS.send({ workspaceId: principal.workspaceId, exportId: id } satisfies ExportJob);
  if (!row) throw new Error("the export was not stored");
  return row;
}

/**
 * Writes the export's next pages, each a part of the file; then queues the rest, or marks it
 * done. A part is written before the row says so, and the row only moves from the part count it
 * read: a turn redelivered or run twice rewrites the same part and moves nothing twice.
 */
export async function continueExport(db: Db, env: Env, job: ExportJob, now: number) {
  for (let turn = 0; turn < PAGES_PER_TURN; turn++) {
    const row = await getExportRow(db, job.workspaceId, job.exportId);
    if (row.status !== "running") return;
    const page =
      row.kind === "contacts" ? await contactRows(db, row, now) : await conversationRows(db, row);
    const csv = row.parts === 0 ? toCsv(page.header, page.rows) : csvRows(page.rows);
    await env.FILES.put(partKey(row, row.parts), csv, {
      httpMetadata: { contentType: "text/csv; charset=utf-8" },
    });
    const done = !page.more;
    const moved = await db
      .update(dataExports)
      .set({
        parts: row.parts + 1,
        cursor: page.last ?? row.cursor,
        rowsDone: row.rowsDone + page.rows.length,
        ...(done ? { status: "done" as const, finishedAt: now } : {}),
      })
      .where(
        inWorkspace(
          dataExports,
          row.workspaceId,
          eq(dataExports.id, row.id),
          eq(dataExports.parts, row.parts),
        ),
      )
      .returning({ id: dataExports.id });
    if (moved.length === 0 || done) return;
  }
  await env.EXPORTS.send(job);
}

/** An export that kept failing: marked so, with the reason. */
export async function failExport(db: Db, job: ExportJob, reason: string, now: number) {
  await db
    .update(dataExports)
    .set({ status: "failed", error: reason.slice(0, 500), finishedAt: now })
    .where(inWorkspace(dataExports, job.workspaceId, eq(dataExports.id, job.exportId)));
}

export async function getExportRow(db: Db, workspaceId: string, id: string) {
  const row = await db.query.dataExports.findFirst({
    where: inWorkspace(dataExports, workspaceId, eq(dataExports.id, id)),
  });
  if (!row) throw notFound("Export");
  return row;
}

export const listExports = (db: Db, workspaceId: string) =>
  db
    .select()
    .from(dataExports)
    .where(inWorkspace(dataExports, workspaceId))
    .orderBy(desc(dataExports.createdAt))
    .limit(50);

/** The finished file: its parts one after another, streamed from storage. */
export function exportFile(env: Env, row: ExportRow): ReadableStream<Uint8Array> {
  let part = 0;
  return new ReadableStream({
    async pull(controller) {
      if (part >= row.parts) return controller.close();
      const object = await env.FILES.get(partKey(row, part));
      part += 1;
      if (object) controller.enqueue(new Uint8Array(await object.arrayBuffer()));
    },
  });
}
