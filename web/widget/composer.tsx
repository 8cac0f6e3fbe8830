import { useRef, useState } from "preact/hooks";
import type { Speaker } from "./i18n";
import { ClipIcon, SendIcon } from "./icons";
import type { Live } from "./live";

/** At most one "typing" frame this often, and a stop after this long without a keystroke. */
const TYPING_EVERY_MS = 3000;
const TYPING_PAUSE_MS = 4000;

/** Tells the agent the visitor is typing, and when they stopped. */
function useTypingSignal(socket: { current: Live | null }) {
  const sentAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const stop = () => {
    clearTimeout(timer.current);
    if (sentAt.current) socket.current?.send({ type: "typing", typing: false });
    sentAt.current = 0;
  };
  const typed = () => {
    if (Date.now() - sentAt.current > TYPING_EVERY_MS) {
      socket.current?.send({ type: "typing", typing: true });
      sentAt.current = Date.now();
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(stop, TYPING_PAUSE_MS);
  };
  return { typed, stop };
}

/** The message field, a file button and send; `onSend` answers whether the message went. */
export function Composer(props: {
  s: Speaker;
  ready: boolean;
  socket: { current: Live | null };
  onSend: (text: string) => Promise<boolean>;
  onAttach: (file: File) => Promise<void>;
}) {
  const { s, ready } = props;
  const [text, setText] = useState("");
  const typing = useTypingSignal(props.socket);

  const send = async (event: Event) => {
    event.preventDefault();
    const body = text.trim();
    if (!body || !ready) return;
    setText("");
    typing.stop();
    if (!(await props.onSend(body))) setText(body);
  };

  const attach = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file || !ready) return;
    await props.onAttach(file);
    input.value = "";
  };

  return (
    <form class="composer" onSubmit={send}>
      <label class="clip" title={s.t("attach")}>
        <ClipIcon />
        <input type="file" onChange={attach} aria-label={s.t("attach")} />
      </label>
      <input
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          typing.typed();
        }}
        placeholder={s.t("placeholder")}
        name="message"
        aria-label={s.t("message")}
        maxLength={10000}
      />
      <button type="submit" class="icon send" aria-label={s.t("send")} disabled={!ready}>
        <SendIcon />
      </button>
    </form>
  );
}
