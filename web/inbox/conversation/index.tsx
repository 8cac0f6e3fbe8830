import { useEffect, useRef, useState } from "preact/hooks";
import {
  type Conversation,
  liveSocket,
  type Message,
  mergeMessages,
  request,
  wsUrl,
} from "../shared/api";
import { CHANNEL_LOOK, replyRestriction } from "../shared/channels";
import { ContactPanel } from "./contact-panel";
import type { Me } from "./me";
import { SnippetSuggestions } from "./snippets";
import { TemplatePicker } from "./templates";

type User = { id: string; name: string; active: boolean };
type Team = { id: string; name: string };
type ClosingRules = { close_reasons: string[]; require_close_note: boolean };
const PAGE = 30;

function describe(m: Message) {
  const e = m.event;
  if (!e) return m.text ?? "";
  const who = m.sender.name ?? "Someone";
  if (e.type === "assigned")
    return `${who} ${e.data.to ? "assigned the conversation" : "unassigned the conversation"}`;
  if (e.type === "status_changed")
    return `${who} changed the status to ${String(e.data.to)}${e.data.reason ? ` (${String(e.data.reason)})` : ""}`;
  if (e.type === "labels_changed") return `${who} changed the labels`;
  if (e.type === "routed") return `Routed to ${String(e.data.team)}`;
  if (e.type === "transferred") return `${who} transferred the conversation`;
  if (e.type === "sla_breached")
    return `SLA missed: ${String(e.data.target).replace("_", " ")} was due ${new Date(String(e.data.due_at)).toLocaleString()}`;
  if (e.type === "reaction") return `${who} reacted ${String(e.data.emoji) || "(removed)"}`;
  if (e.type === "consent_changed")
    return `Consent for ${String(e.data.channel)}: ${String(e.data.status).replace("_", " ")}`;
  return `${who}: ${e.type}`;
}

const STATUS_MARKS: Record<string, string> = {
  queued: "🕓",
  sent: "✓",
  delivered: "✓✓",
  read: "✓✓",
  failed: "⚠",
};

function DeliveryStatus({ m }: { m: Message }) {
  if (!m.status) return null;
  const events = m.delivery_events.map((e) => e.event).join(", ");
  const title = [m.status, m.status_reason, events].filter(Boolean).join(" · ");
  return (
    <span class={`delivery ${m.status}`} title={title} data-status={m.status}>
      {STATUS_MARKS[m.status]}
      {m.status === "failed" && m.status_reason ? ` ${m.status_reason}` : ""}
    </span>
  );
}

function Bubble({ m }: { m: Message }) {
  if (m.kind === "event") return <p class="event">{describe(m)}</p>;
  const side = m.sender.type === "visitor" || m.sender.type === "contact" ? "them" : "us";
  return (
    <div class={`bubble ${side} ${m.kind === "note" ? "note" : ""}`} data-seq={m.seq}>
      <span class="author">
        {m.kind === "note" ? "Note · " : ""}
        {m.sender.name ?? m.sender.type}
      </span>
      {m.attachment ? (
        <a href={m.attachment.url} target="_blank" rel="noopener noreferrer">
          📎 {m.attachment.name}
        </a>
      ) : (
        <span class="text">{m.text}</span>
      )}
      <time>
        {new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
      </time>
      <DeliveryStatus m={m} />
    </div>
  );
}

/** A status frame applied to the message it names. */
function withStatus(messages: Message[], frame: Record<string, unknown>): Message[] {
  return messages.map((m) =>
    m.seq === frame.seq
      ? {
          ...m,
          status: frame.status as Message["status"],
          status_reason: (frame.status_reason as string | null) ?? null,
          delivery_events: (frame.delivery_events as Message["delivery_events"]) ?? [],
        }
      : m,
  );
}

export function ConversationPane({ id, me, onBack }: { id: string; me: Me; onBack: () => void }) {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [rules, setRules] = useState<ClosingRules>({
    close_reasons: [],
    require_close_note: false,
  });
  const [closing, setClosing] = useState<{ reason: string; note: string } | null>(null);
  const [text, setText] = useState("");
  const [note, setNote] = useState(false);
  const [typing, setTyping] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showContact, setShowContact] = useState(false);
  const [olderDone, setOlderDone] = useState(false);
  const list = useRef<HTMLDivElement>(null);
  const lastSeq = useRef(0);
  const stickToBottom = useRef(true);

  useEffect(() => {
    let socket: ReturnType<typeof liveSocket> | undefined;
    (async () => {
      const c = await request<Conversation>(`/api/v1/conversations/${id}`);
      setConversation(c);
      const { data } = await request<{ data: Message[] }>(
        `/api/v1/conversations/${id}/messages?before_seq=${c.last_seq + 1}&limit=${PAGE}`,
      );
      setMessages(data);
      setOlderDone(data.length < PAGE);
      lastSeq.current = data.at(-1)?.seq ?? 0;
      socket = liveSocket(
        () => wsUrl(location.origin, `/api/v1/conversations/${id}/ws?after_seq=${lastSeq.current}`),
        (frame) => {
          if (frame.type === "message")
            setMessages((m) => mergeMessages(m, [frame.message as Message]));
          if (frame.type === "conversation") setConversation(frame.conversation as Conversation);
          if (frame.type === "status") setMessages((m) => withStatus(m, frame));
          if (frame.type === "typing" && frame.side === "visitor") setTyping(frame.typing === true);
        },
      );
      if (c.unread_count > 0) await request(`/api/v1/conversations/${id}/read`, { method: "POST" });
    })().catch((e: Error) => setError(e.message));
    request<{ data: User[] }>("/api/v1/users").then(
      ({ data }) => setUsers(data.filter((u) => u.active)),
      () => {},
    );
    request<{ data: Team[] }>("/api/v1/teams").then(
      ({ data }) => setTeams(data),
      () => {},
    );
    request<ClosingRules>("/api/v1/workspace/settings").then(setRules, () => {});
    return () => socket?.close();
  }, [id]);

  useEffect(() => {
    lastSeq.current = Math.max(lastSeq.current, messages.at(-1)?.seq ?? 0);
    if (stickToBottom.current) list.current?.scrollTo(0, list.current.scrollHeight);
  }, [messages]);

  const loadOlder = async () => {
    const first = messages[0]?.seq;
    if (olderDone || !first || first <= 1) return setOlderDone(true);
    const { data } = await request<{ data: Message[] }>(
      `/api/v1/conversations/${id}/messages?before_seq=${first}&limit=${PAGE}`,
    );
    setOlderDone(data.length < PAGE);
    const el = list.current;
    const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
    setMessages((m) => mergeMessages(m, data));
    requestAnimationFrame(() => el?.scrollTo(0, el.scrollHeight - fromBottom));
  };

  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 60) loadOlder();
  };

  const act = async (path: string, body: unknown) => {
    try {
      setConversation(
        await request<Conversation>(`/api/v1/conversations/${id}/${path}`, {
          method: "POST",
          json: body,
        }),
      );
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const post = async (json: Record<string, unknown>) => {
    const message = await request<Message>(`/api/v1/conversations/${id}/messages`, {
      method: "POST",
      json: { ...json, client_message_id: crypto.randomUUID() },
    });
    stickToBottom.current = true;
    setMessages((m) => mergeMessages(m, [message]));
    setError(null);
  };

  const send = async (event: Event) => {
    event.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    try {
      await post({ text: body, private: note });
    } catch (e) {
      setText(body);
      setError((e as Error).message);
    }
  };

  const attach = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.set("file", file);
    if (text.trim()) form.set("text", text.trim());
    try {
      const message = await request<Message>(`/api/v1/conversations/${id}/attachments`, {
        method: "POST",
        body: form,
      });
      setText("");
      stickToBottom.current = true;
      setMessages((m) => mergeMessages(m, [message]));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      input.value = "";
    }
  };

  const sendTemplate = (template: Record<string, unknown>) =>
    post({ template }).catch((e: Error) => setError(e.message));

  if (!conversation) return <section class="pane">{error ?? "Loading…"}</section>;
  const look = CHANNEL_LOOK[conversation.channel_type];
  const restriction = note
    ? null
    : replyRestriction(conversation.channel_type, conversation.reply_window_closes_at);
  const snoozeUntil = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
  const needsClosingForm = rules.close_reasons.length > 0 || rules.require_close_note;
  const close = () =>
    needsClosingForm
      ? setClosing({ reason: rules.close_reasons[0] ?? "", note: "" })
      : act("status", { status: "closed" });
  const confirmClose = async (event: Event) => {
    event.preventDefault();
    if (!closing) return;
    await act("status", {
      status: "closed",
      ...(closing.reason ? { reason: closing.reason } : {}),
      ...(closing.note.trim() ? { note: closing.note.trim() } : {}),
    });
    setClosing(null);
  };
  return (
    <section class={`pane ${showContact ? "with-contact" : ""}`} aria-label="Conversation">
      <header class="pane-head">
        <button type="button" class="back" onClick={onBack} aria-label="Back">
          ←
        </button>
        <button type="button" class="contact-name" onClick={() => setShowContact(!showContact)}>
          {conversation.contact.name ?? conversation.contact.phone ?? "Contact"}
        </button>
        <span class="channel" title={look.label}>
          {look.icon} {look.label}
        </span>
        <span class={`status ${conversation.status}`}>{conversation.status}</span>
        <div class="actions">
          {conversation.assignee_id !== me.user?.id && me.user && (
            <button type="button" onClick={() => act("assign", { user_id: me.user?.id })}>
              Assign to me
            </button>
          )}
          {teams.length > 0 && (
            <select
              aria-label="Transfer to team"
              value={conversation.team_id ?? ""}
              onChange={(e) => act("transfer", { team_id: e.currentTarget.value || null })}
            >
              <option value="">No team</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
          <select
            aria-label="Assignee"
            value={conversation.assignee_id ?? ""}
            onChange={(e) => act("assign", { user_id: e.currentTarget.value || null })}
          >
            <option value="">Unassigned</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          {conversation.status === "closed" ? (
            <button type="button" onClick={() => act("status", { status: "open" })}>
              Reopen
            </button>
          ) : (
            <>
              <button type="button" onClick={close}>
                Close
              </button>
              <select
                aria-label="Snooze"
                value=""
                onChange={(e) =>
                  act("status", {
                    status: "snoozed",
                    snooze_until: snoozeUntil(Number(e.currentTarget.value)),
                  })
                }
              >
                <option value="">Snooze…</option>
                <option value="1">1 hour</option>
                <option value="4">4 hours</option>
                <option value="24">Tomorrow</option>
              </select>
            </>
          )}
        </div>
      </header>
      {closing && (
        <form class="closing" onSubmit={confirmClose} aria-label="Close the conversation">
          {rules.close_reasons.length > 0 && (
            <select
              aria-label="Reason"
              value={closing.reason}
              onChange={(e) => setClosing({ ...closing, reason: e.currentTarget.value })}
            >
              {rules.close_reasons.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
          <input
            aria-label="Closing note"
            placeholder={rules.require_close_note ? "Closing note (required)" : "Closing note"}
            value={closing.note}
            onInput={(e) => setClosing({ ...closing, note: e.currentTarget.value })}
          />
          <button type="submit" disabled={rules.require_close_note && !closing.note.trim()}>
            Close conversation
          </button>
          <button type="button" onClick={() => setClosing(null)}>
            Cancel
          </button>
        </form>
      )}
      <div class="messages" ref={list} onScroll={onScroll}>
        {!olderDone && <p class="event">Scroll up for earlier messages</p>}
        {messages.map((m) => (
          <Bubble key={m.seq} m={m} />
        ))}
        {typing && <p class="event">The customer is typing…</p>}
      </div>
      {error && <p class="error">{error}</p>}
      <form class={`composer ${note ? "note" : ""}`} onSubmit={send}>
        <div class="modes">
          <button type="button" class={note ? "" : "active"} onClick={() => setNote(false)}>
            Reply
          </button>
          <button type="button" class={note ? "active" : ""} onClick={() => setNote(true)}>
            Note
          </button>
        </div>
        {restriction && <p class="restriction">{restriction.text}</p>}
        <SnippetSuggestions conversationId={id} text={text} onPick={setText} />
        <textarea
          disabled={restriction !== null}
          value={text}
          placeholder={note ? "Internal note, only agents see it" : `Reply on ${look.label}…`}
          aria-label="Reply"
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) send(e);
          }}
        />
        {!note && (
          <label class="attach" title="Attach a file">
            📎
            <input
              type="file"
              aria-label="Attach a file"
              disabled={restriction !== null}
              onChange={attach}
            />
          </label>
        )}
        <button type="submit" disabled={restriction !== null}>
          Send
        </button>
      </form>
      {restriction?.templatesOnly && (
        <TemplatePicker channelId={conversation.channel_id} onSend={sendTemplate} />
      )}
      {showContact && (
        <ContactPanel id={conversation.contact.id} onClose={() => setShowContact(false)} />
      )}
    </section>
  );
}
