import { CircleCheck, Tag, UserPlus, X } from "lucide-preact";
import { useState } from "preact/hooks";
import { type Conversation, request } from "../../shared/api";
import {
  Button,
  Field,
  FormDialog,
  IconButton,
  Menu,
  problemMessage,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { CloseFields, type Closing, closingBody, startClosing } from "../conversation/close-form";
import type { ClosingRules } from "../conversation/directory";
import type { Label, Member } from "./row";

type BulkResult = { results: { id: string; ok: boolean; conversation?: Conversation }[] };
type BulkBody =
  | { action: "assign"; user_id: string | null }
  | { action: "label"; labels: string[] }
  | { action: "close"; reason?: string; note?: string };

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
  onClose,
  labels,
  apply,
}: {
  onClose: () => void;
  labels: Label[];
  apply: (label: string) => Promise<void>;
}) {
  const [name, setName] = useState("");
  const form = useSubmit(
    async () => {
      await apply(name);
      onClose();
    },
    { inline: true },
  );
  return (
    <FormDialog
      onClose={onClose}
      title={t("inbox.bulk.labelTitle")}
      submit={t("inbox.bulk.applyLabel")}
      form={form}
    >
      <Field
        label={t("inbox.bulk.labelName")}
        error={form.errors["labels.0"] ?? form.errors.labels}
      >
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
    </FormDialog>
  );
}

/** The reason and note the workspace asks for on closing, asked once for all the selected. */
function BulkCloseDialog({
  count,
  rules,
  onClose,
  apply,
}: {
  count: number;
  rules: ClosingRules;
  onClose: () => void;
  apply: (closing: Closing) => Promise<void>;
}) {
  const [closing, setClosing] = useState(startClosing(rules));
  const form = useSubmit(
    async () => {
      await apply(closing);
      onClose();
    },
    { inline: true },
  );
  return (
    <FormDialog
      onClose={onClose}
      title={t("inbox.bulk.closeTitle", { count })}
      description={t("inbox.bulk.closeBody")}
      submit={t("inbox.bulk.close")}
      form={form}
    >
      <CloseFields rules={rules} value={closing} onChange={setClosing} errors={form.errors} />
    </FormDialog>
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
  const [closingRules, setClosingRules] = useState<ClosingRules | null>(null);
  const askClosing = async () =>
    setClosingRules(
      await request<ClosingRules>("/api/v1/workspace/settings").catch(() => ({
        close_reasons: [],
        require_close_note: false,
      })),
    );
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
      <Button size="sm" icon={<CircleCheck size={16} />} onClick={askClosing}>
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
          onClose={() => setLabelling(false)}
          labels={labels}
          apply={(label) => runBulk(ids, { action: "label", labels: [label] }, onDone)}
        />
      )}
      {closingRules && (
        <BulkCloseDialog
          count={ids.length}
          rules={closingRules}
          onClose={() => setClosingRules(null)}
          apply={(closing) => runBulk(ids, { action: "close", ...closingBody(closing) }, onDone)}
        />
      )}
    </div>
  );
}
