import { env, exports } from "cloudflare:workers";
import { acrossWorkspaces, createDb } from "../worker/db/client";
import type { Role } from "../worker/db/schema";
import { memberships, organizations, users, workspaces } from "../worker/db/schema";
import { hashPassword } from "../worker/lib/crypto";
import { newId } from "../worker/lib/ids";

export const ORIGIN = "https://conversa.test";
export const PASSWORD = "correct horse battery";

let passwordHash: Promise<string> | null = null;
const knownHash = () => {
  passwordHash ??= hashPassword(PASSWORD);
  return passwordHash;
};

/** The database as tests see it: every workspace at once, to set up and inspect rows. */
export const db = () => acrossWorkspaces(createDb(env.DB));

type Auth = { cookie?: string; key?: string };
type RequestOptions = Auth & {
  method?: string;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
  /** Origin header for cookie-authenticated writes; defaults to the site itself. */
  origin?: string | null;
};

const randomTestIp = () =>
  `203.0.113.${Math.floor(Math.random() * 254) + 1}:${crypto.randomUUID().slice(0, 8)}`;

export async function api(path: string, options: RequestOptions = {}): Promise<Response> {
  const method =
    options.method ??
    (options.body === undefined && options.rawBody === undefined ? "GET" : "POST");
  const headers = new Headers(options.headers);
  // each call from its own documentation-range address, so per-IP limits only bite where a test means them to
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", randomTestIp());
  if (options.body !== undefined) headers.set("content-type", "application/json");
  if (options.cookie) headers.set("cookie", options.cookie);
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  if (origin && method !== "GET") headers.set("origin", origin);
  return exports.default.fetch(`${ORIGIN}${path}`, {
    method,
    headers,
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export function sessionCookie(response: Response): string {
  const header = response.headers.get("set-cookie") ?? "";
  const match = header.match(/conversa_session=([^;]+)/);
  if (!match) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  return `conversa_session=${match[1]}`;
}

let counter = 0;
const unique = (label: string) => `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** A fresh organization, workspace and member with a known password, unique to the calling test. */
export async function newWorkspace(name = "Test") {
  const orgId = newId("org");
  const workspaceId = newId("ws");
  const d = db();
  await d.insert(organizations).values({ id: orgId, name });
  await d.insert(workspaces).values({ id: workspaceId, organizationId: orgId, name });
  const workspace = {
    id: workspaceId,
    /** A new person with the known password, member of this workspace. */
    addMember: async (role: Role) => {
      const id = newId("usr");
      const email = `${unique(role)}@example.com`;
      await d
        .insert(users)
        .values({ id, email, name: `${role} ${id}`, passwordHash: await knownHash() });
      await d.insert(memberships).values({ workspaceId, userId: id, role });
      return { id, email, login: () => login(email, PASSWORD, workspaceId) };
    },
    /** Makes a person of another workspace a member of this one too. */
    addExisting: async (person: { id: string; email: string }, role: Role) => {
      await d.insert(memberships).values({ workspaceId, userId: person.id, role });
      return { ...person, login: () => login(person.email, PASSWORD, workspaceId) };
    },
  };
  const owner = await workspace.addMember("owner");
  return { ...workspace, owner, ownerCookie: await owner.login() };
}

export async function login(
  email: string,
  password = PASSWORD,
  workspaceId?: string,
): Promise<string> {
  const response = await api("/api/v1/auth/login", {
    body: { email, password, ...(workspaceId ? { workspace_id: workspaceId } : {}) },
  });
  if (response.status !== 200)
    throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return sessionCookie(response);
}

/** Invites an email the way an admin does; the answer carries the one-time token. */
export async function invite(cookie: string, email: string, role: Role = "agent") {
  const response = await api("/api/v1/invitations", { cookie, body: { email, role } });
  if (response.status !== 201)
    throw new Error(`invite failed: ${response.status} ${await response.text()}`);
  return json<{ id: string; email: string; role: Role; status: string; token: string }>(response);
}

/** An email no test has used. */
export const freshEmail = (label = "person") => `${unique(label)}@example.com`;

export async function createKey(cookie: string, role: Role = "admin"): Promise<string> {
  const response = await api("/api/v1/api-keys", { cookie, body: { name: "test", role } });
  if (response.status !== 201)
    throw new Error(`key failed: ${response.status} ${await response.text()}`);
  return (await json<{ key: string }>(response)).key;
}

export async function expectProblem(response: Response, status: number) {
  const body = await response.text();
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${body}`);
  if (!response.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`not problem+json: ${response.headers.get("content-type")} ${body}`);
  }
  return JSON.parse(body) as {
    type: string;
    title: string;
    status: number;
    detail?: string;
    errors?: { path: string; message: string }[];
  };
}

/** A web-chat channel in the workspace, created the way an admin would. */
export async function newWebchat(cookie: string, config: Record<string, unknown> = {}) {
  const response = await api("/api/v1/channels", {
    cookie,
    body: { type: "webchat", name: "Website", config },
  });
  if (response.status !== 201)
    throw new Error(`channel failed: ${response.status} ${await response.text()}`);
  return json<{ id: string; identity_secret: string }>(response);
}

export async function visitorSession(channelId: string, extra: Record<string, unknown> = {}) {
  const response = await api("/widget/v1/sessions", {
    body: { channel_id: channelId, ...extra },
    origin: null,
  });
  if (response.status !== 200)
    throw new Error(`session failed: ${response.status} ${await response.text()}`);
  return json<{ token: string; visitor_id: string; conversation_id: string | null }>(response);
}

export async function visitorSays(token: string, text: string) {
  const response = await api("/widget/v1/messages", {
    body: { text },
    headers: { authorization: `Bearer ${token}` },
    origin: null,
  });
  if (response.status !== 201)
    throw new Error(`send failed: ${response.status} ${await response.text()}`);
  return json<{ conversation_id: string; message: { id: string; seq: number; text: string } }>(
    response,
  );
}

/** A visitor on the channel, writing in one conversation. */
export async function visitorChat(channelId: string, name = "Marta Ruiz") {
  const visitor = await visitorSession(channelId, { name });
  let conversationId: string | undefined;
  const say = async (text: string) => {
    const response = await api("/widget/v1/messages", {
      body: { text, conversation_id: conversationId },
      headers: { authorization: `Bearer ${visitor.token}` },
      origin: null,
    });
    if (response.status !== 201) throw new Error(`say: ${await response.text()}`);
    conversationId = (await json<{ conversation_id: string }>(response)).conversation_id;
    return conversationId;
  };
  return { say, id: () => conversationId ?? "", token: visitor.token };
}

/** A new workspace whose web chat a visitor has written `text` in, which opened a conversation. */
export async function newVisitorConversation(
  text: string,
  webchatConfig: Record<string, unknown> = {},
) {
  const ws = await newWorkspace();
  const channel = await newWebchat(ws.ownerCookie, webchatConfig);
  const visitor = await visitorSession(channel.id);
  const { conversation_id: conversationId, message } = await visitorSays(visitor.token, text);
  return { ws, channel, visitor, conversationId, message };
}

/** Opens a WebSocket through the worker and collects its JSON frames. */
export async function openSocket(path: string, auth: { cookie?: string } = {}) {
  const headers = new Headers({ upgrade: "websocket", origin: ORIGIN });
  if (auth.cookie) headers.set("cookie", auth.cookie);
  const response = await exports.default.fetch(`${ORIGIN}${path}`, { headers });
  const socket = response.webSocket;
  if (!socket) throw new Error(`no websocket: ${response.status} ${await response.text()}`);
  socket.accept();
  const frames: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)));
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    socket,
    frames,
    send: (frame: unknown) => socket.send(JSON.stringify(frame)),
    /** Resolves once `predicate` holds over the frames received so far. */
    async until(predicate: (frames: Record<string, unknown>[]) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(frames)) {
        if (Date.now() > deadline)
          throw new Error(`timed out; frames: ${JSON.stringify(frames).slice(0, 2000)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return frames;
    },
    close: () => socket.close(1000, "done"),
  };
}

export const messageFrames = (frames: Record<string, unknown>[]) =>
  frames
    .filter((f) => f.type === "message")
    .map((f) => f.message as { seq: number; kind: string; text: string | null });
