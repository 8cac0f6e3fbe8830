import { Users } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import {
  Avatar,
  type FieldErrors,
  fieldErrorsOf,
  formatNumber,
  problemMessage,
  Skeleton,
  t,
} from "../../../shared/ui";
import { displayName } from "../api";
import { previewSegment, type SegmentPreview, type SegmentRules } from "./api";
import { previewable } from "./model";

type State =
  | { kind: "incomplete" }
  | { kind: "loading"; last: SegmentPreview | null }
  | { kind: "ready"; preview: SegmentPreview }
  | { kind: "failed"; message: string };

/**
 * Who the rules take in now, asked again when editing pauses; the server's objections to the
 * rules go to `onErrors` so they show beside their inputs.
 */
export function usePreview(rules: SegmentRules, onErrors: (errors: FieldErrors) => void, ms = 400) {
  const [state, setState] = useState<State>({ kind: "incomplete" });
  const key = JSON.stringify(rules);
  useEffect(() => {
    if (!previewable(rules)) {
      setState({ kind: "incomplete" });
      return;
    }
    setState((s) => ({ kind: "loading", last: s.kind === "ready" ? s.preview : null }));
    const abort = new AbortController();
    const timer = setTimeout(() => {
      previewSegment(rules, abort.signal).then(
        (preview) => {
          setState({ kind: "ready", preview });
          onErrors({});
        },
        (error) => {
          if (abort.signal.aborted) return;
          const fields = fieldErrorsOf(error);
          onErrors(fields);
          setState({
            kind: "failed",
            message: Object.keys(fields).length ? t("segments.preview.fix") : problemMessage(error),
          });
        },
      );
    }, ms);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [key]);
  return state;
}

/** The live count and the newest few contacts the rules take in. */
export function PreviewPanel({ state }: { state: State }) {
  const shown =
    state.kind === "ready" ? state.preview : state.kind === "loading" ? state.last : null;
  return (
    <section
      class="card stack segment-preview"
      aria-labelledby="preview-title"
      aria-busy={state.kind === "loading" || undefined}
    >
      <h2 id="preview-title">{t("segments.preview.title")}</h2>
      <p class="segment-count" aria-live="polite" data-testid="segment-count">
        <Users size={18} aria-hidden="true" />
        {shown ? (
          <span>
            {t("segments.preview.count", { count: shown.count, n: formatNumber(shown.count) })}
          </span>
        ) : state.kind === "loading" ? (
          <Skeleton width="8em" />
        ) : state.kind === "failed" ? (
          <span class="muted">{state.message}</span>
        ) : (
          <span class="muted">{t("segments.preview.incomplete")}</span>
        )}
      </p>
      {shown && shown.sample.length > 0 && (
        <>
          <h3 class="small muted">{t("segments.preview.sample")}</h3>
          <ul class="segment-sample">
            {shown.sample.map((c) => (
              <li key={c.id}>
                <a href={`/contacts/${c.id}`} class="contact-name">
                  <Avatar name={displayName(c)} size={24} />
                  <span>{displayName(c)}</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
