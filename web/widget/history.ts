import { useEffect, useState } from "preact/hooks";
import { type Message, mergeMessages } from "../shared/api";
import type { Session, VisitorRequest } from "./session";

export type Thread = { id: string; messages: Message[] };

export const fromVisitor = (m: Message) => m.sender.type === "visitor";

/** How many of the visitor's recent conversations the widget shows. */
const HISTORY = 5;

/** Threads, oldest first, with `messages` merged into the one they belong to (new ones appended). */
function withMessages(threads: Thread[], conversationId: string, messages: Message[]) {
  const known = threads.some((t) => t.id === conversationId);
  const all = known ? threads : [...threads, { id: conversationId, messages: [] }];
  return all.map((t) =>
    t.id === conversationId ? { ...t, messages: mergeMessages(t.messages, messages) } : t,
  );
}

const withThread = (threads: Thread[], thread: Thread) =>
  withMessages(threads, thread.id, thread.messages);

/** The visitor's recent conversations, closed ones included, oldest first. */
async function recentThreads(visitorRequest: VisitorRequest): Promise<Thread[]> {
  const { data } = await visitorRequest<{ data: { id: string }[] }>("/widget/v1/conversations");
  const recent = data.slice(0, HISTORY).reverse();
  const pages = await Promise.all(
    recent.map((c) =>
      visitorRequest<{ data: Message[] }>(
        `/widget/v1/conversations/${c.id}/messages?after_seq=0&limit=200`,
      ),
    ),
  );
  return recent.map((c, i) => ({ id: c.id, messages: pages[i]?.data ?? [] }));
}

/** The threads of this session, loaded once it starts; `loaded` even when loading failed. */
export function useHistory(session: Session | null, visitorRequest: VisitorRequest) {
  const [threads, setThreads] = useState<Thread[]>([]);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (!session) return;
    recentThreads(visitorRequest)
      // a message sent while the history loads stays, in its thread
      .then(
        (recent) => setThreads((sent) => sent.reduce(withThread, recent)),
        () => {},
      )
      .then(() => setLoaded(true));
  }, [session]);
  /** Adds messages that arrived or were sent to the conversation they belong to. */
  const add = (conversationId: string, messages: Message[]) =>
    setThreads((t) => withMessages(t, conversationId, messages));
  const forget = () => {
    setThreads([]);
    setLoaded(false);
  };
  return { threads, loaded, add, forget };
}
