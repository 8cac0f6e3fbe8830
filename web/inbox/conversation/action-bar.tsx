import {
  AlarmClock,
  ArrowRightLeft,
  CircleCheck,
  RotateCcw,
  UserMinus,
  UserRound,
} from "lucide-preact";
import { useState } from "preact/hooks";
import type { Conversation } from "../../shared/api";
import { Avatar, Button, Menu, type MenuItem, problemMessage, t, toast } from "../../shared/ui";
import type { Me } from "../me";
import { CloseDialog, SnoozeDialog, TransferDialog } from "./action-dialogs";
import { act, type Directory } from "./directory";
import { LabelPicker } from "./labels";
import { MoreActions } from "./run-automation";

type ActionBarProps = {
  conversation: Conversation;
  directory: Directory;
  me: Me;
  /** the workspace's AI is on: the more menu offers a summary */
  ai: boolean;
  onChange: (conversation: Conversation) => void;
};

/** Assign, transfer, labels, snooze, close or reopen: the same bar on every conversation. */
export function ActionBar({ conversation, directory, me, ai, onChange }: ActionBarProps) {
  const [dialog, setDialog] = useState<"transfer" | "snooze" | "close" | null>(null);
  const id = conversation.id;
  const run = async (path: string, body: unknown, done?: string) => {
    try {
      onChange(await act(id, path, body));
      if (done) toast.success(done);
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  const closed = conversation.status === "closed";
  const needsClosingForm =
    directory.rules.close_reasons.length > 0 || directory.rules.require_close_note;
  const assignee = directory.users.find((u) => u.id === conversation.assignee_id);
  const myId = me.user?.id;
  const agents = directory.users.filter((u) => u.active);
  const assignItems: MenuItem[] = [
    ...agents.map((u) => ({
      label: (
        <span class="agent-option">
          {u.name}
          {u.id === myId && <span class="muted"> ({t("conversation.you")})</span>}
          {u.id === conversation.assignee_id && (
            <span class="sr-only">{t("conversation.current")}</span>
          )}
        </span>
      ),
      icon: <Avatar name={u.name} size={22} presence={u.presence} />,
      onSelect: () =>
        run("assign", { user_id: u.id }, t("conversation.assignedTo", { name: u.name })),
    })),
    ...(conversation.assignee_id
      ? [
          "separator" as const,
          {
            label: t("conversation.unassign"),
            icon: <UserMinus size={16} class="icon" />,
            onSelect: () => run("assign", { user_id: null }),
          },
        ]
      : []),
  ];

  return (
    <div class="action-bar" role="toolbar" aria-label={t("conversation.actions")}>
      <Menu
        items={assignItems}
        trigger={(triggerProps) => (
          <Button
            size="sm"
            variant="ghost"
            class="assign"
            icon={assignee ? <Avatar name={assignee.name} size={20} /> : <UserRound size={16} />}
            {...triggerProps}
          >
            <span class="action-label">{assignee ? assignee.name : t("conversation.assign")}</span>
          </Button>
        )}
      />
      <Button
        size="sm"
        variant="ghost"
        icon={<ArrowRightLeft size={16} />}
        onClick={() => setDialog("transfer")}
      >
        <span class="action-label">{t("conversation.transfer")}</span>
      </Button>
      <LabelPicker conversation={conversation} labels={directory.labels} onChange={onChange} />
      {closed ? (
        <Button
          size="sm"
          variant="secondary"
          icon={<RotateCcw size={16} />}
          onClick={() => run("status", { status: "open" }, t("conversation.reopened"))}
        >
          {t("conversation.reopen")}
        </Button>
      ) : (
        <>
          <Button
            size="sm"
            variant="ghost"
            icon={<AlarmClock size={16} />}
            onClick={() => setDialog("snooze")}
          >
            <span class="action-label">{t("conversation.snooze")}</span>
          </Button>
          <Button
            size="sm"
            variant="primary"
            class="close-conversation"
            icon={<CircleCheck size={16} />}
            onClick={() =>
              needsClosingForm
                ? setDialog("close")
                : run("status", { status: "closed" }, t("conversation.closedToast"))
            }
          >
            {t("conversation.close")}
          </Button>
        </>
      )}
      <MoreActions conversation={conversation} me={me} ai={ai} />
      <TransferDialog
        open={dialog === "transfer"}
        conversation={conversation}
        directory={directory}
        onClose={() => setDialog(null)}
        onDone={onChange}
      />
      <SnoozeDialog
        open={dialog === "snooze"}
        conversation={conversation}
        onClose={() => setDialog(null)}
        onDone={onChange}
      />
      <CloseDialog
        open={dialog === "close"}
        conversation={conversation}
        rules={directory.rules}
        onClose={() => setDialog(null)}
        onDone={onChange}
      />
    </div>
  );
}
