import { ChevronDown, ChevronLeft, History, RotateCcw } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import {
  Badge,
  Button,
  EmptyState,
  Field,
  formatDate,
  formatNumber,
  problemMessage,
  Select,
  SkeletonRows,
  TextInput,
  type Tone,
  t,
  toast,
} from "../../shared/ui";
import { ContactPicker } from "../contacts/contact-picker";
import { useSession } from "../session";
import {
  type Automation,
  automationStats,
  canEditAutomations,
  getAutomation,
  getRun,
  listRuns,
  RUN_STATUSES,
  type Run,
  type RunFilter,
  type RunStatus,
  type RunStep,
  type RunWithSteps,
  retryRun,
  type Stats,
} from "./api";
import { stepTitle } from "./describe";
import { StatusBadge } from "./list";

const RUN_TONE: Record<RunStatus, Tone> = {
  running: "primary",
  waiting: "primary",
  completed: "success",
  failed: "danger",
  stopped: "neutral",
  limited: "warning",
};
const STEP_TONE: Record<RunStep["status"], Tone> = {
  running: "primary",
  waiting: "primary",
  completed: "success",
  failed: "danger",
  skipped: "neutral",
};

/** "1.2 s", "340 ms", or nothing while it runs. */
function duration(from: string, to: string | null) {
  if (!to) return "";
  const ms = new Date(to).getTime() - new Date(from).getTime();
  return ms >= 1000
    ? t("automations.runs.seconds", {
        value: formatNumber(ms / 1000, { maximumFractionDigits: 1 }),
      })
    : t("automations.runs.ms", { value: formatNumber(ms) });
}

function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <details class="run-json">
      <summary>{label}</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** What an AI step decided, in one line: the category, the answer, or the values it saved. */
function aiResult(output: Record<string, unknown> | null | undefined) {
  if (!output) return null;
  if (typeof output.category === "string")
    return `${output.category} · ${formatNumber(Number(output.confidence ?? 0), { style: "percent" })}`;
  if (typeof output.found === "boolean")
    return output.found ? String(output.answer) : t("automations.ai.noAnswer");
  if (output.values && typeof output.values === "object")
    return Object.entries(output.values)
      .map(([key, value]) => `${key}: ${String(value)}`)
      .join(" · ");
  return null;
}

function RunSteps({ run }: { run: RunWithSteps }) {
  if (run.steps.length === 0) return <p class="muted small">{t("automations.runs.noSteps")}</p>;
  return (
    <ol class="run-steps">
      {run.steps.map((step) => (
        <li key={`${step.step_id}-${step.iteration}`} class={`run-step ${step.status}`}>
          <div class="run-step-head">
            <strong>{stepTitle(step.type)}</strong>
            <Badge tone={STEP_TONE[step.status]}>
              {t(`automations.stepStatus.${step.status}`)}
            </Badge>
            <span class="muted small">
              {formatDate(step.started_at, { timeStyle: "medium" })}
              {step.finished_at && ` · ${duration(step.started_at, step.finished_at)}`}
            </span>
          </div>
          {step.error && <p class="run-error">{step.error}</p>}
          {step.type === "ai" && step.status === "completed" && (
            <p class="run-result">{aiResult(step.output)}</p>
          )}
          <div class="run-io">
            <Json label={t("automations.runs.input")} value={step.input} />
            <Json label={t("automations.runs.output")} value={step.output} />
          </div>
        </li>
      ))}
    </ol>
  );
}

const contactName = (run: Run) =>
  run.contact
    ? (run.contact.name ?? t("automations.runs.unnamed"))
    : t("automations.runs.noContact");

/** The run's conversation, opened in the inbox. */
function ConversationLink({ run }: { run: Run }) {
  if (!run.conversation_id) return null;
  return (
    <a
      class="run-conversation small"
      href={`/c/${run.conversation_id}`}
      title={t("automations.runs.openConversation")}
    >
      {t("automations.runs.conversation")}
    </a>
  );
}

function RunRow({
  run,
  editable,
  onChanged,
}: {
  run: Run;
  editable: boolean;
  onChanged: (run: Run) => void;
}) {
  const [open, setOpen] = useState(false);
  const [detail, setDetail] = useState<RunWithSteps | null>(null);
  const [retrying, setRetrying] = useState(false);
  const toggle = async () => {
    setOpen(!open);
    if (!open) setDetail(await getRun(run.id).catch(() => null));
  };
  const retry = async () => {
    setRetrying(true);
    try {
      const next = await retryRun(run.id);
      setDetail(next);
      onChanged(next);
      toast.success(t("automations.runs.retried"));
    } catch (error) {
      toast.error(problemMessage(error));
    } finally {
      setRetrying(false);
    }
  };
  const panel = `run-${run.id}`;
  const event =
    typeof run.trigger.type === "string" ? t(`automations.triggerType.${run.trigger.type}`) : "";
  return (
    <li class={`run-row ${open ? "open" : ""}`} data-run={run.id}>
      <button
        type="button"
        class="run-summary"
        aria-expanded={open}
        aria-controls={panel}
        onClick={toggle}
      >
        <ChevronDown size={16} class="icon run-chevron" aria-hidden="true" />
        <Badge tone={RUN_TONE[run.status]} dot>
          {t(`automations.runStatus.${run.status}`)}
        </Badge>
        <span class="run-contact">{contactName(run)}</span>
        <span class="muted small run-event">{event}</span>
        <span class="muted small run-when">
          {formatDate(run.started_at)}
          {run.finished_at && ` · ${duration(run.started_at, run.finished_at)}`}
        </span>
      </button>
      <ConversationLink run={run} />
      {open && (
        <div id={panel} class="run-detail">
          {run.error && <p class="run-error">{run.error}</p>}
          {detail ? <RunSteps run={detail} /> : <SkeletonRows rows={2} />}
          {editable && run.status === "failed" && (
            <Button size="sm" icon={<RotateCcw size={14} />} loading={retrying} onClick={retry}>
              {t("automations.runs.retry")}
            </Button>
          )}
        </div>
      )}
    </li>
  );
}

/** /automations/:id/runs: each run with its outcome; open one to see its steps. */
export default function RunLog({ id }: { id: string }) {
  const { me } = useSession();
  const [automation, setAutomation] = useState<Automation | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [filter, setFilter] = useState<RunFilter>({
    status: "",
    contactId: "",
    from: "",
    to: "",
  });
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => {
    getAutomation(id).then(setAutomation, (e) => toast.error(problemMessage(e)));
    automationStats(id).then(setStats, () => {});
  }, [id]);
  useEffect(() => {
    setRuns(null);
    listRuns(id, filter, null)
      .then((page) => {
        setRuns(page.data);
        setCursor(page.next_cursor);
      })
      .catch((e) => {
        toast.error(problemMessage(e));
        setRuns([]);
      });
  }, [id, filter]);
  const more = async () => {
    const page = await listRuns(id, filter, cursor);
    setRuns((all) => [...(all ?? []), ...page.data]);
    setCursor(page.next_cursor);
  };
  const changed = (run: Run) =>
    setRuns((all) => all?.map((r) => (r.id === run.id ? run : r)) ?? null);
  return (
    <main class="page runs-page" id="main">
      <a class="back-link" href={`/automations/${id}`}>
        <ChevronLeft size={16} class="icon flip-rtl" />
        {automation?.name ?? t("automations.title")}
      </a>
      <header class="page-head">
        <div>
          <h1>
            {t("automations.runLog")}
            {automation && <StatusBadge status={automation.status} />}
          </h1>
          <p>{t("automations.runs.description")}</p>
        </div>
      </header>
      {stats && (
        <dl class="stat-cards">
          {(
            ["triggered", "completed", "failed", "stopped", "limited", "messages_sent"] as const
          ).map((key) => (
            <div
              key={key}
              class={`stat-card ${key === "failed" && stats.failed > 0 ? "failed" : ""}`}
            >
              <dt>{t(`automations.stats.${key}`)}</dt>
              <dd>{formatNumber(stats[key])}</dd>
            </div>
          ))}
        </dl>
      )}
      <div class="toolbar run-filters">
        <Field label={t("automations.runs.status")}>
          <Select
            value={filter.status}
            options={[
              { value: "", label: t("automations.runs.anyStatus") },
              ...RUN_STATUSES.map((s) => ({ value: s, label: t(`automations.runStatus.${s}`) })),
            ]}
            onChange={(e) => setFilter({ ...filter, status: e.currentTarget.value as RunStatus })}
          />
        </Field>
        <Field label={t("automations.runs.contact")}>
          <ContactPicker
            value={filter.contactId}
            onChange={(contactId) => setFilter({ ...filter, contactId })}
          />
        </Field>
        <Field label={t("automations.runs.from")}>
          <TextInput
            type="date"
            name="from"
            value={filter.from}
            max={filter.to || undefined}
            onChange={(e) => setFilter({ ...filter, from: e.currentTarget.value })}
          />
        </Field>
        <Field label={t("automations.runs.to")}>
          <TextInput
            type="date"
            name="to"
            value={filter.to}
            min={filter.from || undefined}
            onChange={(e) => setFilter({ ...filter, to: e.currentTarget.value })}
          />
        </Field>
      </div>
      {runs === null ? (
        <SkeletonRows />
      ) : runs.length === 0 ? (
        <EmptyState icon={<History size={22} />} title={t("automations.runs.empty")}>
          {filter.status || filter.contactId || filter.from || filter.to
            ? t("automations.runs.emptyFiltered")
            : t("automations.runs.emptyHint")}
        </EmptyState>
      ) : (
        <>
          <ul class="run-list" aria-label={t("automations.runLog")}>
            {runs.map((run) => (
              <RunRow
                key={run.id}
                run={run}
                editable={canEditAutomations(me)}
                onChanged={changed}
              />
            ))}
          </ul>
          {cursor && (
            <div class="load-more">
              <Button onClick={more}>{t("automations.runs.more")}</Button>
            </div>
          )}
        </>
      )}
    </main>
  );
}
