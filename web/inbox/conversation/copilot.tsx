import {
  Briefcase,
  HeartHandshake,
  Languages,
  Minimize2,
  Sparkles,
  SpellCheck,
} from "lucide-preact";
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { ApiError, type Message, request } from "../../shared/api";
import {
  Button,
  currentLanguage,
  Dialog,
  Menu,
  type MenuItem,
  problemMessage,
  t,
  toast,
} from "../../shared/ui";

type Translation = components["schemas"]["CopilotTranslation"];
type Tone = components["schemas"]["CopilotRewrite"]["tone"];

const AI_REASONS = ["not_configured", "budget_exhausted", "timeout", "provider_error"];

/** What went wrong, said plainly: why AI could not answer, or the usual problem wording. */
export function copilotProblem(error: unknown): string {
  const problem = error instanceof ApiError ? error.problem : null;
  const reason = (problem as { reason?: string } | null)?.reason;
  if (!problem?.type?.endsWith("/ai-unavailable") || !reason || !AI_REASONS.includes(reason))
    return problemMessage(error);
  return t(`copilot.unavailable.${reason}`, { detail: problem.detail ?? "" });
}

/** Whether the workspace's AI is on: the copilot shows only then. */
export function useAiEnabled() {
  const [enabled, setEnabled] = useState(false);
  useEffect(() => {
    request<{ enabled: boolean }>("/api/v1/ai/settings").then(
      (s) => setEnabled(s.enabled),
      () => setEnabled(false),
    );
  }, []);
  return enabled;
}

const suggest = (conversationId: string) =>
  request<{ text: string }>(`/api/v1/conversations/${conversationId}/copilot/suggest`, {
    method: "POST",
  });

const rewrite = (text: string, tone: Tone, conversationId: string) =>
  request<{ text: string }>("/api/v1/copilot/rewrite", {
    method: "POST",
    json: { text, tone, conversation_id: conversationId },
  });

const translate = (text: string, to: string, conversationId: string) =>
  request<Translation>("/api/v1/copilot/translate", {
    method: "POST",
    json: { text, to, conversation_id: conversationId },
  });

type CopilotMenuProps = {
  conversationId: string;
  draft: string;
  disabled?: boolean;
  /** the copilot's text replaces the draft; the agent edits and sends it */
  onDraft: (text: string) => void;
};

/** The composer's AI menu: suggest a reply, rewrite or translate the draft. Nothing is sent. */
export function CopilotMenu({ conversationId, draft, disabled, onDraft }: CopilotMenuProps) {
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<{ text: string }>) => {
    setBusy(true);
    try {
      onDraft((await work()).text);
    } catch (error) {
      toast.error(copilotProblem(error));
    } finally {
      setBusy(false);
    }
  };
  const text = draft.trim();
  const tone = (
    label: string,
    value: Tone,
    Icon: ComponentType<{ size: number; class: string }>,
  ): MenuItem => ({
    label,
    icon: <Icon size={16} class="icon" />,
    onSelect: () => run(() => rewrite(text, value, conversationId)),
  });
  const items: MenuItem[] = [
    {
      label: t("copilot.suggest"),
      icon: <Sparkles size={16} class="icon" />,
      onSelect: () => run(() => suggest(conversationId)),
    },
    ...(text
      ? [
          "separator" as const,
          tone(t("copilot.friendlier"), "friendlier", HeartHandshake),
          tone(t("copilot.shorter"), "shorter", Minimize2),
          tone(t("copilot.formal"), "formal", Briefcase),
          tone(t("copilot.fix"), "fix", SpellCheck),
          "separator" as const,
          {
            label: t("copilot.translateDraft"),
            icon: <Languages size={16} class="icon" />,
            onSelect: () => run(() => translate(text, "contact", conversationId)),
          },
        ]
      : []),
  ];
  return (
    <Menu
      items={items}
      trigger={(triggerProps) => (
        <Button
          size="sm"
          variant="ghost"
          class="copilot-menu"
          icon={<Sparkles size={16} />}
          loading={busy}
          disabled={disabled}
          title={busy ? t("copilot.working") : t("copilot.menu")}
          {...triggerProps}
        >
          <span class="action-label">{t("copilot.short")}</span>
        </Button>
      )}
    />
  );
}

/** A language's name in the app's language ("es" → "Spanish"), or the tag when unknown. */
function languageName(tag: string) {
  try {
    return new Intl.DisplayNames([currentLanguage()], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** "Translate" under a customer's message: the translation shows beneath the original. */
export function TranslateMessage({ m }: { m: Message }) {
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Translation | null>(null);
  if (!m.text) return null;
  const toggle = async () => {
    if (shown) return setShown(null);
    setBusy(true);
    try {
      setShown(await translate(m.text ?? "", currentLanguage(), m.conversation_id));
    } catch (error) {
      toast.error(copilotProblem(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {shown && (
        <span class="translation" lang={shown.to}>
          <span class="translation-from">
            {t("copilot.translatedFrom", { language: languageName(shown.from) })}
          </span>
          <span dir="auto">{shown.text}</span>
        </span>
      )}
      <button
        type="button"
        class="translate-action"
        aria-busy={busy || undefined}
        disabled={busy}
        onClick={toggle}
      >
        <Languages size={12} aria-hidden="true" class="icon" />
        {busy
          ? t("copilot.translating")
          : shown
            ? t("copilot.showOriginal")
            : t("copilot.translate")}
      </button>
    </>
  );
}

/** The thread's summary, asked for from the action bar's more menu. */
export function SummaryDialog({
  conversationId,
  open,
  onClose,
}: {
  conversationId: string;
  open: boolean;
  onClose: () => void;
}) {
  const [summary, setSummary] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setSummary(null);
    setFailed(null);
    request<{ summary: string }>(`/api/v1/conversations/${conversationId}/copilot/summarize`, {
      method: "POST",
    }).then(
      (answer) => setSummary(answer.summary || t("copilot.nothingToSummarize")),
      (error) => setFailed(copilotProblem(error)),
    );
  }, [open, conversationId]);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("copilot.summaryTitle")}
      footer={<Button onClick={onClose}>{t("common.close")}</Button>}
    >
      {failed ? (
        <p class="field-error" role="alert">
          {failed}
        </p>
      ) : summary === null ? (
        <p class="copilot-summary muted" aria-busy="true">
          <span class="spinner" aria-hidden="true" /> {t("copilot.summarizing")}
        </p>
      ) : (
        <p class="copilot-summary" dir="auto">
          {summary}
        </p>
      )}
    </Dialog>
  );
}
