import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  formatDate,
  formatNumber,
  ListState,
  problemMessage,
  type Tone,
  t,
  toast,
} from "../../shared/ui";

type Call = components["schemas"]["AiCall"];
type Page = components["schemas"]["AiCallPage"];

const PAGE_SIZE = 20;

const OUTCOME_TONES: Record<Call["outcome"], Tone> = {
  ok: "success",
  timeout: "warning",
  provider_error: "danger",
  budget: "warning",
};

function CallDetails({ call }: { call: Call }) {
  return (
    <div class="ai-call-body">
      {(call.redacted || call.truncated) && (
        <p class="muted">
          {[call.redacted && t("ai.calls.redacted"), call.truncated && t("ai.calls.truncated")]
            .filter(Boolean)
            .join(" ")}
        </p>
      )}
      <h4>{t("ai.calls.prompt")}</h4>
      <ol class="ai-call-messages">
        {call.messages.map((message, i) => (
          <li key={i}>
            <span class="ai-call-role">{message.role}</span>
            <pre dir="auto">{message.content}</pre>
          </li>
        ))}
      </ol>
      <h4>{t("ai.calls.answer")}</h4>
      {call.answer === null ? (
        <p class="muted">{t("ai.calls.noAnswer")}</p>
      ) : (
        <pre class="ai-call-answer" dir="auto">
          {call.answer}
        </pre>
      )}
    </div>
  );
}

/** A call's row: its summary opens on the prompt and answer; the conversation link sits beside. */
function CallRow({ call }: { call: Call }) {
  return (
    <li class="ai-call">
      <details>
        <summary>
          <span class="ai-call-feature">{t(`ai.feature.${call.feature}`)}</span>
          <Badge tone={OUTCOME_TONES[call.outcome]}>{t(`ai.calls.outcome.${call.outcome}`)}</Badge>
          <span class="ai-call-tokens">
            {t("ai.calls.tokens", { tokens: formatNumber(call.total_tokens) })}
          </span>
          <time dateTime={call.at}>{formatDate(call.at)}</time>
        </summary>
        <CallDetails call={call} />
      </details>
      {call.conversation_id && (
        <a class="ai-call-link" href={`/c/${call.conversation_id}`}>
          {t("ai.calls.conversation")}
        </a>
      )}
    </li>
  );
}

const pageUrl = (cursor: string | null) =>
  `/api/v1/ai/calls?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;

/** The latest stored AI calls, each opening on what was asked and answered. */
export function RecentCalls({ version }: { version: number }) {
  const [calls, setCalls] = useState<Call[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (cursor: string | null) => {
    setBusy(true);
    try {
      const page = await request<Page>(pageUrl(cursor));
      setCalls((shown) => [...(cursor ? (shown ?? []) : []), ...page.data]);
      setNext(page.next_cursor);
      setError(null);
    } catch (failure) {
      if (cursor) toast.error(problemMessage(failure));
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };
  // reloads when the settings change
  useEffect(() => {
    load(null);
  }, [version]);

  return (
    <section class="card ai-calls" aria-labelledby="ai-calls-title">
      <h2 id="ai-calls-title">{t("ai.calls.title")}</h2>
      <p class="muted">{t("ai.calls.description")}</p>
      <ListState
        data={calls}
        error={error}
        onRetry={() => load(null)}
        rows={3}
        empty={<p class="muted">{t("ai.calls.empty")}</p>}
      >
        {(data) => (
          <>
            <ul class="ai-call-list">
              {data.map((call) => (
                <CallRow key={call.id} call={call} />
              ))}
            </ul>
            {next && (
              <Button variant="ghost" loading={busy} onClick={() => load(next)}>
                {t("ai.calls.more")}
              </Button>
            )}
          </>
        )}
      </ListState>
    </section>
  );
}
