import { useState } from "preact/hooks";
import type { Message } from "../shared/api";
import type { Speaker } from "./i18n";

/** Sends the visitor's answer to a conversation's survey; false when it failed. */
export type AnswerSurvey = (
  conversationId: string,
  answer: { score: number; comment?: string },
) => Promise<boolean>;

type Stage = "score" | "comment" | "thanks";

/** What the thread's `csat_answered` events say was already answered (another tab, a reload). */
function answeredStage(survey: Message, messages: Message[]): Stage {
  const data = survey.event?.data ?? {};
  const answers = messages
    .filter((m) => m.event?.type === "csat_answered" && m.event.data.survey_id === data.survey_id)
    .map((m) => m.event?.data ?? {});
  if (answers.some((a) => a.comment !== undefined)) return "thanks";
  if (!answers.some((a) => a.score !== undefined)) return "score";
  return data.ask_comment ? "comment" : "thanks";
}

const ORDER: Stage[] = ["score", "comment", "thanks"];

/** The satisfaction survey after a close: score buttons, then the optional comment, then thanks. */
export function SurveyCard(props: {
  survey: Message;
  messages: Message[];
  conversationId: string;
  s: Speaker;
  onAnswer: AnswerSurvey;
}) {
  const { survey, s } = props;
  const data = survey.event?.data ?? {};
  const nps = data.scale === "nps_10";
  const [min, max] = nps ? [0, 10] : [1, 5];
  const [local, setLocal] = useState<Stage>("score");
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const known = answeredStage(survey, props.messages);
  const stage = ORDER[Math.max(ORDER.indexOf(local), ORDER.indexOf(known))] ?? "score";
  const question = typeof data.question === "string" ? data.question : "";

  const answer = async (body: { score: number; comment?: string }, next: Stage) => {
    setBusy(true);
    const ok = await props.onAnswer(props.conversationId, body);
    setBusy(false);
    if (ok) setLocal(next);
  };
  const pick = (value: number) => {
    setScore(value);
    void answer({ score: value }, data.ask_comment ? "comment" : "thanks");
  };
  const sendComment = (event: Event) => {
    event.preventDefault();
    const text = comment.trim();
    if (!text) return setLocal("thanks");
    void answer({ score: score ?? min, comment: text }, "thanks");
  };

  return (
    <section class="card survey" aria-label={question} data-seq={survey.seq}>
      <p class="survey-q" id={`survey-${survey.seq}`}>
        {question}
      </p>
      {stage === "score" && (
        <>
          <fieldset class={`scores${nps ? " nps" : ""}`} aria-labelledby={`survey-${survey.seq}`}>
            {Array.from({ length: max - min + 1 }, (_, i) => min + i).map((value) => (
              <button
                type="button"
                key={value}
                class="score"
                disabled={busy}
                aria-label={s.t("survey_score", { score: value, max })}
                onClick={() => pick(value)}
              >
                {value}
              </button>
            ))}
          </fieldset>
          <p class="ends" aria-hidden="true">
            <span>{s.t(nps ? "survey_low_nps" : "survey_low")}</span>
            <span>{s.t(nps ? "survey_high_nps" : "survey_high")}</span>
          </p>
        </>
      )}
      {stage === "comment" && (
        <form class="details" onSubmit={sendComment}>
          <label>
            <span>{s.t("survey_comment")}</span>
            <textarea
              rows={3}
              maxLength={2000}
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="primary" disabled={busy}>
            {s.t("send")}
          </button>
        </form>
      )}
      {stage === "thanks" && (
        <p class="saved" role="status">
          {s.t("survey_thanks")}
        </p>
      )}
    </section>
  );
}
