import { CircleCheck, Tag, UserPlus, X } from "lucide-preact";
import { useState } from "preact/hooks";
import { type Conversation, request } from "../../shared/api";
import {
  Button,
  confirmAction,
  Dialog,
  Field,
  FormFooter,
  IconButton,
  Menu,
  problemMessage,
  Select,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import type { Label, Member } from "./row";

type BulkResult = { results: { id: string; ok: boolean; conversation?: Conversation }[] };
type BulkBody =
  | { action: "assign"; user_id: string | null }
  | { action: "label"; labels: string[] }
  | { action: "close"; reason?: string; note?: string };

type ClosingRules = { close_reasons: string[]; require_close_note: boolean };

/** The reason (and note) the workspace asks for on closing, asked once for all the selected. */
function ClosingQuestions({
  rules,
  answer,
}: {
  rules: ClosingRules;
  answer: { reason?: string; note?: string };
}) {
  return (
    <div class="form">
      <p>{t("inbox.bulk.closeBody")}</p>
      {rules.close_reasons.length > 0 && (
        <Field label={t("conversation.closeReason")}>
          <Select
            options={rules.close_reasons.map((r) => ({ value: r, label: r }))}
            value={answer.reason}
            onChange={(e) => {
              answer.reason = e.currentTarget.value;
            }}
          />
        </Field>
      )}
      {rules.require_close_note && (
        <Field label={t("conversation.closeNoteRequired")}>
          <TextInput
            onInput={(e) => {
              answer.note = e.currentTarget.value;
            }}
          />
        </Field>
      )}
    </div>
  );
}

/** Sends one bulk action for the selected conversations; reports how many went through. */
async function runBulk(ids: string[], body: BulkBody, onDone: (updated: Conversation[]) => void) {
  const { results } = await request<BulkResult>("/api/v1/conversations/bulk", {
    method: "POST",
    json: { ...body, conversation_ids: ids },
  });
  const done = results.flatMap((r) => (r.conversation ? [r.conversation] : []));
  onDone(done);
  const failed = results.length - done.length;
  if (failed > 0) toast.error(t("inbox.bulk.someFailed", { count: failed }));
  else toast.success(t("inbox.bulk.done", { count: done.length }));
}

function LabelDialog({
  open,
  onClose,
  labels,
  apply,
}: {
  open: boolean;
  onClose: () => void;
  labels: Label[];
  apply: (label: string) => Promise<void>;
}) {
  const [name, setName] = useState("");
  const { busy, errors, submit } = useSubmit(async () => {
    await apply(name);
    onClose();
  });
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("inbox.bulk.labelTitle")}
      footer={
        <FormFooter
          form="bulk-label-form"
          busy={busy}
          onCancel={onClose}
          submit={t("inbox.bulk.applyLabel")}
        />
      }
    >
      <form id="bulk-label-form" class="form" onSubmit={submit}>
        <Field label={t("inbox.bulk.labelName")} error={errors["labels.0"] ?? errors.labels}>
          <TextInput
            name="label"
            list="bulk-label-options"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <datalist id="bulk-label-options">
          {labels.map((l) => (
            <option key={l.name} value={l.name} />
          ))}
        </datalist>
      </form>
    </Dialog>
  );
}

/** What to do with the selected conversations: assign, label or close them. */
export function BulkBar({
  ids,
  members,
  labels,
  meId,
  onDone,
  onClear,
}: {
  ids: string[];
  members: Member[];
  labels: Label[];
  meId: string | null;
  onDone: (updated: Conversation[]) => void;
  onClear: () => void;
}) {
  const [labelling, setLabelling] = useState(false);
  const attempt = (body: BulkBody) =>
    runBulk(ids, body, onDone).catch((error) => toast.error(problemMessage(error)));
  const close = async () => {
    const rules = await request<ClosingRules>("/api/v1/workspace/settings").catch(() => ({
      close_reasons: [],
      require_close_note: false,
    }));
    const answer: { reason?: string; note?: string } = { reason: rules.close_reasons[0] };
    const ok = await confirmAction({
      title: t("inbox.bulk.closeTitle", { count: ids.length }),
      body: <ClosingQuestions rules={rules} answer={answer} />,
      confirm: t("inbox.bulk.close"),
    });
    if (ok) await attempt({ action: "close", ...answer });
  };
  const people = [...members].sort((a, b) =>
    a.id === meId ? -1 : b.id === meId ? 1 : a.name.localeCompare(b.name),
  );
  return (
    <div class="bulk-bar" role="toolbar" aria-label={t("inbox.bulk.toolbar")}>
      <span class="bulk-count">{t("inbox.bulk.selected", { count: ids.length })}</span>
      <Menu
        trigger={(props) => (
          <Button size="sm" icon={<UserPlus size={16} />} {...props}>
            {t("inbox.bulk.assign")}
          </Button>
        )}
        items={[
          ...people.map((m) => ({
            label: m.id === meId ? t("inbox.bulk.assignMe", { name: m.name }) : m.name,
            onSelect: () => attempt({ action: "assign", user_id: m.id }),
          })),
          "separator" as const,
          {
            label: t("inbox.bulk.unassign"),
            onSelect: () => attempt({ action: "assign", user_id: null }),
          },
        ]}
      />
      <Button size="sm" icon={<Tag size={16} />} onClick={() => setLabelling(true)}>
        {t("inbox.bulk.label")}
      </Button>
      <Button size="sm" icon={<CircleCheck size={16} />} onClick={close}>
        {t("inbox.bulk.close")}
      </Button>
      <IconButton
        size="sm"
        label={t("inbox.bulk.clear")}
        icon={<X size={16} />}
        onClick={onClear}
      />
      {labelling && (
        <LabelDialog
          open
          onClose={() => setLabelling(false)}
          labels={labels}
          apply={(label) => runBulk(ids, { action: "label", labels: [label] }, onDone)}
        />
      )}
    </div>
  );
}
