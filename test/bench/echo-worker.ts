import { DurableObject } from "cloudflare:workers";

/**
 * The benchmark's floor: the same path as a message (HTTP POST → Worker → Durable Object →
 * WebSocket frame) with none of Conversa's work in between.
 */
export class EchoDO extends DurableObject {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") === "websocket") {
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: client });
    }
    const body = await request.text();
    for (const socket of this.ctx.getWebSockets()) socket.send(body);
    return new Response(body, { status: 201 });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }
}

type EchoEnv = { ECHO: DurableObjectNamespace<EchoDO> };

export default {
  fetch(request: Request, env: EchoEnv) {
    const room = new URL(request.url).pathname.split("/")[2] ?? "default";
    return env.ECHO.get(env.ECHO.idFromName(room)).fetch(request);
  },
} satisfies ExportedHandler<EchoEnv>;
