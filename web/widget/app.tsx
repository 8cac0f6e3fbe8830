import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, type Message } from "../shared/api";
import { askedFields, useChannelConfig } from "./channel";
import { Composer } from "./composer";
import { AwayCard, fieldProblems, PrechatCard, type Values } from "./details";
import { Header } from "./header";
import { fromVisitor, useHistory } from "./history";
import { speaker } from "./i18n";
import { widgetLanguage } from "./language";
import { useLiveThread } from "./live";
import type { LoaderHooks } from "./loader";
import { pushCommands, usePushCalls } from "./push";
import { PushOffer } from "./push-offer";
import { type Options, refused, useRemembered, useVisitorSession } from "./session";
import {
  DraftBubble,
  Greeting,
  PersonButton,
  ThreadView,
  TypingLine,
  withAssistant,
} from "./thread";
import css from "./widget.css?inline";

type Sent = { conversation_id: string; message: Message };
type Told = { token: string; name: string | null; email: string | null; phone: string | null };

function Chat({ options, hooks }: { options: Options; hooks: LoaderHooks }) {
  const { base, channel } = options;
  const config = useChannelConfig(base, channel);
  const [error, setError] = useState<string | null>(null);
  const visitor = useVisitorSession(options, setError);
  const { session, visitorRequest } = visitor;
  const history = useHistory(session, visitorRequest);
  usePushCalls(session, visitorRequest);
  const { threads, loaded } = history;
  const [told, remember] = useRemembered(channel);
  const list = useRef<HTMLDivElement>(null);
  const s = useMemo(() => speaker(widgetLanguage(config?.language)), [config?.language]);
  const latest = threads.at(-1);
  const live = useLiveThread({
    base,
    loaded,
    latest,
    token: visitor.token,
    hooks,
    add: history.add,
  });

  useEffect(
    () => hooks.unread(live.unread, s.t("unread", { count: live.unread })),
    [live.unread, s],
  );

  useEffect(() => {
    list.current?.scrollTo(0, list.current.scrollHeight);
    live.markRead();
  }, [threads, live.typing, live.draft]);

  // the loader tells the app when the visitor opens the chat
  useEffect(() => {
    shownListener.current = live.shown;
  });

  const sent = (result: Sent) => history.add(result.conversation_id, [result.message]);

  /** A refused token ends this session: the next one starts without it. */
  const failed = (e: unknown) => {
    if (!refused(e)) return setError(e instanceof ApiError ? e.message : s.t("failed"));
    setError(s.t("session_ended"));
    visitor.restart();
    history.forget();
  };

  const send = async (text: string) => {
    try {
      sent(
        await visitorRequest<Sent>("/widget/v1/messages", {
          method: "POST",
          json: { text, conversation_id: latest?.id, client_message_id: crypto.randomUUID() },
        }),
      );
      setError(null);
      return true;
    } catch (e) {
      failed(e);
      return false;
    }
  };

  const attach = async (file: File) => {
    const form = new FormData();
    form.append("file", file);
    try {
      sent(await visitorRequest<Sent>("/widget/v1/attachments", { method: "POST", body: form }));
    } catch (e) {
      failed(e);
    }
  };

  const askForPerson = async () => {
    if (!latest) return;
    try {
      await visitorRequest(`/widget/v1/conversations/${latest.id}/handoff`, { method: "POST" });
    } catch (e) {
      failed(e);
    }
  };

  const answerSurvey = async (conversationId: string, answer: object) => {
    try {
      await visitorRequest(`/widget/v1/conversations/${conversationId}/survey`, {
        method: "POST",
        json: answer,
      });
      setError(null);
      return true;
    } catch (e) {
      failed(e);
      return false;
    }
  };

  /** Keeps what the visitor told on their contact; field problems come back for the form. */
  const tell = async (values: Partial<Values>) => {
    try {
      const answer = await visitorRequest<Told>("/widget/v1/contact", {
        method: "PATCH",
        json: values,
      });
      visitor.keepToken(answer.token);
      remember({ ...values, done: "1" });
      return [];
    } catch (e) {
      const problems = fieldProblems(e);
      if (!problems.length) failed(e);
      return problems;
    }
  };

  if (!config) return <div class="w" />;
  const asked = askedFields(config);
  const hasMessages = threads.some((t) => t.messages.length > 0);
  const visitorWrote = threads.some((t) => t.messages.some(fromVisitor));
  const needsPrechat = loaded && asked.length > 0 && !hasMessages && !told.done;

  return (
    <div
      class="w"
      dir={s.dir}
      lang={s.language}
      style={{ "--brand": config.brand_color }}
      role="dialog"
      aria-label={config.name}
    >
      <Header config={config} s={s} onClose={hooks.close} />
      <div class="list" ref={list} aria-live="polite">
        <Greeting name={config.name} text={config.greeting || s.t("welcome")} />
        {threads.map((thread) => (
          <ThreadView
            key={thread.id}
            thread={thread}
            s={s}
            base={base}
            readUpTo={thread === latest ? live.readUpTo : null}
            onSurvey={answerSurvey}
          />
        ))}
        {config.away && !withAssistant(latest) && (
          <AwayCard config={config} s={s} told={told} onTell={tell} />
        )}
        {needsPrechat && <PrechatCard s={s} fields={asked} onTell={tell} />}
        {visitorWrote && <PushOffer s={s} push={hooks.push} told={told} remember={remember} />}
        {live.draft ? (
          <DraftBubble name={live.draft.name} text={live.draft.text} s={s} />
        ) : (
          live.typing !== null && <TypingLine name={live.typing} s={s} />
        )}
      </div>
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
      {!needsPrechat && withAssistant(latest) && <PersonButton s={s} onPress={askForPerson} />}
      {!needsPrechat && (
        <Composer s={s} ready={!!session} socket={live.socket} onSend={send} onAttach={attach} />
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
    push: pushCommands,
    destroy: () => {
      render(null, el);
      style.remove();
    },
  };
}
