import { Ellipsis, FileDown, NotebookText, Zap } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { Conversation } from "../../shared/api";
import {
  Dialog,
  EmptyState,
  fold,
  IconButton,
  Menu,
  type MenuItem,
  problemMessage,
  TextInput,
  t,
  toast,
} from "../../shared/ui";
import {
  canEditAutomations,
  type ListedAutomation,
  listManualAutomations,
  type RunWithSteps,
  startRunFor,
} from "../automations/api";
import type { Me } from "../me";
import { SummaryDialog } from "./copilot";

/** Past this many, the picker offers a search box. */
const SEARCH_FROM = 6;

/** The active manual automations this person may start (admins and owners; none for others). */
function useManualAutomations(me: Me) {
  const [automations, setAutomations] = useState<ListedAutomation[]>([]);
  const allowed = canEditAutomations(me);
  useEffect(() => {
    if (!allowed) return;
    listManualAutomations().then(setAutomations, () => setAutomations([]));
  }, [allowed]);
  return automations;
}

/** Says how the run went: started, held by its frequency limit, or failed at once. */
function announce(name: string, run: RunWithSteps) {
  if (run.status === "limited") toast.info(t("conversation.automationLimited", { name }));
  else if (run.status === "failed")
    toast.error(t("conversation.automationFailed", { name, reason: run.error ?? "" }));
  else toast.success(t("conversation.automationStarted", { name }));
}

function AutomationPicker({
  open,
  automations,
  conversation,
  onClose,
}: {
  open: boolean;
  automations: ListedAutomation[];
  conversation: Conversation;
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    if (open) setQuery("");
  }, [open]);
  const shown = automations.filter((a) =>
    fold(`${a.name} ${a.description ?? ""}`).includes(fold(query.trim())),
  );
  const start = async (automation: ListedAutomation) => {
    setBusy(automation.id);
    try {
      announce(automation.name, await startRunFor(automation.id, conversation.id));
      onClose();
    } catch (error) {
      toast.error(problemMessage(error));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} title={t("conversation.runAutomationTitle")}>
      <p class="automation-picks-hint">{t("conversation.runAutomationHint")}</p>
      {automations.length > SEARCH_FROM && (
        <TextInput
          type="search"
          aria-label={t("conversation.findAutomation")}
          placeholder={t("conversation.findAutomation")}
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      )}
      {shown.length === 0 ? (
        <EmptyState title={t("conversation.noAutomationMatches", { query: query.trim() })} />
      ) : (
        <ul class="automation-picks" aria-label={t("conversation.manualAutomations")}>
          {shown.map((a) => (
            <li key={a.id}>
              <button
                type="button"
                class="automation-pick"
                disabled={busy !== null}
                aria-busy={busy === a.id}
                onClick={() => start(a)}
              >
                <Zap size={16} class="icon" aria-hidden="true" />
                <span class="pick-text">
                  <span class="pick-name" dir="auto">
                    {a.name}
                  </span>
                  {a.description && (
                    <span class="pick-description" dir="auto">
                      {a.description}
                    </span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

/** How wide the menu opens; it opens toward whichever side of the pane has that room. */
const MENU_WIDTH = 240;

/** "end" when the menu has room toward the pane's start from the button, else "start". */
function alignWithinPane(button: HTMLElement): "start" | "end" {
  const pane = button.closest(".conversation-pane")?.getBoundingClientRect();
  if (!pane) return "end";
  const at = button.getBoundingClientRect();
  const rtl = getComputedStyle(button).direction === "rtl";
  const roomTowardStart = rtl ? pane.right - at.left : at.right - pane.left;
  return roomTowardStart >= MENU_WIDTH ? "end" : "start";
}

/** The conversation's further actions: a summary by AI, running an automation by hand. */

/** The conversation as a page that prints well, its times on this browser's clock. */
function downloadTranscript(id: string) {
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const query = new URLSearchParams({ format: "html", timezone });
  window.location.assign(`/api/v1/conversations/${id}/transcript?${query}`);
}

export function MoreActions({
  conversation,
  me,
  ai,
}: {
  conversation: Conversation;
  me: Me;
  ai: boolean;
}) {
  const automations = useManualAutomations(me);
  const [picking, setPicking] = useState(false);
  const [summarizing, setSummarizing] = useState(false);
  const [align, setAlign] = useState<"start" | "end">("end");
  const items: MenuItem[] = [
    {
      label: t("conversation.downloadTranscript"),
      icon: <FileDown size={16} class="icon" />,
      onSelect: () => downloadTranscript(conversation.id),
    },
    ...(ai
      ? [
          {
            label: t("copilot.summarize"),
            icon: <NotebookText size={16} class="icon" />,
            onSelect: () => setSummarizing(true),
          },
        ]
      : []),
    ...(automations.length
      ? [
          {
            label: t("conversation.runAutomation"),
            icon: <Zap size={16} class="icon" />,
            onSelect: () => setPicking(true),
          },
        ]
      : []),
  ];
  return (
    <>
      <Menu
        align={align}
        items={items}
        trigger={(triggerProps) => (
          <IconButton
            size="sm"
            class="more-actions"
            label={t("conversation.moreActions")}
            icon={<Ellipsis size={16} />}
            {...triggerProps}
            onPointerDown={(e: PointerEvent) =>
              setAlign(alignWithinPane(e.currentTarget as HTMLElement))
            }
            onFocus={(e: FocusEvent) => setAlign(alignWithinPane(e.currentTarget as HTMLElement))}
          />
        )}
      />
      <AutomationPicker
        open={picking}
        automations={automations}
        conversation={conversation}
        onClose={() => setPicking(false)}
      />
      <SummaryDialog
        conversationId={conversation.id}
        open={summarizing}
        onClose={() => setSummarizing(false)}
      />
    </>
  );
}
