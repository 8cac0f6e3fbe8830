import type { ConversationDto, MessageDto } from "../../worker/schemas/conversations";

export type { ConversationDto as Conversation, MessageDto as Message };

export type Problem = {
  /** https://conversa.dev/problems/<kind>: conflict, forbidden, not-found, rate-limited … */
  type?: string;
  title: string;
  status: number;
  detail?: string;
  /** the fields at fault, by path ("config.bot_token", "members.0.user_id") */
  errors?: { path: string; message: string }[];
};

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

/**
 * JSON over fetch; problem+json answers become an ApiError carrying the server's detail.
 * `onResponse` sees every answer first (for headers such as a renewed token).
 */
export async function request<T>(
  url: string,
  {
    json,
    onResponse,
    ...init
  }: RequestInit & { json?: unknown; onResponse?: (response: Response) => void } = {},
): Promise<T> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(json);
  }
  const response = await fetch(url, { credentials: "same-origin", ...init, headers, body });
  onResponse?.(response);
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as Problem | null;
    throw new ApiError(problem ?? { title: response.statusText, status: response.status });
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Messages by seq: merges pages and live frames without duplicates, in order. */
export function mergeMessages<M extends { seq: number }>(current: M[], incoming: M[]): M[] {
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** A WebSocket that reconnects with backoff; `url()` is asked again each time (for after_seq). */
export function liveSocket(url: () => string, onFrame: (frame: Record<string, unknown>) => void) {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    socket = new WebSocket(url());
    socket.onopen = () => {
      attempt = 0;
    };
    socket.onmessage = (event) => onFrame(JSON.parse(String(event.data)));
    socket.onclose = () => {
      if (stopped) return;
      timer = setTimeout(connect, Math.min(30_000, 500 * 2 ** attempt++));
    };
  };
  connect();
  return {
    send: (frame: unknown) =>
      socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(frame)),
    close: () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close(1000);
    },
  };
}

export const wsUrl = (base: string, path: string) => `${base.replace(/^http/, "ws")}${path}`;
