import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, liveSocket, type Message, mergeMessages, request, wsUrl } from "../shared/api";
import { type Speaker, speaker, widgetLanguage } from "./i18n";
import { ClipIcon, FileIcon, MinimiseIcon, MoonIcon, SendIcon } from "./icons";
import type { LoaderHooks } from "./loader";
import css from "./widget.css?inline";

type Options = Record<string, string | undefined> & { base: string; channel: string };
type Field = "name" | "email" | "phone";
type Ask = "off" | "optional" | "required";
type ChannelConfig = {
  name: string;
  greeting: string | null;
  brand_color: string;
  away: boolean;
  away_reason: "manual" | "closed" | "offline" | null;
  opens_at: string | null;
  away_message: string | null;
  language: string | null;
  prechat: Record<Field, Ask>;
};
type Session = { token: string; conversation_id: string | null };
type Sent = { conversation_id: string; message: Message };
type Thread = { id: string; messages: Message[] };
type Told = { token: string; name: string | null; email: string | null; phone: string | null };
/** What the visitor told, remembered on this device; `done` once the pre-chat form was sent. */
type Remembered = Partial<Record<Field | "done", string>>;
type FieldProblem = { path: string; message: string };

const FIELDS: Field[] = ["name", "email", "phone"];
const HISTORY = 5;
const storageKey = (channel: string, part = "") => `conversa:${channel}${part}`;
const refused = (e: unknown) => e instanceof ApiError && e.problem.status === 401;
const fieldProblems = (e: unknown) =>
  (e instanceof ApiError && (e.problem as { errors?: FieldProblem[] }).errors) || [];
const initials = (name: string | null) =>
  (name ?? "?")
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? "")
    .join("");
const fromVisitor = (m: Message) => m.sender.type === "visitor";

/** Threads, oldest first, with `messages` merged into the one they belong to (new ones appended). */
function withMessages(threads: Thread[], conversationId: string, messages: Message[]) {
  const known = threads.some((t) => t.id === conversationId);
  const all = known ? threads : [...threads, { id: conversationId, messages: [] }];
  return all.map((t) =>
    t.id === conversationId ? { ...t, messages: mergeMessages(t.messages, messages) } : t,
  );
}

/** An event in words a visitor understands; null for one the widget does not show. */
function eventText(m: Message, s: Speaker) {
  const data = m.event?.data ?? {};
  if (m.event?.type === "status_changed")
    return data.to === "closed" ? s.t("event_closed") : s.t("event_reopened");
  if (m.event?.type === "assigned" && typeof data.to_name === "string")
    return s.t("event_joined", { name: data.to_name });
  return null;
}

function Avatar({ name }: { name: string | null }) {
  return (
    <span class="avatar" aria-hidden="true">
      {initials(name)}
    </span>
  );
}

function Bubble(props: {
  m: Message;
  s: Speaker;
  base: string;
  first: boolean;
  last: boolean;
  /** Whether the agent read it, for the visitor's own messages of the live conversation. */
  read: "seen" | "sent" | null;
}) {
  const { m, s, base, first, last } = props;
  const mine = fromVisitor(m);
  const who = mine ? s.t("you") : (m.sender.name ?? "");
  return (
    <div class={`row ${mine ? "me" : "them"}${first ? " first" : ""}`} data-seq={m.seq}>
      {!mine && (last ? <Avatar name={m.sender.name} /> : <span class="avatar-gap" />)}
      <div class="stack">
        {!mine && first && <span class="who">{who}</span>}
        <p class={`msg ${mine ? "me" : "them"}`}>
          <span class="sr">{who}: </span>
          {m.attachment ? (
            <a href={base + m.attachment.url} target="_blank" rel="noopener noreferrer">
              <FileIcon /> {m.attachment.name}
            </a>
          ) : (
            m.text
          )}
        </p>
        {last && (
          <span class="meta">
            <time dateTime={m.created_at}>{s.time(m.created_at)}</time>
            {mine && props.read && <span class="read">{s.t(props.read)}</span>}
          </span>
        )}
      </div>
    </div>
  );
}

/** One conversation's messages: bubbles grouped by sender, events as centred lines. */
function ThreadView(props: { thread: Thread; s: Speaker; base: string; readUpTo: number | null }) {
  const { thread, s } = props;
  const shown = thread.messages.filter((m) => m.kind !== "event" || eventText(m, s) !== null);
  const sameGroup = (a: Message | undefined, b: Message | undefined) =>
    !!a &&
    !!b &&
    a.kind !== "event" &&
    b.kind !== "event" &&
    a.sender.type === b.sender.type &&
    a.sender.id === b.sender.id &&
    Date.parse(b.created_at) - Date.parse(a.created_at) < 5 * 60_000;
  return (
    <>
      {shown.map((m, i) =>
        m.kind === "event" ? (
          <p class="event" key={m.seq} data-seq={m.seq}>
            <span>{eventText(m, s)}</span>
          </p>
        ) : (
          <Bubble
            key={m.seq}
            m={m}
            s={s}
            base={props.base}
            first={!sameGroup(shown[i - 1], m)}
            last={!sameGroup(m, shown[i + 1])}
            read={props.readUpTo === null ? null : m.seq <= props.readUpTo ? "seen" : "sent"}
          />
        ),
      )}
    </>
  );
}

type Values = Record<Field, string>;

/** Name / email / phone as the channel asks for them; field errors shown next to each field. */
function DetailsForm(props: {
  s: Speaker;
  fields: [Field, Ask][];
  intro: string;
  submit: string;
  onSubmit: (values: Partial<Values>) => Promise<FieldProblem[]>;
}) {
  const { s } = props;
  const [values, setValues] = useState<Values>({ name: "", email: "", phone: "" });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    for (const [field, ask] of props.fields) {
      const value = values[field].trim();
      if (!value && ask === "required") found[field] = s.t("required");
      else if (field === "email" && value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
        found[field] = s.t("invalid_email");
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    const filled = Object.fromEntries(
      props.fields.map(([f]) => [f, values[f].trim()]).filter(([, v]) => v),
    );
    const problems = await props.onSubmit(filled);
    setBusy(false);
    setErrors(Object.fromEntries(problems.map((p) => [p.path, p.message])));
  };
  return (
    <form class="details" onSubmit={submit} noValidate>
      <p>{props.intro}</p>
      {props.fields.map(([field, ask]) => (
        <label key={field}>
          <span>
            {s.t(field)}
            {ask === "optional" && <small> ({s.t("optional")})</small>}
          </span>
          <input
            type={(field === "email" ? "email" : field === "phone" ? "tel" : "text") as "text"}
            autocomplete={field === "phone" ? "tel" : field}
            value={values[field]}
            aria-invalid={errors[field] ? "true" : undefined}
            aria-describedby={errors[field] ? `err-${field}` : undefined}
            onInput={(e) => setValues({ ...values, [field]: e.currentTarget.value })}
          />
          {errors[field] && (
            <span class="field-err" id={`err-${field}`}>
              {errors[field]}
            </span>
          )}
        </label>
      ))}
      <button type="submit" class="primary" disabled={busy}>
        {props.submit}
      </button>
    </form>
  );
}

function Chat({ options, hooks }: { options: Options; hooks: LoaderHooks }) {
  const { base, channel } = options;
  const [config, setConfig] = useState<ChannelConfig | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  // a refused token (expired, or revoked by a channel change) starts the session over
  const [restarts, setRestarts] = useState(0);
  const [threads, setThreads] = useState<Thread[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [typing, setTyping] = useState<string | null>(null);
  const [readUpTo, setReadUpTo] = useState(0);
  const [unread, setUnread] = useState(0);
  const [told, setTold] = useState<Remembered>(() =>
    JSON.parse(localStorage.getItem(storageKey(channel, ":told")) ?? "{}"),
  );
  const list = useRef<HTMLDivElement>(null);
  const socket = useRef<ReturnType<typeof liveSocket> | null>(null);
  const typingSentAt = useRef(0);
  const typingTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  // the newest token: answers may carry a renewed one, which needs no reconnect
  const token = useRef<string | null>(null);
  const s = useMemo(() => speaker(widgetLanguage(config?.language)), [config?.language]);

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
        (started) => {
          keepToken(started.token);
          setSession(started);
        },
        (e: Error) => setError(e.message),
      );
  }, [base, channel, options, restarts]);

  // the visitor's recent conversations, closed ones included, oldest first
  useEffect(() => {
    if (!session) return;
    const load = async () => {
      const { data } = await visitorRequest<{ data: { id: string }[] }>("/widget/v1/conversations");
      const recent = data.slice(0, HISTORY).reverse();
      const pages = await Promise.all(
        recent.map((c) =>
          visitorRequest<{ data: Message[] }>(
            `/widget/v1/conversations/${c.id}/messages?after_seq=0&limit=200`,
          ),
        ),
      );
      setThreads(recent.map((c, i) => ({ id: c.id, messages: pages[i]?.data ?? [] })));
    };
    load().then(
      () => setLoaded(true),
      () => setLoaded(true),
    );
  }, [session]);

  const latest = threads.at(-1);
  const latestId = latest?.id;
  const lastSeq = useRef(0);
  lastSeq.current = latest?.messages.at(-1)?.seq ?? 0;

  const markRead = () => {
    if (hooks.isOpen() && lastSeq.current)
      socket.current?.send({ type: "read", seq: lastSeq.current });
  };

  useEffect(() => {
    if (!loaded || !latestId) return;
    setReadUpTo(0);
    const live = liveSocket(
      () =>
        wsUrl(
          base,
          `/widget/v1/conversations/${latestId}/ws?token=${encodeURIComponent(token.current ?? "")}&after_seq=${lastSeq.current}`,
        ),
      (frame) => {
        if (frame.type === "message") {
          const message = frame.message as Message;
          setThreads((t) => withMessages(t, latestId, [message]));
          if (!fromVisitor(message)) {
            setTyping(null);
            if (!hooks.isOpen() && message.kind !== "event") setUnread((n) => n + 1);
          }
        }
        if (frame.type === "typing" && frame.side === "agent")
          setTyping(frame.typing ? String(frame.name || "") : null);
        if (frame.type === "read" && frame.side === "agent") setReadUpTo(Number(frame.seq));
      },
    );
    socket.current = live;
    return () => live.close();
  }, [base, loaded, latestId]);

  useEffect(() => hooks.unread(unread), [unread]);
  useEffect(() => hooks.label(s.t("chat")), [s]);

  useEffect(() => {
    list.current?.scrollTo(0, list.current.scrollHeight);
    markRead();
  }, [threads, typing]);

  // the loader tells the app when the visitor opens the chat
  useEffect(() => {
    shownListener.current = () => {
      setUnread(0);
      markRead();
    };
  });

  const sent = (result: Sent) => {
    setThreads((t) => withMessages(t, result.conversation_id, [result.message]));
  };

  /** A refused token ends this session: the next one starts without it. */
  const failed = (e: unknown) => {
    if (!refused(e)) return setError(e instanceof ApiError ? e.message : s.t("failed"));
    setError(s.t("session_ended"));
    forgetToken();
    setSession(null);
    setThreads([]);
    setLoaded(false);
    setRestarts((n) => n + 1);
  };

  const stopTyping = () => {
    clearTimeout(typingTimer.current);
    if (typingSentAt.current) socket.current?.send({ type: "typing", typing: false });
    typingSentAt.current = 0;
  };
  /** The agent sees the visitor typing: at most one frame every 3 s, and a stop after a pause. */
  const typed = (value: string) => {
    setText(value);
    if (Date.now() - typingSentAt.current > 3000) {
      socket.current?.send({ type: "typing", typing: true });
      typingSentAt.current = Date.now();
    }
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(stopTyping, 4000);
  };

  const send = async (event: Event) => {
    event.preventDefault();
    const body = text.trim();
    if (!body || !session) return;
    setText("");
    stopTyping();
    try {
      sent(
        await visitorRequest<Sent>("/widget/v1/messages", {
          method: "POST",
          json: { text: body, conversation_id: latestId, client_message_id: crypto.randomUUID() },
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

  /** Keeps what the visitor told on their contact; field problems come back for the form. */
  const tell = async (values: Partial<Values>) => {
    try {
      const answer = await visitorRequest<Told>("/widget/v1/contact", {
        method: "PATCH",
        json: values,
      });
      keepToken(answer.token);
      const next = { ...told, ...values, done: "1" };
      localStorage.setItem(storageKey(channel, ":told"), JSON.stringify(next));
      setTold(next);
      return [];
    } catch (e) {
      const problems = fieldProblems(e);
      if (!problems.length) failed(e);
      return problems;
    }
  };

  if (!config) return <div class="w" />;
  const asked = FIELDS.map((f) => [f, config.prechat[f]] as [Field, Ask]).filter(
    ([, ask]) => ask !== "off",
  );
  const hasMessages = threads.some((t) => t.messages.length > 0);
  const needsPrechat = loaded && asked.length > 0 && !hasMessages && !told.done;
  const awayText =
    config.away_message ??
    (config.away_reason === "closed"
      ? config.opens_at
        ? s.t("away_closed", { time: s.day(Date.parse(config.opens_at)) })
        : s.t("away_closed_later")
      : config.away_reason === "offline"
        ? s.t("away_offline")
        : s.t("away_manual"));

  return (
    <div
      class="w"
      dir={s.dir}
      lang={s.language}
      style={{ "--brand": config.brand_color }}
      role="dialog"
      aria-label={config.name}
    >
      <header>
        <span class="logo" aria-hidden="true">
          {initials(config.name)}
        </span>
        <div class="title">
          <h2>{config.name}</h2>
          <span class={`status${config.away ? " off" : ""}`}>
            {config.away ? s.t("away") : s.t("online")}
          </span>
        </div>
        <button type="button" class="icon" aria-label={s.t("minimise")} onClick={hooks.close}>
          <MinimiseIcon />
        </button>
      </header>
      <div class="list" ref={list} aria-live="polite">
        {config.greeting && (
          <div class="row them first">
            <Avatar name={config.name} />
            <div class="stack">
              <p class="msg them greeting">{config.greeting}</p>
            </div>
          </div>
        )}
        {threads.map((thread) => (
          <ThreadView
            key={thread.id}
            thread={thread}
            s={s}
            base={base}
            readUpTo={thread.id === latestId ? readUpTo : null}
          />
        ))}
        {config.away && (
          <section class="card away-card" aria-label={s.t("away")}>
            <p class="away-text">
              <MoonIcon /> {awayText}
            </p>
            {told.email ? (
              <p class="saved">{s.t("email_saved", { email: told.email })}</p>
            ) : (
              <DetailsForm
                s={s}
                fields={[["email", "required"]]}
                intro={s.t("leave_email")}
                submit={s.t("notify_me")}
                onSubmit={tell}
              />
            )}
          </section>
        )}
        {needsPrechat && (
          <section class="card" aria-label={s.t("prechat_intro")}>
            <DetailsForm
              s={s}
              fields={asked}
              intro={s.t("prechat_intro")}
              submit={s.t("start")}
              onSubmit={tell}
            />
          </section>
        )}
        {typing !== null && (
          <p class="typing">
            <span class="dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {typing ? s.t("typing", { name: typing }) : s.t("someone_typing")}
          </p>
        )}
      </div>
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
      {!needsPrechat && (
        <form class="composer" onSubmit={send}>
          <label class="clip" title={s.t("attach")}>
            <ClipIcon />
            <input type="file" onChange={attach} aria-label={s.t("attach")} />
          </label>
          <input
            value={text}
            onInput={(e) => typed(e.currentTarget.value)}
            placeholder={s.t("placeholder")}
            name="message"
            aria-label={s.t("message")}
            maxLength={10000}
          />
          <button type="submit" class="icon send" aria-label={s.t("send")} disabled={!session}>
            <SendIcon />
          </button>
        </form>
      )}
    </div>
  );
}

/** Set by the mounted chat: runs when the loader shows the panel. */
const shownListener: { current: () => void } = { current: () => {} };

/** Called by the loader with the panel inside its shadow root. */
export function mount(el: HTMLElement, options: Options, hooks: LoaderHooks) {
  const style = document.createElement("style");
  style.textContent = css;
  el.before(style);
  render(<Chat options={options} hooks={hooks} />, el);
  return {
    shown: () => shownListener.current(),
    destroy: () => {
      render(null, el);
      style.remove();
    },
  };
}
