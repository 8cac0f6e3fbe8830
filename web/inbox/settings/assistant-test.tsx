import { Bot, RotateCcw, SendHorizontal, UserRound } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  Dialog,
  Field,
  problemMessage,
  TextArea,
  type Tone,
  t,
  toast,
} from "../../shared/ui";
import {
  type Assistant,
  BASE,
  type ContactField,
  fieldLabel,
  type TestResult,
} from "./assistant-model";

type Turn = { customer: string; answer: TestResult };
type Said = { role: "customer" | "assistant"; text: string };

/** The API takes at most this many messages; older ones are left out. */
const MAX_MESSAGES = 40;

const TONES: Record<TestResult["action"], Tone> = {
  continue: "primary",
  handoff: "warning",
  resolve: "success",
};

/** The conversation so far and the new message, as the test endpoint reads it. */
function conversationOf(turns: Turn[], next: string): Said[] {
  const said = turns.flatMap(({ customer, answer }): Said[] => [
    { role: "customer", text: customer },
    ...(answer.reply.trim() ? [{ role: "assistant" as const, text: answer.reply }] : []),
  ]);
  return [...said, { role: "customer" as const, text: next }].slice(-MAX_MESSAGES);
}

function Answer({ answer, fields }: { answer: TestResult; fields: ContactField[] }) {
  return (
    <div class="test-bubble assistant">
      <span class="test-who">
        <Bot size={14} aria-hidden="true" />
        {t("assistants.assistant")}
      </span>
      {answer.reply.trim() ? (
        <p dir="auto">{answer.reply}</p>
      ) : (
        <p class="muted">{t("assistants.noReply")}</p>
      )}
      <div class="test-decision">
        <Badge tone={TONES[answer.action]} dot>
          {t(`assistants.decision.${answer.action}`)}
        </Badge>
        <span class="muted small">{t(`assistants.decisionHint.${answer.action}`)}</span>
      </div>
      {answer.reason && (
        <p class="muted small" dir="auto">
          {t("assistants.reason", { reason: answer.reason })}
        </p>
      )}
      {answer.citations.length > 0 && (
        <div class="test-sources">
          <span class="small">{t("assistants.sources")}</span>
          <ul>
            {answer.citations.map((c) => (
              <li key={c.source_id}>
                {c.url ? (
                  <a href={c.url} target="_blank" rel="noopener noreferrer" dir="auto">
                    {c.title}
                  </a>
                ) : (
                  <span dir="auto">{c.title}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {answer.fields.length > 0 && (
        <div class="test-fields">
          <span class="small">{t("assistants.fieldsSaved")}</span>
          <dl>
            {answer.fields.map((f) => (
              <div key={f.key}>
                <dt>{fieldLabel(f.key, fields)}</dt>
                <dd dir="auto">{f.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </div>
  );
}

/** A made-up chat with the assistant: the reply, its decision, sources and details; none kept. */
export function AssistantTest({
  assistant,
  fields,
  onClose,
}: {
  assistant: Assistant;
  fields: ContactField[];
  onClose: () => void;
}) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: "nearest" }), [turns, busy]);

  const send = async (event?: Event) => {
    event?.preventDefault();
    const customer = text.trim();
    if (!customer || busy) return;
    setBusy(true);
    try {
      const answer = await request<TestResult>(`${BASE}/${assistant.id}/test`, {
        method: "POST",
        json: { messages: conversationOf(turns, customer) },
      });
      setTurns([...turns, { customer, answer }]);
      setText("");
    } catch (error) {
      toast.error(problemMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      kind="drawer"
      onClose={onClose}
      title={t("assistants.testTitle", { name: assistant.name })}
      footer={
        <Button
          icon={<RotateCcw size={16} />}
          disabled={turns.length === 0 || busy}
          onClick={() => setTurns([])}
        >
          {t("assistants.startOver")}
        </Button>
      }
    >
      <div class="assistant-test">
        <p class="muted small">{t("assistants.testIntro")}</p>
        <ol class="test-transcript" aria-label={t("assistants.transcript")} aria-live="polite">
          {turns.length === 0 && <li class="muted test-empty">{t("assistants.testEmpty")}</li>}
          {turns.map((turn, i) => (
            <li key={i} class="test-turn">
              <div class="test-bubble customer">
                <span class="test-who">
                  <UserRound size={14} aria-hidden="true" />
                  {t("assistants.customer")}
                </span>
                <p dir="auto">{turn.customer}</p>
              </div>
              <Answer answer={turn.answer} fields={fields} />
            </li>
          ))}
          {busy && <li class="muted small">{t("assistants.thinking")}</li>}
          <li ref={end} class="test-end" aria-hidden="true" />
        </ol>
        <form class="test-compose" onSubmit={send}>
          <Field label={t("assistants.testMessage")}>
            <TextArea
              rows={2}
              maxLength={4000}
              dir="auto"
              value={text}
              placeholder={t("assistants.testPlaceholder")}
              onInput={(e) => setText(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey && !e.isComposing) send(e);
              }}
            />
          </Field>
          <Button
            type="submit"
            variant="primary"
            icon={<SendHorizontal size={16} class="flip-rtl" />}
            loading={busy}
            disabled={!text.trim()}
          >
            {t("assistants.send")}
          </Button>
        </form>
      </div>
    </Dialog>
  );
}
