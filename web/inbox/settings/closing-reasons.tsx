import { ArrowDown, ArrowUp, CircleCheckBig, Plus, Trash2 } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Button,
  confirmAction,
  EmptyState,
  Field,
  IconButton,
  ListState,
  PageHeader,
  problemMessage,
  Switch,
  TextInput,
  t,
  toast,
  useResource,
  useSubmit,
} from "../../shared/ui";
import "./config.css";

type ClosingSettings = { close_reasons: string[]; require_close_note: boolean };

const saveSettings = (patch: Partial<ClosingSettings>) =>
  request<ClosingSettings>("/api/v1/workspace/settings", { method: "PATCH", json: patch });

/** The reasons an agent picks when closing a conversation, in the order they are offered. */
function ReasonsEditor({
  saved,
  onSaved,
}: {
  saved: string[];
  onSaved: (reasons: string[]) => void;
}) {
  const [reasons, setReasons] = useState(saved);
  const [next, setNext] = useState("");
  useEffect(() => setReasons(saved), [saved]);
  const changed = JSON.stringify(reasons) !== JSON.stringify(saved);
  const { busy, errors, submit } = useSubmit(
    async () =>
      onSaved((await saveSettings({ close_reasons: reasons.map((r) => r.trim()) })).close_reasons),
    { success: t("closing-reasons.saved") },
  );
  const add = () => {
    const value = next.trim();
    if (!value) return;
    setReasons([...reasons, value]);
    setNext("");
  };
  const move = (i: number, by: number) => {
    const list = [...reasons];
    const [moved] = list.splice(i, 1);
    if (moved !== undefined) list.splice(i + by, 0, moved);
    setReasons(list);
  };
  const remove = async (i: number) => {
    const reason = reasons[i] ?? "";
    const ok = await confirmAction({
      title: t("closing-reasons.removeTitle", { reason }),
      body: t("closing-reasons.removeBody"),
      confirm: t("common.remove"),
      danger: true,
    });
    if (ok) setReasons(reasons.filter((_, j) => j !== i));
  };
  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="reasons-title">
      <h2 id="reasons-title">{t("closing-reasons.reasons")}</h2>
      <p class="muted">{t("closing-reasons.reasonsHint")}</p>
      {reasons.length === 0 ? (
        <EmptyState icon={<CircleCheckBig size={22} />} title={t("closing-reasons.empty")}>
          {t("closing-reasons.emptyHint")}
        </EmptyState>
      ) : (
        <ol class="reason-list">
          {reasons.map((reason, i) => (
            <li key={i}>
              <span class="muted small" aria-hidden="true">
                {i + 1}.
              </span>
              <TextInput
                aria-label={t("closing-reasons.reasonNumber", { number: i + 1 })}
                aria-invalid={errors[`close_reasons.${i}`] ? "true" : undefined}
                value={reason}
                maxLength={100}
                onInput={(e) =>
                  setReasons(reasons.map((r, j) => (j === i ? e.currentTarget.value : r)))
                }
              />
              <IconButton
                label={t("closing-reasons.moveUp", { reason })}
                icon={<ArrowUp size={16} />}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              />
              <IconButton
                label={t("closing-reasons.moveDown", { reason })}
                icon={<ArrowDown size={16} />}
                disabled={i === reasons.length - 1}
                onClick={() => move(i, 1)}
              />
              <IconButton
                label={t("closing-reasons.remove", { reason })}
                icon={<Trash2 size={16} />}
                onClick={() => remove(i)}
              />
            </li>
          ))}
        </ol>
      )}
      {Object.entries(errors).map(([path, message]) => (
        <p key={path} class="field-error" role="alert">
          {t("closing-reasons.reasonError", {
            number: Number(path.split(".")[1] ?? 0) + 1,
            message,
          })}
        </p>
      ))}
      <div class="reason-add">
        <Field label={t("closing-reasons.add")}>
          <TextInput
            name="new-reason"
            value={next}
            maxLength={100}
            placeholder={t("closing-reasons.addPlaceholder")}
            onInput={(e) => setNext(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }}
          />
        </Field>
        <Button icon={<Plus size={16} />} onClick={add} disabled={!next.trim()}>
          {t("common.add")}
        </Button>
      </div>
      <div class="form-actions">
        {changed && (
          <Button variant="ghost" onClick={() => setReasons(saved)}>
            {t("closing-reasons.discard")}
          </Button>
        )}
        <Button variant="primary" type="submit" loading={busy} disabled={!changed}>
          {t("closing-reasons.saveReasons")}
        </Button>
      </div>
    </form>
  );
}

/** Closing reasons: what agents choose from when closing, and whether a note is required. */
export default function ClosingReasonsScreen() {
  const {
    data: settings,
    error,
    reload,
    setData: setSettings,
  } = useResource<ClosingSettings>("/api/v1/workspace/settings");
  const toggleNote = async (require_close_note: boolean) => {
    if (!settings) return;
    setSettings({ ...settings, require_close_note });
    try {
      await saveSettings({ require_close_note });
      toast.success(
        require_close_note ? t("closing-reasons.noteOn") : t("closing-reasons.noteOff"),
      );
    } catch (error) {
      setSettings({ ...settings });
      toast.error(problemMessage(error));
    }
  };
  return (
    <div class="page">
      <PageHeader
        title={t("closing-reasons.title")}
        description={t("closing-reasons.description")}
      />
      <ListState data={settings} error={error} onRetry={reload} rows={3}>
        {(loaded) => (
          <>
            <ReasonsEditor
              saved={loaded.close_reasons}
              onSaved={(close_reasons) => setSettings({ ...loaded, close_reasons })}
            />
            <section class="card" aria-labelledby="note-title">
              <h2 id="note-title">{t("closing-reasons.note")}</h2>
              <p class="muted">{t("closing-reasons.noteHint")}</p>
              <Switch
                checked={loaded.require_close_note}
                onChange={toggleNote}
                label={t("closing-reasons.requireNote")}
              />
            </section>
          </>
        )}
      </ListState>
    </div>
  );
}
