import { ArrowDown } from "lucide-preact";
import { Fragment } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Message } from "../../shared/api";
import { formatDate, formatNumber, t } from "../../shared/ui";
import { Bubble, continues, EventLine } from "./bubble";
import type { Directory } from "./directory";

/** How close to the bottom still counts as "at the newest message". */
const NEAR_BOTTOM = 48;
/** Older messages load once the agent scrolls this close to the top. */
const NEAR_TOP = 160;

const dayOf = (iso: string) => new Date(iso).toDateString();

function dayLabel(iso: string) {
  const day = dayOf(iso);
  if (day === new Date().toDateString()) return t("conversation.today");
  if (day === new Date(Date.now() - 86_400_000).toDateString()) return t("conversation.yesterday");
  return formatDate(iso, { weekday: "long", day: "numeric", month: "long" });
}

type ThreadProps = {
  messages: Message[];
  directory: Directory;
  contactName: string;
  meId: string | null;
  typing: boolean;
  hasOlder: boolean;
  onLoadOlder: () => Promise<void>;
  /** seq of the first message the agent had not read when they opened it */
  firstUnreadSeq: number | null;
  /** the workspace's AI is on: customers' messages offer a translation */
  ai: boolean;
};

/**
 * The messages, scrolling on their own: opens at the newest, keeps the place when older ones
 * load above, follows new ones while the agent is at the bottom and offers a jump back otherwise.
 */
export function Thread(props: ThreadProps) {
  const { messages, hasOlder, onLoadOlder, meId } = props;
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const shown = useRef({ first: 0, last: 0 });
  const before = useRef({ height: 0, top: 0 });
  const loading = useRef(false);
  const [away, setAway] = useState(false);
  const [missed, setMissed] = useState(0);

  const toBottom = (smooth = false) => {
    const el = list.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
    atBottom.current = true;
    setAway(false);
    setMissed(0);
  };

  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    const first = messages[0]?.seq ?? 0;
    const newest = messages.at(-1);
    const last = newest?.seq ?? 0;
    const previous = shown.current;
    shown.current = { first, last };
    if (previous.last === 0) return toBottom();
    if (first < previous.first && last === previous.last) {
      // older messages went in above: keep the ones on screen where they were
      el.scrollTop = el.scrollHeight - before.current.height + before.current.top;
      return;
    }
    if (last <= previous.last) return;
    if (atBottom.current || (newest?.sender.id === meId && newest?.sender.type === "agent"))
      toBottom();
    else setMissed((n) => n + 1);
  }, [messages]);

  useLayoutEffect(() => {
    if (props.typing && atBottom.current) toBottom();
  }, [props.typing]);

  const loadOlder = async () => {
    if (loading.current || !hasOlder) return;
    loading.current = true;
    try {
      await onLoadOlder();
    } finally {
      loading.current = false;
    }
  };

  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    before.current = { height: el.scrollHeight, top: el.scrollTop };
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
    atBottom.current = distance < NEAR_BOTTOM;
    setAway(distance > NEAR_BOTTOM * 4);
    if (atBottom.current) setMissed(0);
    if (el.scrollTop < NEAR_TOP) loadOlder();
  };

  return (
    <div class="thread">
      <div
        class="messages"
        ref={list}
        onScroll={onScroll}
        onLoadCapture={() => atBottom.current && toBottom()}
        role="log"
        aria-label={t("conversation.messages")}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard
        tabIndex={0}
      >
        {hasOlder && (
          <button type="button" class="load-older" onClick={loadOlder}>
            {t("conversation.loadOlder")}
          </button>
        )}
        {messages.map((m, i) => {
          const previous = messages[i - 1];
          const newDay = !previous || dayOf(previous.created_at) !== dayOf(m.created_at);
          return (
            <Fragment key={m.seq}>
              {newDay && (
                <p class="day-line">
                  <span>{dayLabel(m.created_at)}</span>
                </p>
              )}
              {m.seq === props.firstUnreadSeq && (
                <p class="new-divider">
                  <span>{t("conversation.newMessages")}</span>
                </p>
              )}
              {m.kind === "event" ? (
                <EventLine m={m} directory={props.directory} />
              ) : (
                <Bubble
                  m={m}
                  contactName={props.contactName}
                  continued={!newDay && continues(previous, m)}
                  ai={props.ai}
                />
              )}
            </Fragment>
          );
        })}
        {props.typing && (
          <p class="typing" aria-live="polite">
            <span class="dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {t("conversation.customerTyping", { name: props.contactName })}
          </p>
        )}
      </div>
      {away && (
        <button type="button" class="jump-latest" onClick={() => toBottom(true)}>
          <ArrowDown size={16} aria-hidden="true" class="icon" />
          {missed > 0
            ? t("conversation.newBelow", { count: missed, n: formatNumber(missed) })
            : t("conversation.jumpToLatest")}
        </button>
      )}
    </div>
  );
}
