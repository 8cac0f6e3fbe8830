import type { Message } from "../shared/api";
import { fromVisitor, type Thread } from "./history";
import type { Speaker } from "./i18n";
import { FileIcon } from "./icons";
import { type AnswerSurvey, SurveyCard } from "./survey";

/** Messages closer than this, from the same sender, form one group under one name. */
const GROUP_GAP_MS = 5 * 60_000;

export const initials = (name: string | null) =>
  (name ?? "?")
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? "")
    .join("");

/** An event in words a visitor understands; null for one the widget does not show. */
function eventText(m: Message, s: Speaker) {
  const data = m.event?.data ?? {};
  if (m.event?.type === "status_changed")
    return data.to === "closed" ? s.t("event_closed") : s.t("event_reopened");
  if (m.event?.type === "assigned" && typeof data.to_name === "string")
    return s.t("event_joined", { name: data.to_name });
  return null;
}

const sameGroup = (a: Message | undefined, b: Message | undefined) =>
  !!a &&
  !!b &&
  a.kind !== "event" &&
  b.kind !== "event" &&
  a.sender.type === b.sender.type &&
  a.sender.id === b.sender.id &&
  Date.parse(b.created_at) - Date.parse(a.created_at) < GROUP_GAP_MS;

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
        {!mine && first && (
          <span class="who">
            {who}
            {m.ai && <span class="ai-tag">{s.t("ai_tag")}</span>}
          </span>
        )}
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
        {m.ai && m.ai.citations.length > 0 && (
          <span class="cites">
            {s.t("sources")}{" "}
            {m.ai.citations.map((c) =>
              c.url ? (
                <a key={c.source_id} href={c.url} target="_blank" rel="noopener noreferrer">
                  {c.title}
                </a>
              ) : (
                <span key={c.source_id}>{c.title}</span>
              ),
            )}
          </span>
        )}
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

const isSurvey = (m: Message) => m.event?.type === "csat_survey";

/**
 * One conversation's messages: bubbles grouped by sender, events as centred lines, a survey as
 * its card.
 */
export function ThreadView(props: {
  thread: Thread;
  s: Speaker;
  base: string;
  readUpTo: number | null;
  onSurvey: AnswerSurvey;
}) {
  const { thread, s, readUpTo } = props;
  const shown = thread.messages.filter(
    (m) => m.kind !== "event" || isSurvey(m) || eventText(m, s) !== null,
  );
  return (
    <>
      {shown.map((m, i) =>
        isSurvey(m) ? (
          <SurveyCard
            key={m.seq}
            survey={m}
            messages={thread.messages}
            conversationId={thread.id}
            s={s}
            onAnswer={props.onSurvey}
          />
        ) : m.kind === "event" ? (
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
            read={readUpTo === null ? null : m.seq <= readUpTo ? "seen" : "sent"}
          />
        ),
      )}
    </>
  );
}

/** The channel's greeting (or a default welcome), as a first message from the team. */
export function Greeting({ name, text }: { name: string; text: string }) {
  return (
    <div class="row them first">
      <Avatar name={name} />
      <div class="stack">
        <p class="msg them greeting">{text}</p>
      </div>
    </div>
  );
}

/** The assistant's reply while it is being written, replaced by the message once stored. */
export function DraftBubble({ name, text, s }: { name: string; text: string; s: Speaker }) {
  return (
    <div class="row them first" aria-busy="true">
      <Avatar name={name} />
      <div class="stack">
        <span class="who">
          {name}
          <span class="ai-tag">{s.t("ai_tag")}</span>
        </span>
        <p class="msg them drafting">{text}</p>
      </div>
    </div>
  );
}

/** "Ana is typing…", with three bouncing dots. */
export function TypingLine({ name, s }: { name: string; s: Speaker }) {
  return (
    <p class="typing">
      <span class="dots" aria-hidden="true">
        <i />
        <i />
        <i />
      </span>
      {name ? s.t("typing", { name }) : s.t("someone_typing")}
    </p>
  );
}

/** Whether the AI assistant is talking in the thread: its last word is not a handoff, nobody else spoke since. */
export function withAssistant(thread: Thread | undefined) {
  const theirs = (thread?.messages ?? []).filter((m) => !fromVisitor(m) && m.kind !== "event");
  const last = theirs.at(-1);
  return !!last?.ai && !last.ai.handoff;
}

/** "Talk to a person": the visitor can leave the assistant at any time. */
export function PersonButton({ s, onPress }: { s: Speaker; onPress: () => Promise<void> }) {
  return (
    <button type="button" class="person" onClick={() => void onPress()}>
      {s.t("talk_to_person")}
    </button>
  );
}
