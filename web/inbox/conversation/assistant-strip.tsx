import { Bot } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { type Conversation, request } from "../../shared/api";
import { Button, problemMessage, t, toast } from "../../shared/ui";
import { act } from "./directory";

/** The assistant's name, read once per assistant. */
function useAssistantName(id: string | null | undefined) {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    setName(null);
    if (!id) return;
    request<{ name: string }>(`/api/v1/ai/assistants/${id}`).then(
      (a) => setName(a.name),
      () => setName(null),
    );
  }, [id]);
  return name;
}

/**
 * Above the composer while the AI assistant talks with the customer (take it over), or once it
 * handed over (give it back): who has the conversation is never a guess.
 */
export function AssistantStrip({
  conversation,
  onChange,
}: {
  conversation: Conversation;
  onChange: (conversation: Conversation) => void;
}) {
  const ai = conversation.ai;
  const name = useAssistantName(ai?.assistant_id) ?? t("conversation.ai.assistant");
  const [busy, setBusy] = useState(false);
  if (!ai || conversation.status === "closed" || ai.state === "resolved") return null;
  const run = async (path: string, done: string) => {
    setBusy(true);
    try {
      onChange(await act(conversation.id, path, {}));
      toast.success(done);
    } catch (error) {
      toast.error(problemMessage(error));
    } finally {
      setBusy(false);
    }
  };
  const active = ai.state === "active";
  return (
    <div class={`assistant-strip ${active ? "active" : ""}`} role="status">
      <Bot size={16} aria-hidden="true" class="icon" />
      <span>
        {active
          ? t("conversation.ai.answering", { name })
          : t("conversation.ai.handedOver", { name })}
      </span>
      <Button
        size="sm"
        variant={active ? "secondary" : "ghost"}
        loading={busy}
        onClick={() =>
          active
            ? run("assistant/take-over", t("conversation.ai.tookOver"))
            : run("assistant/hand-back", t("conversation.ai.handedBack", { name }))
        }
      >
        {active ? t("conversation.ai.takeOver") : t("conversation.ai.handBack")}
      </Button>
    </div>
  );
}
