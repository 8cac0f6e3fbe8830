import type { Attachment, DeliveryStatus, MessageOrigin } from "../worker/db/schema";
import type {
  ConversationMeta,
  DeliveryUpdate,
  OutboundOptions,
} from "../worker/domain/messaging/contract";
import { projectDeliveryStatus } from "../worker/domain/messaging/projection";
import type { MessageDto } from "../worker/schemas/conversations";
import { advanceDelivery, deliveryEventsDto, messageDto } from "./conversation-storage";

type DeliveryHooks = {
  meta: () => ConversationMeta;
  /** everything stored so far projected to D1 */
  flush: () => Promise<void>;
  /** a frame to the agents and the visitor watching */
  broadcast: (frame: unknown) => void;
};

/**
 * A conversation object's outbound side: a message as the outbound queue sends it, and its
 * delivery status moving forward as the platform reports it.
 */
export class ConversationDelivery {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly hooks: DeliveryHooks,
  ) {}

  /** One message with how it is to be sent, for the outbound queue. */
  async outboundMessage(seq: number): Promise<{
    message: MessageDto;
    options: OutboundOptions;
    workspaceId: string;
    /** the stored file itself, for sending it again */
    attachment: Attachment | null;
    /** who sent it: an agent, or Conversa on its own (an automation, a schedule…) */
    origin: MessageOrigin | null;
  } | null> {
    const row = this.sql.exec("SELECT * FROM messages WHERE seq = ?", seq).toArray()[0];
    if (!row) return null;
    const options = row.outbound ? (JSON.parse(String(row.outbound)) as OutboundOptions) : {};
    const attachment = row.attachment ? (JSON.parse(String(row.attachment)) as Attachment) : null;
    const { conversationId, workspaceId } = this.hooks.meta();
    const message = await messageDto(this.env, row, conversationId);
    const origin = (row.origin as MessageOrigin | null) ?? null;
    return { message, options, workspaceId, attachment, origin };
  }

  /**
   * Moves a message's delivery status forward (never back) and records provider events;
   * everyone watching hears of it. Returns the status the message now has.
   */
  async applyStatus(seq: number, update: DeliveryUpdate): Promise<DeliveryStatus | null> {
    const row = this.sql
      .exec("SELECT status, status_reason, delivery_events FROM messages WHERE seq = ?", seq)
      .toArray()[0];
    if (!row) return null;
    const next = advanceDelivery(row, update, Date.now());
    if (!next) return (row.status as DeliveryStatus | null) ?? null;
    const { status, reason, events } = next;
    this.sql.exec(
      "UPDATE messages SET status = ?, status_reason = ?, delivery_events = ? WHERE seq = ?",
      status,
      reason,
      events.length ? JSON.stringify(events) : null,
      seq,
    );
    await this.projectStatus(seq, status, reason);
    this.hooks.broadcast({
      type: "status",
      seq,
      status,
      status_reason: reason,
      delivery_events: deliveryEventsDto(events),
    });
    return status;
  }

  /**
   * The sent-message history reads statuses from D1. Projection first, so the message is there;
   * when that projection is still failing, its retry carries the status.
   */
  private async projectStatus(seq: number, status: DeliveryStatus, reason: string | null) {
    await this.hooks.flush();
    await projectDeliveryStatus(this.env.DB, this.hooks.meta(), seq, { status, reason });
  }

  /** Messenger read receipts: every outbound message up to the watermark is read. */
  async readUpTo(watermark: number): Promise<number[]> {
    const seqs = this.sql
      .exec(
        "SELECT seq FROM messages WHERE status IN ('queued', 'sent', 'delivered') AND created_at <= ? ORDER BY seq",
        watermark,
      )
      .toArray()
      .map((r) => Number(r.seq));
    for (const seq of seqs) await this.applyStatus(seq, { status: "read" });
    return seqs;
  }
}
