import { Tag } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { type Conversation, request } from "../../shared/api";
import { Button, Checkbox, problemMessage, t, toast } from "../../shared/ui";
import { act, type Label, labelColour } from "./directory";

/** A label's chip: its colour as a dot, its name. */
export function LabelChip({ name, labels }: { name: string; labels: Label[] }) {
  const colour = labelColour(labels.find((l) => l.name.toLowerCase() === name));
  return (
    <span class="label-chip">
      <span class="label-dot" style={colour ? { background: colour } : undefined} />
      {name}
    </span>
  );
}

/** The workspace's labels as checkboxes: ticking one labels the conversation, unticking removes it. */
export function LabelPicker({
  conversation,
  labels,
  onChange,
}: {
  conversation: Conversation;
  labels: Label[];
  onChange: (conversation: Conversation) => void;
}) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    wrap.current?.querySelector<HTMLElement>(".popover input")?.focus();
    const outside = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  const names = [...new Set([...labels.map((l) => l.name.toLowerCase()), ...conversation.labels])];
  const toggle = async (name: string, on: boolean) => {
    try {
      onChange(
        on
          ? await act(conversation.id, "labels", { labels: [name] })
          : await request<Conversation>(
              `/api/v1/conversations/${conversation.id}/labels/${encodeURIComponent(name)}`,
              { method: "DELETE" },
            ),
      );
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Esc closes the popover from anywhere inside
    <div
      class="popover-wrap"
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key !== "Escape") return;
        setOpen(false);
        wrap.current?.querySelector<HTMLElement>("button")?.focus();
      }}
    >
      <Button
        size="sm"
        variant="ghost"
        icon={<Tag size={16} />}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span class="action-label">{t("conversation.labels")}</span>
        {conversation.labels.length > 0 && <span class="count">{conversation.labels.length}</span>}
      </Button>
      {open && (
        <fieldset class="popover labels-popover">
          <legend>{t("conversation.labels")}</legend>
          {names.length === 0 && <p class="muted">{t("conversation.noLabels")}</p>}
          {names.map((name) => (
            <Checkbox
              key={name}
              checked={conversation.labels.includes(name)}
              onChange={(on) => toggle(name, on)}
              label={<LabelChip name={name} labels={labels} />}
            />
          ))}
        </fieldset>
      )}
    </div>
  );
}
