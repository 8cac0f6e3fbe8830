import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, liveSocket, type Message, mergeMessages, request, wsUrl } from "../shared/api";
import css from "./widget.css?inline";

type Options = Record<string, string | undefined> & { base: string; channel: string };
type ChannelConfig = {
  name: string;
  greeting: string | null;
  brand_color: string;
  away: boolean;
  away_message: string | null;
};
type Session = { token: string; conversation_id: string | null };
type Sent = { conversation_id: string; message: Message };

const storageKey = (channel: string) => `conversa:${channel}`;
const refused = (e: unknown) => e instanceof ApiError && e.problem.status === 401;

function Chat({ options }: { options: Options }) {
  const { base, channel } = options;
  const [config, setConfig] = useState<ChannelConfig | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  // a refused token (expired, or revoked by a channel change) starts the session over
  const [restarts, setRestarts] = useState(0);
  const [messages, setMessages] = useState<Message[]>([]);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const lastSeq = useRef(0);
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
  const visitorRequest = <T,>(path: string, init: RequestInit & { json?: unknown } = {}) =>
    request<T>(`${base}${path}`, {
      ...init,
      credentials: "omit",
      headers: { authorization: `Bearer ${token.current}` },
      onResponse: (response) => {
        const renewed = response.headers.get("visitor-token");
        if (renewed) keepToken(renewed);
      },
    });

  useEffect(() => {
    request<ChannelConfig>(`${base}/widget/v1/channels/${channel}`).then(setConfig, () => {});
  }, [base, channel]);

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
        (s) => {
          keepToken(s.token);
          setSession(s);
        },
        (e: Error) => setError(e.message),
      );
  }, [base, channel, options, restarts]);

  const conversationId = session?.conversation_id;
  useEffect(() => {
    if (!session || !conversationId) return;
    visitorRequest<{ data: Message[] }>(
      `/widget/v1/conversations/${conversationId}/messages?after_seq=0&limit=200`,
    ).then(
      ({ data }) => setMessages((m) => mergeMessages(m, data)),
      () => {},
    );
    const socket = liveSocket(
      () =>
        wsUrl(
          base,
          `/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(token.current ?? "")}&after_seq=${lastSeq.current}`,
        ),
      (frame) => {
        if (frame.type === "message")
          setMessages((m) => mergeMessages(m, [frame.message as Message]));
      },
    );
    return () => socket.close();
  }, [base, session, conversationId]);

  useEffect(() => {
    lastSeq.current = messages.at(-1)?.seq ?? 0;
    list.current?.scrollTo(0, list.current.scrollHeight);
  }, [messages]);

  const sent = (result: Sent) => {
    setMessages((m) =>
      mergeMessages(result.conversation_id === conversationId ? m : [], [result.message]),
    );
    if (result.conversation_id !== conversationId && session) {
      setSession({ ...session, conversation_id: result.conversation_id });
    }
  };

  /** A refused token ends this session: the next one starts without it. */
  const failed = (e: unknown) => {
    if (!refused(e)) return setError((e as Error).message);
    setError("Your chat session ended; send again to start a new one.");
    forgetToken();
    setSession(null);
    setMessages([]);
    setRestarts((n) => n + 1);
  };

  const send = async (event: Event) => {
    event.preventDefault();
    const body = text.trim();
    if (!body || !session) return;
    setText("");
    try {
      sent(
        await visitorRequest<Sent>("/widget/v1/messages", {
          method: "POST",
          json: {
            text: body,
            conversation_id: conversationId ?? undefined,
            client_message_id: crypto.randomUUID(),
          },
        }),
      );
      setError(null);
    } catch (e) {
      setText(body);
      failed(e);
    }
  };

  const attach = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file || !session) return;
    const form = new FormData();
    form.append("file", file);
    try {
      sent(await visitorRequest<Sent>("/widget/v1/attachments", { method: "POST", body: form }));
    } catch (e) {
      failed(e);
    }
    input.value = "";
  };

  return (
    <div class="w" style={{ "--brand": config?.brand_color ?? "#2563eb" }}>
      <header>
        <strong>{config?.name ?? "Chat"}</strong>
        {config?.away && <span class="away">{config.away_message ?? "We're away right now"}</span>}
      </header>
      <div class="list" ref={list}>
        {config?.greeting && <p class="msg them">{config.greeting}</p>}
        {messages.map((m) => (
          <p
            key={m.seq}
            class={`msg ${m.sender.type === "visitor" ? "me" : "them"}`}
            data-seq={m.seq}
          >
            {m.attachment ? (
              <a href={base + m.attachment.url} target="_blank" rel="noopener noreferrer">
                📎 {m.attachment.name}
              </a>
            ) : (
              m.text
            )}
          </p>
        ))}
      </div>
      {error && <p class="err">{error}</p>}
      <form onSubmit={send}>
        <label class="clip" title="Attach a file" aria-label="Attach a file">
          +
          <input type="file" onChange={attach} hidden />
        </label>
        <input
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          placeholder="Write a message…"
          aria-label="Message"
          maxLength={10000}
        />
        <button type="submit" disabled={!session}>
          Send
        </button>
      </form>
    </div>
  );
}

/** Called by the loader with the panel inside its shadow root. */
export function mount(el: HTMLElement, options: Options) {
  const style = document.createElement("style");
  style.textContent = css;
  el.before(style);
  render(<Chat options={options} />, el);
  return {
    destroy: () => {
      render(null, el);
      style.remove();
    },
  };
}
