import { useEffect, useState } from "preact/hooks";
import type { Conversation } from "../../shared/api";
import {
  Button,
  Dialog,
  Field,
  FormDialog,
  FormFooter,
  formatDate,
  Select,
  TextArea,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { CloseFields, closingBody, startClosing } from "./close-form";
import { act, type ClosingRules, type Directory } from "./directory";

type DialogProps = {
  open: boolean;
  conversation: Conversation;
  onClose: () => void;
  onDone: (conversation: Conversation) => void;
};

/** Moves the conversation to a team and/or an agent, with a note for whoever picks it up. */
export function TransferDialog({
  open,
  conversation,
  directory,
  onClose,
  onDone,
}: DialogProps & { directory: Directory }) {
  const [team, setTeam] = useState("");
  const [agent, setAgent] = useState("");
  const [note, setNote] = useState("");
  useEffect(() => {
    if (!open) return;
    setTeam(conversation.team_id ?? "");
    setAgent("");
    setNote("");
  }, [open]);
  const { busy, errors, submit } = useSubmit(
    async () => {
      const body: Record<string, unknown> = { team_id: team || null };
      if (agent) body.user_id = agent;
      if (note.trim()) body.note = note.trim();
      onDone(await act(conversation.id, "transfer", body));
      onClose();
    },
    { success: t("conversation.transferred") },
  );
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("conversation.transferTitle")}
      footer={
        <FormFooter
          form="transfer-form"
          busy={busy}
          onCancel={onClose}
          submit={t("conversation.transfer")}
        />
      }
    >
      <form id="transfer-form" class="form" onSubmit={submit}>
        <Field label={t("conversation.team")} error={errors.team_id}>
          <Select
            value={team}
            onChange={(e) => setTeam(e.currentTarget.value)}
            placeholder={t("conversation.noTeam")}
            options={directory.teams.map((x) => ({ value: x.id, label: x.name }))}
          />
        </Field>
        <Field
          label={t("conversation.agent")}
          hint={t("conversation.agentHint")}
          error={errors.user_id}
        >
          <Select
            value={agent}
            onChange={(e) => setAgent(e.currentTarget.value)}
            placeholder={t("conversation.anyAgent")}
            options={directory.users
              .filter((u) => u.active)
              .map((u) => ({ value: u.id, label: u.name }))}
          />
        </Field>
        <Field label={t("conversation.transferNote")} error={errors.note}>
          <TextArea
            rows={3}
            value={note}
            placeholder={t("conversation.transferNotePlaceholder")}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </Field>
      </form>
    </Dialog>
  );
}

const pad = (n: number) => String(n).padStart(2, "0");
/** A date as a datetime-local input shows it: the agent's own clock. */
export const toLocalInput = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

export function at(daysAhead: number, hour: number) {
  const d = new Date();
  d.setDate(d.getDate() + daysAhead);
  d.setHours(hour, 0, 0, 0);
  return d;
}

/** Monday of next week at 9:00 (a week later when tomorrow is already Monday). */
function nextMonday() {
  const days = (8 - new Date().getDay()) % 7;
  return at(days <= 1 ? days + 7 : days, 9);
}

function presets(): [string, Date][] {
  return [
    [t("conversation.snoozeHour"), new Date(Date.now() + 3_600_000)],
    [t("conversation.snoozeHours", { n: 3 }), new Date(Date.now() + 3 * 3_600_000)],
    [t("conversation.snoozeTomorrow"), at(1, 9)],
    [t("conversation.snoozeNextWeek"), nextMonday()],
  ];
}

/** Snoozes until a time the agent picks: a preset or any date and time, shown back in words. */
export function SnoozeDialog({ open, conversation, onClose, onDone }: DialogProps) {
  const [until, setUntil] = useState("");
  useEffect(() => {
    if (open) setUntil(toLocalInput(at(1, 9)));
  }, [open]);
  const when = until ? new Date(until) : null;
  const valid = when !== null && !Number.isNaN(when.getTime());
  const { busy, errors, submit } = useSubmit(async () => {
    if (!valid) throw new Error(t("conversation.pickTime"));
    onDone(
      await act(conversation.id, "status", {
        status: "snoozed",
        snooze_until: when.toISOString(),
      }),
    );
    onClose();
    toast.success(
      t("conversation.snoozedUntil", {
        until: formatDate(when, { dateStyle: "full", timeStyle: "short" }),
      }),
    );
  });
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("conversation.snoozeTitle")}
      footer={
        <FormFooter
          form="snooze-form"
          busy={busy}
          onCancel={onClose}
          submit={t("conversation.snooze")}
        />
      }
    >
      <form id="snooze-form" class="form" onSubmit={submit}>
        <div class="snooze-presets">
          {presets().map(([label, date]) => (
            <Button
              key={label}
              size="sm"
              aria-pressed={until === toLocalInput(date)}
              onClick={() => setUntil(toLocalInput(date))}
            >
              {label}
            </Button>
          ))}
        </div>
        <Field label={t("conversation.snoozeUntilLabel")} error={errors.snooze_until}>
          <TextInput
            type="datetime-local"
            value={until}
            min={toLocalInput(new Date())}
            onInput={(e) => setUntil(e.currentTarget.value)}
          />
        </Field>
        <p class="snooze-preview" aria-live="polite">
          {valid
            ? t("conversation.untilWhen", {
                until: formatDate(when, { dateStyle: "full", timeStyle: "short" }),
              })
            : t("conversation.pickTime")}
        </p>
      </form>
    </Dialog>
  );
}

/** Closes with one of the workspace's reasons, and a note when the workspace asks for one. */
export function CloseDialog({
  open,
  conversation,
  rules,
  onClose,
  onDone,
}: DialogProps & { rules: ClosingRules }) {
  const [closing, setClosing] = useState(startClosing(rules));
  useEffect(() => {
    if (open) setClosing(startClosing(rules));
  }, [open]);
  const form = useSubmit(
    async () => {
      onDone(await act(conversation.id, "status", { status: "closed", ...closingBody(closing) }));
      onClose();
    },
    { success: t("conversation.closedToast"), inline: true },
  );
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t("conversation.closeTitle")}
      submit={t("conversation.closeConfirm")}
      form={form}
    >
      <CloseFields rules={rules} value={closing} onChange={setClosing} errors={form.errors} />
    </FormDialog>
  );
}
