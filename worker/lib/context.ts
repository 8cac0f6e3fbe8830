import type { createDb } from "../db/client";
import type { Role } from "../db/schema";
import type { Clock } from "./clock";

export type Db = ReturnType<typeof createDb>;

/** Who is calling: resolved only from the session cookie or the API key, never from input. */
export type Principal = {
  workspaceId: string;
  role: Role;
  userId: string | null;
  apiKeyId: string | null;
  /** `system`: Conversa itself (routing, automations), acting for the workspace. */
  via: "session" | "api_key" | "system";
  sessionIdHash: string | null;
};

/** Conversa itself acting for the workspace: routing, automations, the AI assistant. */
export const systemPrincipal = (workspaceId: string): Principal => ({
  workspaceId,
  role: "owner",
  userId: null,
  apiKeyId: null,
  via: "system",
  sessionIdHash: null,
});

/** A widget visitor: resolved only from a visitor token the worker signed and still honours. */
export type Visitor = {
  workspaceId: string;
  channelId: string;
  contactId: string;
  name: string | null;
};

export type AppEnv = {
  Bindings: Env;
  Variables: { db: Db; clock: Clock; principal: Principal; visitor: Visitor };
};
