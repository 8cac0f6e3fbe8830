import { DurableObject } from "cloudflare:workers";
import { createDb } from "../worker/db/client";
import type { DeliveryStatus } from "../worker/db/schema";
import { record } from "../worker/domain/events/record";
import type {
  AppendInput,
  Audience,
  ConversationMeta,
  DeliveryUpdate,
} from "../worker/domain/messaging/contract";
import { reopenSnoozed, resetUnread } from "../worker/domain/messaging/projection";
import { visitorView } from "../worker/domain/messaging/visitor-view";
import { slaBreaches } from "../worker/domain/routing/sla";
import { newId } from "../worker/lib/ids";
import { type LimitCheck, type RequestLimit, TokenBuckets } from "../worker/lib/token-bucket";
import {
  ClientFrame,
  type ConversationDto,
  type MessageDto,
} from "../worker/schemas/conversations";
import { ConversationDelivery } from "./conversation-delivery";
import { ProjectionOutbox } from "./conversation-outbox";
import { slaChecks, takeDueSlaChecks, watchSla } from "./conversation-sla";
import {
  MetaStore,
  messageDto,
  migrateConversationStorage,
  readMessages,
  senderScopedId,
} from "./conversation-storage";
import { answerClose, sendAll } from "./sockets";

type SocketState = { audience: Audience; userId: string | null; name: string | null };

/**
 * One conversation: the source of truth for message order. Messages get a gap-free
 * `seq`, fan out to hibernatable sockets, and are projected into D1 through an outbox.
 */
export class ConversationDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly metaStore: MetaStore;
  private readonly outbox: ProjectionOutbox;
  private readonly delivery: ConversationDelivery;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.metaStore = new MetaStore(this.sql);
    this.outbox = new ProjectionOutbox(this.sql, this.metaStore, env, {
      meta: () => this.meta(),
      scheduleAlarm: () => this.scheduleAlarm(),
      // agents on the conversation hear of a status change (a customer waking a snoozed one)
      statusChanged: (conversation) =>
        this.broadcast({ type: "conversation", conversation }, "agent"),
    });
    this.delivery = new ConversationDelivery(this.sql, env, {
      meta: () => this.meta(),
      flush: () => this.flush(),
      broadcast: (frame) => this.broadcast(frame),
    });
    ctx.blockConcurrencyWhile(async () => migrateConversationStorage(this.sql));
  }

  private conversationMeta: ConversationMeta | null = null;

  private meta(): ConversationMeta {
    if (this.conversationMeta) return this.conversationMeta;
    const raw = this.metaStore.get("conversation");
    if (!raw) throw new Error("conversation not initialised");
    this.conversationMeta = JSON.parse(raw) as ConversationMeta;
    return this.conversationMeta;
  }

  async init(meta: ConversationMeta): Promise<void> {
    if (!this.metaStore.get("conversation"))
      this.metaStore.set("conversation", JSON.stringify(meta));
  }

  /**
   * A visitor's message straight to the object, with no D1 lookup first: the object itself
   * knows whose conversation it is and whether it is closed.
   */
  async appendFromVisitor(
    visitor: { contactId: string; channelId: string },
    input: AppendInput,
    limit: RequestLimit,
  ): Promise<
    | { ok: true; message: MessageDto; routed: boolean; limit: LimitCheck }
    | { ok: false; reason: "not_found" | "closed" }
    | { ok: false; reason: "rate_limited"; limit: LimitCheck }
  > {
    const meta = this.metaStore.get("conversation") ? this.meta() : null;
    if (meta?.contactId !== visitor.contactId || meta.channelId !== visitor.channelId) {
      return { ok: false, reason: "not_found" };
    }
    if (this.metaStore.get("status") === "closed") return { ok: false, reason: "closed" };
    // the visitor's request limit is kept here, sparing the hot path a trip to a limiter object
    const check = this.visitorLimits.check(visitor.contactId, limit, Date.now());
    if (check.waitMs > 0) return { ok: false, reason: "rate_limited", limit: check };
    return { ok: true, message: await this.append(input), routed: this.isRouted(), limit: check };
  }

  private readonly visitorLimits = new TokenBuckets();

  /** Routing (chat menu, team) is done, so customer messages need no routing step. */
  isRouted(): boolean {
    return this.metaStore.get("routed") !== null;
  }

  async markRouted(): Promise<void> {
    this.metaStore.set("routed", "1");
  }

  /** Records a breach as an event when a due time passes with its target unmet. */
  private async checkSla(now: number) {
    const due = takeDueSlaChecks(this.metaStore, now);
    if (due.length === 0) return;
    const meta = this.meta();
    const breached = await slaBreaches(this.env.DB, meta, due);
    for (const check of breached) {
      await record({ db: createDb(this.env.DB), env: this.env }, meta.workspaceId, {
        type: "sla.breached",
        conversation_id: meta.conversationId,
        target: check.target,
        due_at: new Date(check.at).toISOString(),
      });
      await this.append({
        kind: "event",
        sender: { type: "system", id: null, name: "Conversa" },
        event: {
          type: "sla_breached",
          data: { target: check.target, due_at: new Date(check.at).toISOString() },
        },
      });
    }
  }

  private knownLastSeq: number | null = null;

  private lastSeq(): number {
    this.knownLastSeq ??= Number(
      this.sql.exec("SELECT coalesce(max(seq), 0) AS last FROM messages").one().last,
    );
    return this.knownLastSeq;
  }

  async append(input: AppendInput): Promise<MessageDto> {
    return (await this.appendOnce(input)).message;
  }

  /**
   * Appends unless the same sender already stored a message with this external id; `created`
   * tells which. Ids are scoped by sender, so nobody gets another sender's message back.
   */
  async appendOnce(input: AppendInput): Promise<{ message: MessageDto; created: boolean }> {
    const meta = this.meta();
    const dedupeKey = senderScopedId(input);
    if (dedupeKey) {
      const existing = this.sql
        .exec("SELECT * FROM messages WHERE external_id = ?", dedupeKey)
        .toArray()[0];
      if (existing)
        return {
          message: await messageDto(this.env, existing, meta.conversationId),
          created: false,
        };
    }
    const now = Date.now();
    const row = this.ctx.storage.transactionSync(() => {
      const seq = this.lastSeq() + 1;
      const inserted = this.sql
        .exec(
          `INSERT INTO messages (seq, id, kind, sender_type, sender_id, sender_name, text, attachment, event, status, external_id, outbound, origin, ai, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          seq,
          newId("msg", now),
          input.kind,
          input.sender.type,
          input.sender.id,
          input.sender.name,
          input.text ?? null,
          input.attachment ? JSON.stringify(input.attachment) : null,
          input.event ? JSON.stringify(input.event) : null,
          input.status ?? null,
          dedupeKey,
          input.outbound ? JSON.stringify(input.outbound) : null,
          input.origin ?? null,
          input.ai ? JSON.stringify(input.ai) : null,
          now,
        )
        .one();
      this.sql.exec("INSERT INTO outbox (seq) VALUES (?)", seq);
      // projected entries leave the outbox with the next write rather than in a commit of their own
      this.sql.exec("DELETE FROM outbox WHERE seq <= ?", this.outbox.projectedThrough);
      return inserted;
    });
    this.knownLastSeq = Number(row.seq);
    const message = await messageDto(this.env, row, meta.conversationId);
    this.broadcastMessage(message);
    await this.flush();
    return { message, created: true };
  }

  async list(options: {
    afterSeq?: number | undefined;
    beforeSeq?: number | undefined;
    limit: number;
    audience: Audience;
  }): Promise<MessageDto[]> {
    const meta = this.meta();
    const rows = readMessages(this.sql, options);
    const messages = await Promise.all(
      rows.map((row) => messageDto(this.env, row, meta.conversationId)),
    );
    if (options.audience === "agent") return messages;
    return messages.map(visitorView).filter((m): m is MessageDto => m !== null);
  }

  /** Read state per side; an agent reading also clears the inbox's unread count. */
  async markRead(audience: Audience, seq: number): Promise<void> {
    const key = `read:${audience}`;
    const current = Number(this.metaStore.get(key) ?? 0);
    if (seq > current) this.metaStore.set(key, String(seq));
    this.broadcast({ type: "read", side: audience, seq: Math.max(seq, current) });
    if (audience === "agent") await resetUnread(this.env.DB, this.meta());
  }

  readState(): { agent: number; visitor: number } {
    return {
      agent: Number(this.metaStore.get("read:agent") ?? 0),
      visitor: Number(this.metaStore.get("read:visitor") ?? 0),
    };
  }

  /**
   * Conversation-level changes (assignment, status) for the agents watching it; `watchSla` once
   * it is routed, when its SLA clocks start.
   */
  async publish(
    frame: { type: "conversation"; conversation: ConversationDto },
    options: { watchSla?: boolean } = {},
  ): Promise<void> {
    const { status, snooze_until } = frame.conversation;
    if (options.watchSla) watchSla(this.metaStore, frame.conversation.sla);
    this.metaStore.set("status", status);
    if (status === "snoozed" && snooze_until)
      this.metaStore.set("wake_at", String(Date.parse(snooze_until)));
    else this.metaStore.delete("wake_at");
    await this.scheduleAlarm();
    this.broadcast(frame, "agent");
  }

  /**
   * Arms the wake-up of a conversation about to be snoozed. False when no alarm can be set for
   * that time (the platform refuses dates past 2189); the object is then as it was.
   */
  async scheduleWake(at: number): Promise<boolean> {
    const previous = this.metaStore.get("wake_at");
    this.metaStore.set("wake_at", String(at));
    try {
      await this.scheduleAlarm();
      return true;
    } catch {
      if (previous === null) this.metaStore.delete("wake_at");
      else this.metaStore.set("wake_at", previous);
      await this.scheduleAlarm();
      return false;
    }
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("expected a websocket", { status: 426 });
    const audience = request.headers.get("x-audience") === "agent" ? "agent" : "visitor";
    const state: SocketState = {
      audience,
      userId: request.headers.get("x-user-id"),
      name: request.headers.get("x-user-name"),
    };
    const afterSeq = Number(new URL(request.url).searchParams.get("after_seq") ?? 0) || 0;
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [audience]);
    server.serializeAttachment(state);
    // Sent before any other event can run, so the backlog and live frames neither overlap nor gap.
    for (const message of await this.list({ afterSeq, limit: 10_000, audience })) {
      server.send(JSON.stringify({ type: "message", message }));
    }
    // where the other side has read up to, so a reconnecting client shows it at once
    const other = audience === "agent" ? "visitor" : "agent";
    const read = this.readState()[other];
    if (read > 0) server.send(JSON.stringify({ type: "read", side: other, seq: read }));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const state = ws.deserializeAttachment() as SocketState;
    let frame: ReturnType<typeof ClientFrame.parse>;
    try {
      frame = ClientFrame.parse(
        JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data)),
      );
    } catch {
      ws.send(JSON.stringify({ type: "error", detail: "unknown frame" }));
      return;
    }
    if (frame.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
    if (frame.type === "read") await this.markRead(state.audience, frame.seq);
    if (frame.type === "typing") {
      const out = { type: "typing", side: state.audience, typing: frame.typing, name: state.name };
      sendAll(
        this.ctx.getWebSockets().filter((socket) => socket !== ws),
        out,
      );
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    answerClose(ws, code, reason);
  }

  /** One alarm serves every due time the object keeps: snooze end, projection retry, SLA checks. */
  override async alarm(): Promise<void> {
    const wakeAt = Number(this.metaStore.get("wake_at") ?? 0);
    if (wakeAt && wakeAt <= Date.now()) {
      this.metaStore.delete("wake_at");
      await this.endSnooze();
    }
    await this.checkSla(Date.now());
    await this.flush();
    await this.scheduleAlarm();
  }

  private async scheduleAlarm() {
    const due = [
      ...["wake_at", "retry_at"].map((key) => Number(this.metaStore.get(key) ?? 0)),
      ...slaChecks(this.metaStore).map((c) => c.at),
    ].filter((at) => at > 0);
    if (due.length === 0) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.min(...due));
  }

  private async endSnooze() {
    const meta = this.meta();
    if (await reopenSnoozed(this.env.DB, meta, Date.now())) {
      await this.append({
        kind: "event",
        sender: { type: "system", id: null, name: null },
        event: {
          type: "status_changed",
          data: { from: "snoozed", to: "open", reason: "snooze_ended" },
        },
      });
    }
  }

  /** One message with how it is to be sent, for the outbound queue. */
  outboundMessage(seq: number) {
    return this.delivery.outboundMessage(seq);
  }

  /** Moves a message's delivery status forward; see `ConversationDelivery.applyStatus`. */
  applyStatus(seq: number, update: DeliveryUpdate): Promise<DeliveryStatus | null> {
    return this.delivery.applyStatus(seq, update);
  }

  /** Messenger read receipts: every outbound message up to the watermark is read. */
  readUpTo(watermark: number): Promise<number[]> {
    return this.delivery.readUpTo(watermark);
  }

  /** Conversa's side typing (the AI assistant thinking), for both sides to see. */
  async typing(signal: { name: string; typing: boolean }): Promise<void> {
    this.broadcast({ type: "typing", side: "agent", typing: signal.typing, name: signal.name });
  }

  /** The AI assistant's reply as it is being written; the stored message follows. */
  async draft(draft: { name: string; text: string }): Promise<void> {
    this.broadcast({ type: "draft", side: "agent", name: draft.name, text: draft.text });
  }

  /** A new message to everyone watching, as each side is to see it. */
  private broadcastMessage(message: MessageDto) {
    this.broadcast({ type: "message", message }, "agent");
    const forVisitor = visitorView(message);
    if (forVisitor) this.broadcast({ type: "message", message: forVisitor }, "visitor");
  }

  private broadcast(frame: unknown, only?: Audience) {
    sendAll(this.ctx.getWebSockets(only), frame);
  }

  pendingProjection(): number {
    return this.outbox.pending();
  }

  private flush(): Promise<void> {
    return this.outbox.flush();
  }
}
