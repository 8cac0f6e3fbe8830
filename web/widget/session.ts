import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, request } from "../shared/api";
import type { Field } from "./channel";

export type Options = Record<string, string | undefined> & { base: string; channel: string };
export type Session = { token: string; conversation_id: string | null };
/** What the visitor told, remembered on this device; `done` once the pre-chat form was sent. */
/** What the visitor told (and whether they took the offer of notifications), kept in this browser. */
export type Remembered = Partial<Record<Field | "done" | "push", string>>;
export type VisitorRequest = <T>(
  path: string,
  init?: RequestInit & { json?: unknown },
) => Promise<T>;

const storageKey = (channel: string, part = "") => `conversa:${channel}${part}`;
export const refused = (e: unknown) => e instanceof ApiError && e.problem.status === 401;

/**
 * The visitor's session on this device: resumed with the stored token (or started anew when
 * it is refused), kept up to date with the renewed token an answer may carry.
 */
export function useVisitorSession(options: Options, onError: (message: string) => void) {
  const { base, channel } = options;
  const [session, setSession] = useState<Session | null>(null);
  // a refused token (expired, or revoked by a channel change) starts the session over
  const [restarts, setRestarts] = useState(0);
  // the newest token: answers may carry a renewed one, which needs no reconnect
  const token = useRef<string | null>(null);

  const keepToken = (value: string) => {
    token.current = value;
    localStorage.setItem(storageKey(channel), value);
  };
  const forgetToken = () => {
    token.current = null;
    localStorage.removeItem(storageKey(channel));
  };
  /** A call as the visitor, keeping the renewed token an answer may carry. */
  const visitorRequest: VisitorRequest = (path, init = {}) =>
    request(`${base}${path}`, {
      ...init,
      credentials: "omit",
      headers: { authorization: `Bearer ${token.current}` },
      onResponse: (response) => {
        const renewed = response.headers.get("visitor-token");
        if (renewed) keepToken(renewed);
      },
    });
  /** Ends this session: the next one starts without the stored token. */
  const restart = () => {
    forgetToken();
    setSession(null);
    setRestarts((n) => n + 1);
  };

  // `restarts` asks for a new session
  useEffect(() => {
    const start = (stored: string | undefined) =>
      request<Session>(`${base}/widget/v1/sessions`, {
        method: "POST",
        credentials: "omit",
        json: {
          channel_id: channel,
          token: stored,
          identifier: options.identifier,
          identifier_hash: options.identifierHash,
          name: options.name,
          email: options.email,
        },
      });
    const stored = localStorage.getItem(storageKey(channel)) ?? undefined;
    start(stored)
      .catch((e: unknown) => {
        if (!stored || !refused(e)) throw e;
        forgetToken();
        return start(undefined);
      })
      .then(
        (started) => {
          keepToken(started.token);
          setSession(started);
        },
        (e: Error) => onError(e.message),
      );
  }, [base, channel, options, restarts]);

  return { session, token, keepToken, visitorRequest, restart };
}

/** What the visitor told on this device, and a way to remember more. */
export function useRemembered(channel: string) {
  const key = storageKey(channel, ":told");
  const [told, setTold] = useState<Remembered>(() => JSON.parse(localStorage.getItem(key) ?? "{}"));
  const remember = (values: Remembered) => {
    const next = { ...told, ...values };
    localStorage.setItem(key, JSON.stringify(next));
    setTold(next);
  };
  return [told, remember] as const;
}
