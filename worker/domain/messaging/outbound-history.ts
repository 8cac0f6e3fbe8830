import type { z } from "@hono/zod-openapi";
import { and, desc, eq, gte, inArray, isNotNull, lt, type SQL, sql } from "drizzle-orm";
import { channels, contacts, conversations, type MessageOrigin, messages } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { firstIdAt } from "../../lib/ids";
import { toPage } from "../../lib/pagination";
import { toIso } from "../../schemas/common";
import type {
  OutboundFilters,
  OutboundMessageSchema,
  SEND_KINDS,
} from "../../schemas/outbound-messages";

type Filters = z.infer<typeof OutboundFilters>;
type SendKind = (typeof SEND_KINDS)[number];

const MANUAL: MessageOrigin[] = ["agent", "api"];
const AUTOMATIC: MessageOrigin[] = ["ai", "automation", "bot", "broadcast", "scheduled"];
const PREVIEW_LENGTH = 140;

export const sendKindOf = (origin: MessageOrigin): SendKind =>
  MANUAL.includes(origin) ? "manual" : "automatic";

/** The filters as conditions; dates become bounds on the time-ordered ids the index walks. */
function conditions(filters: Filters, cursor: string | undefined): (SQL | undefined)[] {
  return [
    isNotNull(messages.origin),
    filters.from ? gte(messages.id, firstIdAt("msg", Date.parse(filters.from))) : undefined,
    filters.to ? lt(messages.id, firstIdAt("msg", Date.parse(filters.to))) : undefined,
    cursor ? lt(messages.id, cursor) : undefined,
    filters.status ? eq(messages.status, filters.status) : undefined,
    filters.kind
      ? inArray(messages.origin, filters.kind === "manual" ? MANUAL : AUTOMATIC)
      : undefined,
    filters.channel_kind ? eq(channels.type, filters.channel_kind) : undefined,
    filters.channel_id ? eq(conversations.channelId, filters.channel_id) : undefined,
    filters.contact_id ? eq(conversations.contactId, filters.contact_id) : undefined,
    filters.q ? sql`instr(lower(${messages.text}), lower(${filters.q})) > 0` : undefined,
  ];
}

/** The history's query, newest first; exported so its plan can be checked. */
export function outboundQuery(
  db: Db,
  workspaceId: string,
  filters: Filters,
  page: { cursor?: string | undefined; limit: number },
) {
  return db
    .select({
      id: messages.id,
      conversationId: messages.conversationId,
      number: conversations.number,
      text: messages.text,
      attachmentCount: messages.attachmentCount,
      status: messages.status,
      statusReason: messages.statusReason,
      origin: messages.origin,
      senderName: messages.senderName,
      createdAt: messages.createdAt,
      channelId: channels.id,
      channelType: channels.type,
      channelName: channels.name,
      contactId: contacts.id,
      contactName: contacts.name,
    })
    .from(messages)
    .innerJoin(
      conversations,
      and(
        eq(conversations.id, messages.conversationId),
        eq(conversations.workspaceId, workspaceId),
      ),
    )
    .innerJoin(
      channels,
      and(eq(channels.id, conversations.channelId), eq(channels.workspaceId, workspaceId)),
    )
    .innerJoin(
      contacts,
      and(eq(contacts.id, conversations.contactId), eq(contacts.workspaceId, workspaceId)),
    )
    .where(inWorkspace(messages, workspaceId, ...conditions(filters, page.cursor)))
    .orderBy(desc(messages.id))
    .limit(page.limit + 1);
}

type Row = Awaited<ReturnType<typeof outboundQuery>>[number];

function toDto(row: Row): z.infer<typeof OutboundMessageSchema> {
  const origin = row.origin ?? "bot";
  return {
    id: row.id,
    conversation_id: row.conversationId,
    conversation_number: row.number,
    preview: (row.text ?? "").slice(0, PREVIEW_LENGTH),
    attachments_count: row.attachmentCount,
    status: row.status,
    status_reason: row.statusReason,
    kind: sendKindOf(origin),
    channel: { id: row.channelId, kind: row.channelType, name: row.channelName },
    contact: { id: row.contactId, name: row.contactName },
    sender: { type: origin, name: row.senderName },
    created_at: toIso(row.createdAt),
  };
}

/** Every message sent to customers, on every channel, newest first, a page at a time. */
export async function listOutboundMessages(
  db: Db,
  workspaceId: string,
  filters: Filters,
  page: { cursor?: string | undefined; limit: number },
) {
  const rows = await outboundQuery(db, workspaceId, filters, page);
  return toPage(rows.map(toDto), page.limit);
}
