import { DurableObject } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { createDb } from "../worker/db/client";
import { memberships } from "../worker/db/schema";
import { answerClose, sendAll } from "./sockets";

type Presence = "online" | "away" | "offline";
type SocketState = { userId: string };

/**
 * One per workspace: the live inbox. Agents' list sockets hibernate here; conversation
 * changes and presence are broadcast to all of them.
 */
export class WorkspaceHub extends DurableObject<Env> {
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

  async publish(frame: unknown): Promise<void> {
    sendAll(this.ctx.getWebSockets(), frame);
  }

  /** Records an agent's presence for routing and tells everyone watching. */
  async setPresence(workspaceId: string, userId: string, status: Presence): Promise<void> {
    await createDb(this.env.DB)
      .update(memberships)
      .set({ presence: status })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    await this.publish({ type: "presence", user_id: userId, status });
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
