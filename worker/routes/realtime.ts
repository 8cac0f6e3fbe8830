import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getConversation } from "../domain/messaging/conversations";
import { conversationStub, hubFor } from "../domain/messaging/stubs";
import { getMember } from "../domain/workspace/users";
import { assertSameOrigin } from "../lib/auth";
import type { AppEnv } from "../lib/context";
import { forbidden } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody } from "../schemas/common";
import { PresenceBody } from "../schemas/conversations";

const ConversationId = IdParam("cv");
const security = authenticated;

const socketRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/ws",
  tags: ["Realtime"],
  summary: "WebSocket: every message after `after_seq`, then live frames (see README)",
  security,
  request: {
    params: ConversationId,
    query: z.object({ after_seq: z.coerce.number().int().min(0).default(0) }),
  },
  responses: {
    101: { description: "Switching protocols" },
    426: { description: "Not a WebSocket request" },
    ...errorResponses,
  },
});

const realtimeRoute = createRoute({
  method: "get",
  path: "/realtime",
  tags: ["Realtime"],
  summary: "WebSocket: live inbox frames for the workspace (see README)",
  security,
  responses: {
    101: { description: "Switching protocols" },
    426: { description: "Not a WebSocket request" },
    ...errorResponses,
  },
});

const presenceRoute = createRoute({
  method: "put",
  path: "/me/presence",
  tags: ["Realtime"],
  summary: "Set your presence: online, away or offline",
  security,
  request: { body: jsonBody(PresenceBody) },
  responses: { 204: { description: "Set" }, ...errorResponses },
});

/** Browsers send cookies on WebSocket handshakes too; refuse ones opened by other sites. */
function assertSocketRequest(c: Context<AppEnv>) {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return false;
  if (c.get("principal").via === "session") {
    assertSameOrigin(c.req.raw, c.env.ALLOWED_ORIGINS, { required: true });
  }
  return true;
}

function agentHeaders(c: Context<AppEnv>, name: string | null) {
  const principal = c.get("principal");
  const headers = new Headers(c.req.raw.headers);
  headers.set("x-audience", "agent");
  headers.set("x-user-id", principal.userId ?? "");
  headers.set("x-user-name", name ?? "");
  headers.set("x-workspace-id", principal.workspaceId);
  return headers;
}

export const realtimeRouter = createRouter()
  .openapi(socketRoute, async (c) => {
    const { id } = c.req.valid("param");
    await getConversation(c.get("db"), c.get("principal").workspaceId, id);
    if (!assertSocketRequest(c)) throw forbidden("Open this URL as a WebSocket.");
    const { userId, workspaceId } = c.get("principal");
    const member = userId ? await getMember(c.get("db"), workspaceId, userId) : null;
    const request = new Request(c.req.url, { headers: agentHeaders(c, member?.name ?? null) });
    return conversationStub(c.env, id).fetch(request) as unknown as Response;
  })
  .openapi(realtimeRoute, async (c) => {
    if (!assertSocketRequest(c)) throw forbidden("Open this URL as a WebSocket.");
    const request = new Request(c.req.url, { headers: agentHeaders(c, null) });
    return hubFor(c.env, c.get("principal").workspaceId).fetch(request) as unknown as Response;
  })
  .openapi(presenceRoute, async (c) => {
    const principal = c.get("principal");
    if (!principal.userId) throw forbidden("Presence belongs to people, not API keys.");
    await hubFor(c.env, principal.workspaceId).setPresence(
      principal.workspaceId,
      principal.userId,
      c.req.valid("json").status,
    );
    return c.body(null, 204);
  });
