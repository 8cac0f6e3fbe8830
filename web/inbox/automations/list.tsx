import {
  Copy,
  History,
  MoreHorizontal,
  Pause,
  Pencil,
  Play,
  Plus,
  Trash2,
  Workflow,
} from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import {
  Badge,
  Button,
  Checkbox,
  confirmAction,
  Dialog,
  EmptyState,
  Field,
  FormDialog,
  formatNumber,
  formatRelative,
  Menu,
  type MenuItem,
  problemMessage,
  SkeletonRows,
  TextInput,
  type Tone,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { useSession } from "../session";
import {
  type Automation,
  type AutomationStatus,
  activateAutomation,
  canEditAutomations,
  deleteAutomation,
  duplicateAutomation,
  type ListedAutomation,
  listAutomations,
  pauseAutomation,
  saveAutomation,
} from "./api";
import { triggerSummary } from "./describe";
import { TemplateLibrary, TemplatesButton } from "./library";

const STATUS_TONE: Record<AutomationStatus, Tone> = {
  draft: "neutral",
  active: "success",
  paused: "warning",
};

export const StatusBadge = ({ status }: { status: AutomationStatus }) => (
  <Badge tone={STATUS_TONE[status]} dot>
    {t(`automations.status.${status}`)}
  </Badge>
);

/**
 * Pausing asks what happens to contacts already going through it: they finish, or stop now.
 * Returns the function that asks and the dialog to render.
 */
export function usePause(onPaused: (automation: Automation) => void) {
  const [pausing, setPausing] = useState<Automation | null>(null);
  const [stop, setStop] = useState(false);
  const { busy, run } = useSubmit(
    async () => {
      if (!pausing) return;
      onPaused(await pauseAutomation(pausing.id, stop ? "stop" : "finish"));
      setPausing(null);
    },
    { success: t("automations.paused") },
  );
  const dialog = (
    <Dialog
      open={pausing !== null}
      onClose={() => setPausing(null)}
      title={t("automations.pauseTitle", { name: pausing?.name ?? "" })}
      footer={
        <>
          <Button onClick={() => setPausing(null)}>{t("common.cancel")}</Button>
          <Button variant="primary" loading={busy} onClick={() => run()}>
            {t("automations.pause")}
          </Button>
        </>
      }
    >
      <p class="dialog-text">{t("automations.pauseBody")}</p>
      <Checkbox
        checked={stop}
        onChange={setStop}
        label={t("automations.pauseStop")}
        hint={t("automations.pauseStopHint")}
      />
    </Dialog>
  );
  return {
    pause: (automation: Automation) => {
      setStop(false);
      setPausing(automation);
    },
    dialog,
  };
}

function RenameDialog({
  automation,
  onClose,
  onRenamed,
}: {
  automation: Automation | null;
  onClose: () => void;
  onRenamed: (automation: Automation) => void;
}) {
  const [name, setName] = useState("");
  useEffect(() => setName(automation?.name ?? ""), [automation]);
  const form = useSubmit(
    async () => {
      if (automation) onRenamed(await saveAutomation(automation.id, { name }));
    },
    { success: t("automations.renamed"), inline: true },
  );
  return (
    <FormDialog
      open={automation !== null}
      onClose={onClose}
      title={t("automations.rename")}
      form={form}
    >
      <Field label={t("automations.name")} error={form.errors.name}>
        <TextInput name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
    </FormDialog>
  );
}

/** The automation's runs of the last 7 days. */
function StatsLine({ stats }: { stats: ListedAutomation["recent_stats"] }) {
  return (
    <dl class="stats-line" title={t("automations.stats.last7")}>
      <div>
        <dt>{t("automations.stats.runs")}</dt>
        <dd>{formatNumber(stats.triggered)}</dd>
      </div>
      <div>
        <dt>{t("automations.stats.completed")}</dt>
        <dd>{formatNumber(stats.completed)}</dd>
      </div>
      <div class={stats.failed ? "failed" : ""}>
        <dt>{t("automations.stats.failed")}</dt>
        <dd>{formatNumber(stats.failed)}</dd>
      </div>
    </dl>
  );
}

/** /automations: every automation with its trigger in words, its state and how it has run. */
export default function AutomationList() {
  const { me } = useSession();
  const editable = canEditAutomations(me);
  const [automations, setAutomations] = useState<ListedAutomation[] | null>(null);
  const [renaming, setRenaming] = useState<Automation | null>(null);
  const [libraryOpen, setLibraryOpen] = useState(false);
  useEffect(() => {
    listAutomations()
      .then(setAutomations)
      .catch((error) => {
        toast.error(problemMessage(error));
        setAutomations([]);
      });
  }, []);

  const put = (automation: Automation) =>
    setAutomations(
      (list) =>
        list?.map((a) =>
          a.id === automation.id ? { ...automation, recent_stats: a.recent_stats } : a,
        ) ?? null,
    );
  const { pause, dialog } = usePause(put);
  const act = (action: () => Promise<void>) => () =>
    action().catch((e) => toast.error(problemMessage(e)));

  const activate = (a: Automation) =>
    act(async () => {
      put(await activateAutomation(a.id));
      toast.success(t("automations.activated"));
    });
  const duplicate = (a: Automation) =>
    act(async () => {
      const copy = await duplicateAutomation(a.id);
      const none = { triggered: 0, completed: 0, failed: 0 };
      setAutomations((list) => [{ ...copy, recent_stats: none }, ...(list ?? [])]);
      toast.success(t("automations.duplicated", { name: copy.name }));
    });
  const remove = (a: Automation) =>
    act(async () => {
      const ok = await confirmAction({
        title: t("common.deleteConfirm", { name: a.name }),
        body: t("automations.deleteBody"),
        confirm: t("common.delete"),
        danger: true,
      });
      if (!ok) return;
      await deleteAutomation(a.id);
      setAutomations((list) => list?.filter((x) => x.id !== a.id) ?? null);
      toast.success(t("automations.deleted"));
    });

  const menuFor = (a: Automation): MenuItem[] => [
    a.status === "active"
      ? { label: t("automations.pause"), icon: <Pause size={16} />, onSelect: () => pause(a) }
      : { label: t("automations.activate"), icon: <Play size={16} />, onSelect: activate(a) },
    { label: t("automations.rename"), icon: <Pencil size={16} />, onSelect: () => setRenaming(a) },
    { label: t("automations.duplicate"), icon: <Copy size={16} />, onSelect: duplicate(a) },
    "separator",
    { label: t("common.delete"), icon: <Trash2 size={16} />, onSelect: remove(a), danger: true },
  ];

  const createButton = editable && (
    <div class="head-actions">
      <TemplatesButton onOpen={() => setLibraryOpen(true)} />
      <a class="btn primary" href="/automations/new">
        <Plus size={16} />
        {t("automations.new")}
      </a>
    </div>
  );
  return (
    <main class="page automations-page" id="main">
      {libraryOpen && <TemplateLibrary onClose={() => setLibraryOpen(false)} />}
      <header class="page-head">
        <div>
          <h1>{t("automations.title")}</h1>
          <p>{t("automations.description")}</p>
        </div>
        {automations?.length ? createButton : null}
      </header>
      {automations === null ? (
        <SkeletonRows />
      ) : automations.length === 0 ? (
        <EmptyState
          icon={<Workflow size={22} />}
          title={t("automations.empty")}
          action={createButton}
        >
          {t("automations.emptyHint")}
        </EmptyState>
      ) : (
        <ul class="automation-list" aria-label={t("automations.title")}>
          {automations.map((a) => (
            <li key={a.id} class="automation-row" data-automation={a.id}>
              <div class="automation-main">
                <a href={`/automations/${a.id}`} class="automation-name">
                  {a.name}
                </a>
                <span class="muted small">{triggerSummary(a.trigger)}</span>
              </div>
              <StatusBadge status={a.status} />
              <StatsLine stats={a.recent_stats} />
              <span class="muted small automation-edited">
                {t("automations.edited", { when: formatRelative(a.updated_at) })}
              </span>
              <div class="row-actions">
                <a
                  class="btn ghost icon-only"
                  href={`/automations/${a.id}/runs`}
                  aria-label={t("automations.runLogOf", { name: a.name })}
                  title={t("automations.runLog")}
                >
                  <History size={16} />
                </a>
                {editable && (
                  <Menu
                    align="end"
                    items={menuFor(a)}
                    trigger={(props) => (
                      <Button
                        variant="ghost"
                        class="icon-only"
                        aria-label={t("automations.actionsOf", { name: a.name })}
                        icon={<MoreHorizontal size={16} />}
                        {...props}
                      />
                    )}
                  />
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {dialog}
      <RenameDialog
        automation={renaming}
        onClose={() => setRenaming(null)}
        onRenamed={(a) => {
          put(a);
          setRenaming(null);
        }}
      />
    </main>
  );
}
