import { Upload } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ContactResource } from "../../../worker/schemas/contacts";
import {
  type Conversation,
  liveSocket,
  type Message,
  mergeMessages,
  request,
  wsUrl,
} from "../../shared/api";
import { replyRestriction } from "../../shared/channels";
import { problemMessage, SkeletonRows, t, toast } from "../../shared/ui";
import type { Me } from "../me";
import { onPresence } from "../presence";
import { ActionBar } from "./action-bar";
import { AssistantStrip } from "./assistant-strip";
import { channelLabel } from "./channel-icon";
import { Composer, type Draft } from "./composer";
import { useAiEnabled } from "./copilot";
import { DetailsPanel } from "./details";
import { type Directory, emptyDirectory, type Label, type Team, type User } from "./directory";
import { contactNameOf, PaneHeader } from "./header";
import { TemplatePicker } from "./templates";
import { Thread } from "./thread";
import "./conversation.css";

const PAGE = 30;
const DETAILS_KEY = "conversa.details";

const fromCustomer = (m: Message) => m.sender.type === "visitor" || m.sender.type === "contact";

/** The first of the customer's last `unread` messages: where "new messages" starts. */
function firstUnread(messages: Message[], unread: number) {
  if (unread <= 0) return null;
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Message;
    if (fromCustomer(m) && ++seen === unread) return m.seq;
  }
  return messages[0]?.seq ?? null;
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

/** Users, teams, labels and closing rules: whatever of them the agent may read. */
function useDirectory() {
  const [directory, setDirectory] = useState<Directory>(emptyDirectory);
  useEffect(() => {
    const quiet = <T,>(p: Promise<T>, fallback: T) => p.catch(() => fallback);
    Promise.all([
      quiet(request<{ data: User[] }>("/api/v1/users"), { data: [] }),
      quiet(request<{ data: Team[] }>("/api/v1/teams"), { data: [] }),
      quiet(request<{ data: Label[] }>("/api/v1/labels"), { data: [] }),
      quiet(request<Directory["rules"]>("/api/v1/workspace/settings"), emptyDirectory.rules),
    ]).then(([users, teams, labels, rules]) =>
      setDirectory({ users: users.data, teams: teams.data, labels: labels.data, rules }),
    );
    // the assign and transfer pickers show who is online as it changes
    return onPresence(({ user_id, status }) =>
      setDirectory((d) => ({
        ...d,
        users: d.users.map((u) => (u.id === user_id ? { ...u, presence: status } : u)),
      })),
    );
  }, []);
  return directory;
}

function useRememberedToggle(key: string, initial: boolean) {
  const [open, setOpen] = useState(() => {
    const stored = localStorage.getItem(key);
    return stored === null ? initial : stored === "open";
  });
  const toggle = (next = !open) => {
    setOpen(next);
    localStorage.setItem(key, next ? "open" : "closed");
  };
  return [open, toggle] as const;
}

/** The inbox's r / n shortcuts ask for the reply or the note composer ("conversa:compose"). */
function useComposeShortcut(setNote: (note: boolean) => void) {
  useEffect(() => {
    const compose = (event: Event) =>
      setNote((event as CustomEvent<{ mode: string }>).detail?.mode === "note");
    document.addEventListener("conversa:compose", compose);
    return () => document.removeEventListener("conversa:compose", compose);
  }, []);
}

export function ConversationPane({ id, me, onBack }: { id: string; me: Me; onBack: () => void }) {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [unreadFrom, setUnreadFrom] = useState<number | null>(null);
  const [typing, setTyping] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [note, setNote] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [uploading, setUploading] = useState(0);
  const [scheduledVersion, setScheduledVersion] = useState(0);
  const [detailsOpen, toggleDetails] = useRememberedToggle(DETAILS_KEY, window.innerWidth > 1200);
  const directory = useDirectory();
  const ai = useAiEnabled();
  const socket = useRef<ReturnType<typeof liveSocket> | null>(null);
  const readTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useComposeShortcut(setNote);

  const markRead = () => {
    clearTimeout(readTimer.current);
    readTimer.current = setTimeout(
      () => request(`/api/v1/conversations/${id}/read`, { method: "POST" }).catch(() => {}),
      400,
    );
  };

  useEffect(() => {
    let lastSeq = 0;
    (async () => {
      const c = await request<Conversation>(`/api/v1/conversations/${id}`);
      const { data } = await request<{ data: Message[] }>(
        `/api/v1/conversations/${id}/messages?before_seq=${c.last_seq + 1}&limit=${PAGE}`,
      );
      setConversation(c);
      setMessages(data);
      setHasOlder((data[0]?.seq ?? 1) > 1);
      setUnreadFrom(firstUnread(data, c.unread_count));
      lastSeq = data.at(-1)?.seq ?? 0;
      socket.current = liveSocket(
        () => wsUrl(location.origin, `/api/v1/conversations/${id}/ws?after_seq=${lastSeq}`),
        (frame) => {
          if (frame.type === "message") {
            const message = frame.message as Message;
            lastSeq = Math.max(lastSeq, message.seq);
            setMessages((m) => mergeMessages(m, [message]));
            if (fromCustomer(message)) {
              setTyping(false);
              markRead();
            }
          }
          if (frame.type === "conversation") setConversation(frame.conversation as Conversation);
          if (frame.type === "status") setMessages((m) => withStatus(m, frame));
          if (frame.type === "typing" && frame.side === "visitor") setTyping(frame.typing === true);
        },
      );
      markRead();
    })().catch((error) => setFailed(problemMessage(error)));
    return () => {
      socket.current?.close();
      clearTimeout(readTimer.current);
    };
  }, [id]);

  const loadOlder = async () => {
    const first = messages[0]?.seq ?? 1;
    if (first <= 1) return setHasOlder(false);
    const { data } = await request<{ data: Message[] }>(
      `/api/v1/conversations/${id}/messages?before_seq=${first}&limit=${PAGE}`,
    );
    setHasOlder((data[0]?.seq ?? 1) > 1);
    setMessages((m) => mergeMessages(m, data));
  };

  const added = (message: Message) => setMessages((m) => mergeMessages(m, [message]));

  const post = async (json: Record<string, unknown>) =>
    added(
      await request<Message>(`/api/v1/conversations/${id}/messages`, {
        method: "POST",
        json: { ...json, client_message_id: crypto.randomUUID() },
      }),
    );

  const send = (draft: Draft) =>
    post({
      text: draft.text,
      private: draft.note,
      ...(draft.mentionIds.length ? { mention_ids: draft.mentionIds } : {}),
    });

  /** Sends each file as its own message, the caption with the first; false when one failed. */
  const upload = async (files: File[], caption = "") => {
    if (note) {
      toast.info(t("conversation.filesAreReplies"));
      return false;
    }
    setUploading((n) => n + files.length);
    let ok = true;
    for (const [i, file] of files.entries()) {
      const form = new FormData();
      form.set("file", file);
      if (i === 0 && caption) form.set("text", caption);
      try {
        added(
          await request<Message>(`/api/v1/conversations/${id}/attachments`, {
            method: "POST",
            body: form,
          }),
        );
      } catch (error) {
        ok = false;
        toast.error(
          t("conversation.uploadFailed", { name: file.name, reason: problemMessage(error) }),
        );
      } finally {
        setUploading((n) => n - 1);
      }
    }
    return ok;
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    upload([...(event.dataTransfer?.files ?? [])]);
  };
  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    setDragging(true);
  };

  if (!conversation)
    return (
      <section
        class="pane conversation-pane"
        aria-label={t("conversation.title")}
        aria-busy={!failed}
      >
        {failed ? <p class="pane-error">{failed}</p> : <SkeletonRows rows={6} />}
      </section>
    );

  const restriction = replyRestriction(
    conversation.channel_type,
    conversation.reply_window_closes_at,
  );
  const restrictionText = restriction
    ? restriction.templatesOnly
      ? t("conversation.windowTemplatesOnly")
      : t("conversation.windowClosed")
    : null;
  const contactName = contactNameOf(conversation);
  return (
    <div class={`conversation-layout ${detailsOpen ? "with-details" : ""}`}>
      <section
        class={`pane conversation-pane ${dragging ? "dragging" : ""}`}
        aria-label={t("conversation.withContact", { name: contactName })}
        onDragOver={onDragOver}
        onDragLeave={(e) => {
          if (!(e.currentTarget as Node).contains(e.relatedTarget as Node)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <header class="pane-head">
          <PaneHeader
            conversation={conversation}
            detailsOpen={detailsOpen}
            onToggleDetails={() => toggleDetails()}
            onBack={onBack}
          />
          <ActionBar
            conversation={conversation}
            directory={directory}
            me={me}
            ai={ai}
            onChange={setConversation}
          />
        </header>
        <Thread
          messages={messages}
          directory={directory}
          contactName={contactName}
          meId={me.user?.id ?? null}
          typing={typing}
          hasOlder={hasOlder}
          onLoadOlder={loadOlder}
          firstUnreadSeq={unreadFrom}
          ai={ai}
        />
        {uploading > 0 && (
          <p class="uploading" role="status">
            {t("conversation.uploading", { count: uploading })}
          </p>
        )}
        <AssistantStrip conversation={conversation} onChange={setConversation} />
        <Composer
          conversationId={id}
          channel={{ id: conversation.channel_id, type: conversation.channel_type }}
          channelLabel={channelLabel(conversation.channel_type)}
          restriction={restrictionText}
          users={directory.users}
          note={note}
          onModeChange={setNote}
          onSend={send}
          onFiles={upload}
          onTyping={(on) => socket.current?.send({ type: "typing", typing: on })}
          onScheduled={() => setScheduledVersion((v) => v + 1)}
          ai={ai}
        />
        {restriction?.templatesOnly && !note && (
          <TemplatePicker
            channelId={conversation.channel_id}
            onSend={(template) => post({ template })}
          />
        )}
        {dragging && (
          <div class="drop-zone" aria-hidden="true">
            <Upload size={28} />
            {t("conversation.dropFiles")}
          </div>
        )}
      </section>
      {detailsOpen && (
        <DetailsPanel
          conversation={conversation}
          labels={directory.labels}
          scheduledVersion={scheduledVersion}
          onClose={() => toggleDetails(false)}
          onContactChange={(c: ContactResource) =>
            setConversation({
              ...conversation,
              contact: { id: c.id, name: c.name, phone: c.phone, email: c.email },
            })
          }
        />
      )}
    </div>
  );
}
