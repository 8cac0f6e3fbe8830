import { Paperclip, SendHorizontal, Smile } from "lucide-preact";
import type { ComponentType } from "preact";
import { useEffect, useId, useMemo, useRef, useState } from "preact/hooks";
import { Avatar, Button, IconButton, problemMessage, Tabs, t, toast } from "../../shared/ui";
import { CopilotMenu } from "./copilot";
import type { User } from "./directory";
import { ScheduleButton, ScheduleDialog } from "./schedule";
import { renderSnippet, type Snippet, useSnippets } from "./snippets";
import { Suggestions, type Trigger, triggerAt } from "./suggestions";

export type Draft = { text: string; note: boolean; mentionIds: string[] };

type ComposerProps = {
  conversationId: string;
  channel: { id: string; type: string };
  channelLabel: string;
  /** why a free-form reply cannot go out now, if it cannot */
  restriction: string | null;
  users: User[];
  note: boolean;
  onModeChange: (note: boolean) => void;
  onSend: (draft: Draft) => Promise<void>;
  onFiles: (files: File[], caption: string) => Promise<boolean>;
  onTyping: (typing: boolean) => void;
  /** a message was scheduled from the composer's text */
  onScheduled: () => void;
  /** the workspace's AI is on: the copilot menu drafts into the composer */
  ai: boolean;
};

type EmojiGridType = ComponentType<{ onPick: (emoji: string) => void }>;

/** A bare `/shortcut` is never sent to the customer: it is a snippet being looked for. */
const isBareShortcut = (text: string) => /^\/[\w-]*$/.test(text.trim());

/** The agents named as `@Name` in the text, by the ids picked for them. */
function mentionedIn(text: string, picked: Map<string, string>) {
  return [...picked].filter(([, name]) => text.includes(`@${name}`)).map(([id]) => id);
}

export function Composer(props: ComposerProps) {
  const { note, users } = props;
  const listId = useId();
  const input = useRef<HTMLTextAreaElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  const [active, setActive] = useState(0);
  const [sending, setSending] = useState(false);
  const [hint, setHint] = useState<string | null>(null);
  const [emoji, setEmoji] = useState<EmojiGridType | null>(null);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [scheduling, setScheduling] = useState(false);
  const picked = useRef(new Map<string, string>());
  const typingSent = useRef(false);

  const snippets = useSnippets(trigger?.kind === "snippet" ? trigger.query : null);
  const agents = useMemo(() => {
    if (trigger?.kind !== "mention") return [];
    const q = trigger.query.toLowerCase();
    return users.filter((u) => u.active && u.name.toLowerCase().includes(q)).slice(0, 8);
  }, [trigger, users]);
  const items: (Snippet | User)[] = trigger?.kind === "snippet" ? snippets : agents;
  const blocked = props.restriction !== null && !note;

  useEffect(() => setActive(0), [trigger?.kind, trigger?.query, items.length]);
  useEffect(() => () => props.onTyping(false), []);

  const resize = () => {
    const el = input.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  };
  useEffect(resize, [text]);

  const look = (value: string) => {
    const el = input.current;
    setTrigger(triggerAt(value, el?.selectionStart ?? value.length, note));
  };

  const change = (value: string) => {
    setText(value);
    setHint(null);
    look(value);
    const typing = value.trim().length > 0 && !note;
    if (typing !== typingSent.current) {
      typingSent.current = typing;
      props.onTyping(typing);
    }
  };

  /** Puts `insert` in place of the trigger (or at the caret), caret after it. */
  const replaceTrigger = (insert: string, from = trigger?.start) => {
    const el = input.current;
    const caret = el?.selectionStart ?? text.length;
    const start = from ?? caret;
    const next = text.slice(0, start) + insert + text.slice(caret);
    setText(next);
    setTrigger(null);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + insert.length, start + insert.length);
    });
  };

  const pick = async (item: Snippet | User) => {
    if (trigger?.kind === "mention") {
      const user = item as User;
      picked.current.set(user.id, user.name);
      return replaceTrigger(`@${user.name} `);
    }
    const start = trigger?.start;
    try {
      replaceTrigger(await renderSnippet(props.conversationId, item as Snippet), start);
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };

  const send = async () => {
    const body = text.trim();
    if (!body || sending || blocked) return;
    if (isBareShortcut(body)) return setHint(t("conversation.noSnippet", { shortcut: body }));
    setSending(true);
    try {
      await props.onSend({
        text: body,
        note,
        mentionIds: note ? mentionedIn(body, picked.current) : [],
      });
      setText("");
      picked.current.clear();
      typingSent.current = false;
      props.onTyping(false);
    } catch (error) {
      toast.error(problemMessage(error));
    } finally {
      setSending(false);
      input.current?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const open = trigger !== null && items.length > 0;
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i + step + items.length) % items.length);
      return;
    }
    if (open && (event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
      event.preventDefault();
      const item = items[active];
      if (item) pick(item);
      return;
    }
    if (trigger && event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      setTrigger(null);
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const onPaste = (event: ClipboardEvent) => {
    const pasted = [...(event.clipboardData?.files ?? [])];
    if (pasted.length === 0) return;
    event.preventDefault();
    attach(pasted);
  };

  const attach = async (chosen: File[]) => {
    if (chosen.length === 0) return;
    if (await props.onFiles(chosen, text.trim())) setText("");
  };

  const openEmoji = async () => {
    if (!emoji) {
      const { EmojiGrid } = await import("./emoji");
      setEmoji(() => EmojiGrid);
    }
    setEmojiOpen(!emojiOpen);
  };

  const EmojiGrid = emoji;
  const placeholder = note
    ? t("conversation.notePlaceholder")
    : t("conversation.replyPlaceholder", { channel: props.channelLabel });
  return (
    <div class={`composer ${note ? "note" : ""}`}>
      <div class="composer-head">
        <Tabs
          label={t("conversation.composerMode")}
          value={note ? "note" : "reply"}
          onChange={(id) => {
            props.onModeChange(id === "note");
            setTrigger(null);
          }}
          tabs={[
            { id: "reply", label: t("conversation.reply") },
            { id: "note", label: t("conversation.note") },
          ]}
        />
        {note && <span class="composer-hint">{t("conversation.noteHint")}</span>}
      </div>
      {blocked && <p class="restriction">{props.restriction}</p>}
      {trigger?.kind === "snippet" && (
        <Suggestions
          id={listId}
          label={t("conversation.snippets")}
          items={snippets}
          active={active}
          onPick={pick}
          onHover={setActive}
          empty={t("conversation.noSnippets")}
          render={(s) => (
            <>
              <strong>/{s.shortcut}</strong>
              <span class="suggestion-title">{s.title}</span>
              <span class="suggestion-body">{s.body}</span>
            </>
          )}
        />
      )}
      {trigger?.kind === "mention" && (
        <Suggestions
          id={listId}
          label={t("conversation.mentionAgent")}
          items={agents}
          active={active}
          onPick={pick}
          onHover={setActive}
          empty={t("conversation.noAgents")}
          render={(u) => (
            <>
              <Avatar name={u.name} size={22} presence={u.presence} />
              <span class="suggestion-title">{u.name}</span>
            </>
          )}
        />
      )}
      {emojiOpen && EmojiGrid && (
        <div class="emoji-popover">
          <EmojiGrid
            onPick={(e) => {
              replaceTrigger(e, undefined);
              setEmojiOpen(false);
            }}
          />
        </div>
      )}
      <textarea
        ref={input}
        name="composer"
        class="composer-input"
        rows={2}
        value={text}
        disabled={blocked}
        placeholder={placeholder}
        aria-label={note ? t("conversation.note") : t("conversation.reply")}
        data-mode={note ? "note" : "reply"}
        onInput={(e) => change(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        onKeyUp={(e) => {
          if (e.key === "ArrowLeft" || e.key === "ArrowRight") look(text);
        }}
        onClick={() => look(text)}
        onPaste={onPaste}
        onBlur={() => setTimeout(() => setTrigger(null), 150)}
      />
      {hint && (
        <p class="composer-note" role="status">
          {hint}
        </p>
      )}
      <div class="composer-tools">
        <IconButton
          size="sm"
          label={t("conversation.emoji")}
          icon={<Smile size={18} />}
          aria-expanded={emojiOpen}
          onClick={openEmoji}
        />
        {!note && (
          <>
            <IconButton
              size="sm"
              label={t("conversation.attach")}
              icon={<Paperclip size={18} />}
              disabled={blocked}
              onClick={() => files.current?.click()}
            />
            <input
              ref={files}
              type="file"
              class="sr-only"
              tabIndex={-1}
              multiple
              aria-label={t("conversation.attach")}
              disabled={blocked}
              onChange={(e) => {
                attach([...(e.currentTarget.files ?? [])]);
                e.currentTarget.value = "";
              }}
            />
          </>
        )}
        {props.ai && !note && (
          <CopilotMenu
            conversationId={props.conversationId}
            draft={text}
            disabled={blocked}
            onDraft={(drafted) => {
              change(drafted);
              input.current?.focus();
            }}
          />
        )}
        <span class="composer-keys">{t("conversation.keysHint")}</span>
        {!note && (
          <ScheduleButton disabled={blocked || !text.trim()} onClick={() => setScheduling(true)} />
        )}
        <Button
          variant="primary"
          size="sm"
          class="send"
          loading={sending}
          disabled={blocked || !text.trim()}
          onClick={send}
          icon={<SendHorizontal size={16} class="icon flip-rtl" />}
        >
          {note ? t("conversation.addNote") : t("conversation.send")}
        </Button>
      </div>
      <ScheduleDialog
        open={scheduling}
        conversationId={props.conversationId}
        channel={props.channel}
        text={text.trim()}
        onClose={() => setScheduling(false)}
        onScheduled={() => {
          setText("");
          props.onScheduled();
        }}
      />
    </div>
  );
}
