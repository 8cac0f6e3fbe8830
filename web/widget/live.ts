import { useEffect, useRef, useState } from "preact/hooks";
import { liveSocket, type Message, wsUrl } from "../shared/api";
import { fromVisitor, type Thread } from "./history";
import type { LoaderHooks } from "./loader";

export type Live = ReturnType<typeof liveSocket>;

/**
 * The live side of the newest conversation, once the history is loaded: its new messages,
 * the agent typing and reading, and the count of messages that came while the chat was closed.
 */
export function useLiveThread(props: {
  base: string;
  loaded: boolean;
  latest: Thread | undefined;
  token: { current: string | null };
  hooks: LoaderHooks;
  add: (conversationId: string, messages: Message[]) => void;
}) {
  const { base, loaded, hooks } = props;
  const latestId = props.latest?.id;
  const [typing, setTyping] = useState<string | null>(null);
  /** The assistant's reply while it is being written. */
  const [draft, setDraft] = useState<{ name: string; text: string } | null>(null);
  const [readUpTo, setReadUpTo] = useState(0);
  const [unread, setUnread] = useState(0);
  const socket = useRef<Live | null>(null);
  const lastSeq = useRef(0);
  lastSeq.current = props.latest?.messages.at(-1)?.seq ?? 0;

  const markRead = () => {
    if (hooks.isOpen() && lastSeq.current)
      socket.current?.send({ type: "read", seq: lastSeq.current });
  };

  const received = (conversationId: string, message: Message) => {
    props.add(conversationId, [message]);
    if (fromVisitor(message)) return;
    setTyping(null);
    setDraft(null);
    if (!hooks.isOpen() && message.kind !== "event") setUnread((n) => n + 1);
  };

  useEffect(() => {
    if (!loaded || !latestId) return;
    setReadUpTo(0);
    const live = liveSocket(
      () =>
        wsUrl(
          base,
          `/widget/v1/conversations/${latestId}/ws?token=${encodeURIComponent(props.token.current ?? "")}&after_seq=${lastSeq.current}`,
        ),
      (frame) => {
        if (frame.type === "message") received(latestId, frame.message as Message);
        if (frame.type === "typing" && frame.side === "agent")
          setTyping(frame.typing ? String(frame.name || "") : null);
        if (frame.type === "read" && frame.side === "agent") setReadUpTo(Number(frame.seq));
        if (frame.type === "draft")
          setDraft({ name: String(frame.name ?? ""), text: String(frame.text ?? "") });
      },
    );
    socket.current = live;
    return () => live.close();
  }, [base, loaded, latestId]);

  /** The loader showed the panel: nothing is unread any more. */
  const shown = () => {
    setUnread(0);
    markRead();
  };
  return { socket, typing, draft, readUpTo, unread, markRead, shown };
}
