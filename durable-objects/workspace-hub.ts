import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { createDb } from "../worker/db/client";
import { memberships } from "../worker/db/schema";
import { inWorkspace } from "../worker/db/scope";
import { type Happening, InterestMemo, recordAll } from "../worker/domain/events/record";
import { type ProjectionItem, projectMessages } from "../worker/domain/messaging/projection";
import { assignWaiting, teamsOf } from "../worker/domain/routing/assignment";
import type { ConversationDto } from "../worker/schemas/conversations";
import { answerClose, sendAll } from "./sockets";

type Presence = "online" | "away" | "offline";
type SocketState = { userId: string };

type Waiting = ProjectionItem & { done: (error: unknown, conversation?: ConversationDto) => void };

/** At most this many messages per D1 batch: 2 writes each plus a read per conversation. */
const GROUP_LIMIT = 100;
/**
 * Under steady traffic a projection write starts at most this often, carrying all that gathered
 * since: a D1 call costs far more than a row in it. A message after a quiet spell goes at once.
 */
const WRITE_INTERVAL_MS = 25;

/**
 * One per workspace: the live inbox and the projection writer. Agents' list sockets hibernate
 * here; conversation changes and presence are broadcast to all of them. Conversation objects
 * hand their messages here, and they are written to D1 in group commits: while one batch is
 * in flight, or until the write interval has passed, the next one gathers, so a busy workspace
 * costs one transaction per batch rather than one per message.
 */
export class WorkspaceHub extends DurableObject<Env> {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;
  /** The projection target; tests swap it to simulate a D1 outage. */
  projectionDb: D1Database = this.env.DB;

  /** Resolves, with the conversation as the inbox now shows it, once the message is in D1. */
  async project(item: ProjectionItem): Promise<ConversationDto | null> {
    return await new Promise((resolve, reject) => {
      this.waiting.push({
        ...item,
        done: (error, conversation) => (error ? reject(error) : resolve(conversation ?? null)),
      });
      this.writing ??= this.writeGroups().finally(() => {
        this.writing = null;
      });
    });
  }

  private lastWriteAt = 0;

  /** Messages waiting for the next write. */
  gathering(): number {
    return this.waiting.length;
  }

  private async writeGroups() {
    while (this.waiting.length > 0) {
      const wait = this.lastWriteAt + WRITE_INTERVAL_MS - Date.now();
      if (wait > 0) await scheduler.wait(wait);
      this.lastWriteAt = Date.now();
      const group = this.waiting.splice(0, GROUP_LIMIT);
      let projected: Awaited<ReturnType<typeof projectMessages>>;
      try {
        // the inbox's view of a conversation is read back only for someone to see it
        const watched = this.ctx.getWebSockets().length > 0;
        projected = await projectMessages(
          this.projectionDb,
          group,
          (item) => watched || item.wantsConversation === true,
        );
      } catch (error) {
        for (const item of group) item.done(error);
        continue;
      }
      const { conversations, created } = projected;
      for (const conversation of conversations.values()) {
        sendAll(this.ctx.getWebSockets(), { type: "conversation", conversation });
      }
      for (const item of group) item.done(null, conversations.get(item.ref.conversationId));
      // a message projected again (a retry, a restarted object) is announced only the first
      // time; in order, but without holding up the next group's write
      this.announcing = this.announcing
        .then(() => this.announceMessages(created))
        .catch((error) => console.error("message events could not be recorded", error));
    }
  }

  private announcing: Promise<void> = Promise.resolve();

  /** What the queued listeners want, so a message nobody listens for is never queued. */
  private interest = new InterestMemo();

  /** Webhook subscriptions or automations changed: the next message asks again. */
  async interestChanged(): Promise<void> {
    this.interest.forget();
  }

  /** Customer and agent messages stored for the first time: listeners hear of each once. */
  private async announceMessages(group: ProjectionItem[]) {
    const workspaceId = group[0]?.ref.workspaceId;
    if (!workspaceId) return;
    const events = group.flatMap(({ ref, message }): Happening[] => {
      if (message.kind === "note" || message.kind === "event") return [];
      const fromCustomer = message.senderType === "contact" || message.senderType === "visitor";
      return [
        {
          id: `evt_${message.id}`,
          type: fromCustomer ? "message.received" : "message.sent",
          conversation_id: ref.conversationId,
          message: {
            id: message.id,
            seq: message.seq,
            kind: message.kind,
            sender_type: message.senderType,
            text: message.text,
            has_attachment: message.hasAttachment,
            created_at: new Date(message.createdAt).toISOString(),
          },
        },
      ];
    });
    if (events.length)
      await recordAll(
        { db: createDb(this.env.DB), env: this.env, interest: this.interest },
        workspaceId,
        events,
      );
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("expected a websocket", { status: 426 });
    const userId = request.headers.get("x-user-id") ?? "";
    const workspaceId = request.headers.get("x-workspace-id") ?? "";
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [userId]);
    server.serializeAttachment({ userId } satisfies SocketState);
    await this.ctx.storage.put("workspaceId", workspaceId);
    if (this.ctx.getWebSockets(userId).length === 1)
      await this.setPresence(workspaceId, userId, "online");
    return new Response(null, { status: 101, webSocket: client });
  }

  private assigning: Promise<unknown> = Promise.resolve();

  /**
   * Hands the team's waiting conversations to its online agents. Runs strictly one at a time
   * for the whole workspace, so two arrivals never overshoot an agent's capacity.
   */
  async assignWaiting(workspaceId: string, teamId: string) {
    const run = this.assigning.then(() =>
      assignWaiting(createDb(this.env.DB), this.env, workspaceId, teamId, {
        get: async () => (await this.ctx.storage.get<string>(`rr:${teamId}`)) ?? null,
        set: (userId) => this.ctx.storage.put(`rr:${teamId}`, userId),
      }),
    );
    this.assigning = run.catch(() => undefined);
    return run;
  }

  async publish(frame: unknown): Promise<void> {
    sendAll(this.ctx.getWebSockets(), frame);
  }

  /** A frame for some agents only (a mention, say): every inbox tab each of them has open. */
  async publishTo(userIds: string[], frame: unknown): Promise<void> {
    for (const userId of new Set(userIds)) sendAll(this.ctx.getWebSockets(userId), frame);
  }

  /** Records an agent's presence for routing and tells everyone watching. */
  async setPresence(workspaceId: string, userId: string, status: Presence): Promise<void> {
    await createDb(this.env.DB)
      .update(memberships)
      .set({ presence: status })
      .where(inWorkspace(memberships, workspaceId, eq(memberships.userId, userId)));
    await this.publish({ type: "presence", user_id: userId, status });
    if (status === "online") {
      for (const { teamId } of await teamsOf(createDb(this.env.DB), workspaceId, userId))
        await this.assignWaiting(workspaceId, teamId);
    }
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    if (data === '{"type":"ping"}') ws.send('{"type":"pong"}');
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    answerClose(ws, code, reason);
    const { userId } = ws.deserializeAttachment() as SocketState;
    const stillConnected = this.ctx.getWebSockets(userId).some((s) => s !== ws);
    const workspaceId = await this.ctx.storage.get<string>("workspaceId");
    // An agent whose last inbox tab closed is offline: routing must not pick them.
    if (!stillConnected && workspaceId) await this.setPresence(workspaceId, userId, "offline");
  }
}
