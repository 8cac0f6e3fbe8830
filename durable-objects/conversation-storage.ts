import type {
  Attachment,
  DeliveryStatus,
  MessageKind,
  MessageOrigin,
  SenderType,
  SystemEvent,
} from "../worker/db/schema";
import type { AiMark, DeliveryUpdate } from "../worker/domain/messaging/contract";
import type { ProjectedMessage } from "../worker/domain/messaging/projection";
import { VISITOR_EVENT_TYPES } from "../worker/domain/messaging/visitor-view";
import { attachmentUrl } from "../worker/lib/files";
import type { MessageDto } from "../worker/schemas/conversations";

export type DeliveryEvent = { event: string; at: number };
type Row = Record<string, SqlStorageValue>;

/** Columns added to `messages` after the first conversations were stored, in the order added. */
const LATER_MESSAGE_COLUMNS = [
  ["status_reason", "TEXT"],
  ["delivery_events", "TEXT"],
  ["outbound", "TEXT"],
  ["origin", "TEXT"],
  ["ai", "TEXT"],
] as const;

/**
 * A conversation object's tables: its meta values, its messages by seq, and the projection outbox.
 * A new object gets them whole in one statement (it opens for every conversation, so a broadcast
 * opens thousands); an older one gains the columns added since.
 */
export function migrateConversationStorage(sql: SqlStorage) {
  const columns = new Set(
    sql
      .exec("SELECT name FROM pragma_table_info('messages')")
      .toArray()
      .map((c) => String(c.name)),
  );
  const laterColumns = LATER_MESSAGE_COLUMNS.map(
    ([column, type]) => `,\n        ${column} ${type}`,
  );
  sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        sender_type TEXT NOT NULL,
        sender_id TEXT,
        sender_name TEXT,
        text TEXT,
        attachment TEXT,
        event TEXT,
        status TEXT,
        external_id TEXT UNIQUE,
        created_at INTEGER NOT NULL${laterColumns.join("")}
      );
      CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, attempts INTEGER NOT NULL DEFAULT 0);
    `);
  if (columns.size === 0) return;
  for (const [column, type] of LATER_MESSAGE_COLUMNS)
    if (!columns.has(column)) sql.exec(`ALTER TABLE messages ADD COLUMN ${column} ${type}`);
}

/**
 * The key an external id is stored under: the sender's side, id and key with it, so the same
 * client id from a visitor, an agent or an API key names three different messages.
 */
export function senderScopedId(input: {
  externalId?: string | null;
  sender: { type: SenderType; id: string | null };
  senderKey?: string | null;
}): string | null {
  if (!input.externalId) return null;
  return JSON.stringify([
    input.sender.type,
    input.sender.id ?? "",
    input.senderKey ?? "",
    input.externalId,
  ]);
}

/** The object's meta values; every message reads several, so they are kept in memory too. */
export class MetaStore {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly sql: SqlStorage) {}

  get(key: string): string | null {
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    const row = this.sql.exec("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    const value = row ? String(row.value) : null;
    this.cache.set(key, value);
    return value;
  }

  set(key: string, value: string) {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
    this.cache.set(key, value);
  }

  delete(key: string) {
    this.sql.exec("DELETE FROM meta WHERE key = ?", key);
    this.cache.set(key, null);
  }
}

/** A status only moves forward; `failed` can follow `queued` or `sent`, nothing after `delivered`. */
const STATUS_RANK: Record<DeliveryStatus, number> = {
  queued: 0,
  sent: 1,
  failed: 2,
  delivered: 3,
  read: 4,
};

/**
 * A message's delivery state after an update: the status moves forward only, a provider event
 * is recorded either way; null when nothing changes.
 */
export function advanceDelivery(row: Row, update: DeliveryUpdate, now: number) {
  const current = (row.status as DeliveryStatus | null) ?? null;
  const moves = current === null || STATUS_RANK[update.status] > STATUS_RANK[current];
  if (!moves && !update.event) return null;
  const events = row.delivery_events
    ? (JSON.parse(String(row.delivery_events)) as DeliveryEvent[])
    : [];
  if (update.event) events.push({ event: update.event, at: update.at ?? now });
  return {
    status: moves ? update.status : current,
    reason: (moves ? update.reason : null) ?? (row.status_reason as string | null) ?? null,
    events,
  };
}

/** Provider delivery events as the API and sockets show them. */
export const deliveryEventsDto = (events: DeliveryEvent[]) =>
  events.map((e) => ({ event: e.event, at: new Date(e.at).toISOString() }));

/** A stored message row as the API and sockets show it. */
export async function messageDto(env: Env, row: Row, conversationId: string): Promise<MessageDto> {
  const attachment = row.attachment ? (JSON.parse(String(row.attachment)) as Attachment) : null;
  return {
    id: String(row.id),
    conversation_id: conversationId,
    seq: Number(row.seq),
    kind: row.kind as MessageKind,
    sender: {
      type: row.sender_type as SenderType,
      id: row.sender_id === null ? null : String(row.sender_id),
      name: row.sender_name === null ? null : String(row.sender_name),
    },
    text: row.text === null ? null : String(row.text),
    attachment: attachment
      ? {
          url: await attachmentUrl(env, attachment.key),
          name: attachment.name,
          content_type: attachment.content_type,
          size: attachment.size,
        }
      : null,
    event: row.event ? (JSON.parse(String(row.event)) as SystemEvent) : null,
    status: (row.status as DeliveryStatus | null) ?? null,
    status_reason: row.status_reason ? String(row.status_reason) : null,
    delivery_events: row.delivery_events
      ? deliveryEventsDto(JSON.parse(String(row.delivery_events)) as DeliveryEvent[])
      : [],
    created_at: new Date(Number(row.created_at)).toISOString(),
    ...(row.ai ? { ai: JSON.parse(String(row.ai)) as AiMark } : {}),
  };
}

/** Messages after or before a seq, in order; a visitor sees no notes and only their events. */
export function readMessages(
  sql: SqlStorage,
  options: {
    afterSeq?: number | undefined;
    beforeSeq?: number | undefined;
    limit: number;
    audience: "agent" | "visitor";
  },
): Row[] {
  const visitorEvents = VISITOR_EVENT_TYPES.map((t) => `'${t}'`).join(", ");
  const hideNotes =
    options.audience === "visitor"
      ? `AND kind <> 'note' AND (kind <> 'event' OR json_extract(event, '$.type') IN (${visitorEvents}))`
      : "";
  if (options.beforeSeq !== undefined)
    return sql
      .exec(
        `SELECT * FROM messages WHERE seq < ? ${hideNotes} ORDER BY seq DESC LIMIT ?`,
        options.beforeSeq,
        options.limit,
      )
      .toArray()
      .reverse();
  return sql
    .exec(
      `SELECT * FROM messages WHERE seq > ? ${hideNotes} ORDER BY seq LIMIT ?`,
      options.afterSeq ?? 0,
      options.limit,
    )
    .toArray();
}

/** A stored message as the D1 projection takes it. */
export function projectedMessage(row: Row): ProjectedMessage {
  return {
    id: String(row.id),
    seq: Number(row.seq),
    kind: row.kind as MessageKind,
    senderType: row.sender_type as SenderType,
    senderId: row.sender_id === null ? null : String(row.sender_id),
    text: row.text === null ? null : String(row.text),
    senderName: row.sender_name === null ? null : String(row.sender_name),
    hasAttachment: row.attachment !== null,
    origin: (row.origin as MessageOrigin | null) ?? null,
    status: (row.status as DeliveryStatus | null) ?? null,
    statusReason: row.status_reason ? String(row.status_reason) : null,
    createdAt: Number(row.created_at),
  };
}
