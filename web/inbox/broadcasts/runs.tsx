import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { nextRunAt } from "../../../worker/domain/broadcasts/recurrence";
import { Badge, formatDate, formatNumber, type Tone, t } from "../../shared/ui";
import { type Broadcast, listRuns, type Run, runStats, type Stats } from "./api";
import { repeatSummary } from "./repeat";

const RUN_TONE: Record<Run["status"], Tone> = {
  running: "success",
  paused: "warning",
  completed: "neutral",
  cancelled: "danger",
};

/** The broadcast's runs, newest first, asked again whenever its counts change (`version`). */
function useRuns(id: string, version: string) {
  const [runs, setRuns] = useState<Run[]>([]);
  useEffect(() => {
    listRuns(id).then(setRuns, () => setRuns([]));
  }, [id, version]);
  return runs;
}

/** One run's counts while a run is picked; null otherwise. */
function useRunStats(id: string, run: number | null, version: string) {
  const [stats, setStats] = useState<Stats | null>(null);
  useEffect(() => {
    setStats(null);
    if (run !== null) runStats(id, run).then(setStats, () => setStats(null));
  }, [id, run, version]);
  return stats;
}

/** "Next run …" of a recurring broadcast waiting for its next period; null when none is due. */
function nextRunOf(broadcast: Broadcast, zone: string, runs: Run[]) {
  const recurrence = broadcast.schedule?.recurrence;
  if (!recurrence || broadcast.status !== "scheduled") return null;
  const since = broadcast.send_at ? Date.parse(broadcast.send_at) : Date.now();
  // the end after N runs counts every run, as the cron does
  const done = Math.max(0, ...runs.map((r) => r.run));
  return nextRunAt(recurrence, recurrence.timezone ?? zone, Date.now(), since, done);
}

const startedOf = (run: Run) =>
  formatDate(run.started_at, { dateStyle: "short", timeStyle: "short" });

function RunsTable({
  runs,
  picked,
  onPick,
}: {
  runs: Run[];
  picked: number | null;
  onPick: (run: number | null) => void;
}) {
  return (
    <div class="table-wrap runs-table">
      <table class="table" aria-label={t("broadcasts.runs.title")}>
        <thead>
          <tr>
            <th scope="col">{t("broadcasts.runs.run")}</th>
            <th scope="col" class="run-date">
              {t("broadcasts.runs.started")}
            </th>
            <th scope="col">{t("broadcasts.runs.status")}</th>
            <th scope="col" class="numeric">
              {t("broadcasts.stats.sent")}
            </th>
            <th scope="col" class="numeric">
              {t("broadcasts.stats.failed")}
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.run} data-run={r.run} class={picked === r.run ? "picked" : undefined}>
              <td>
                <button
                  type="button"
                  class="btn sm"
                  aria-pressed={picked === r.run}
                  onClick={() => onPick(picked === r.run ? null : r.run)}
                >
                  {t("broadcasts.runs.number", { n: formatNumber(r.run) })}
                </button>
                <span class="run-date-inline muted small">{startedOf(r)}</span>
              </td>
              <td class="run-date muted">{startedOf(r)}</td>
              <td>
                <Badge tone={RUN_TONE[r.status]}>{t(`broadcasts.status.${r.status}`)}</Badge>
              </td>
              <td class="numeric">{formatNumber(r.sent)}</td>
              <td class="numeric">{formatNumber(r.failed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A recurring broadcast's rule and next run, and — once it has run more than once — its runs:
 * picking one shows that run's counts as `tiles` draws them (and the page its recipients).
 */
export function RunsCard({
  broadcast,
  zone,
  version,
  tiles,
  picked,
  onPick,
}: {
  broadcast: Broadcast;
  zone: string;
  version: string;
  tiles: (stats: Stats) => ComponentChildren;
  /** the run whose counts (and recipients) are shown; null for the latest */
  picked: number | null;
  onPick: (run: number | null) => void;
}) {
  const runs = useRuns(broadcast.id, version);
  const stats = useRunStats(broadcast.id, picked, version);
  const recurrence = broadcast.schedule?.recurrence;
  if (!recurrence && runs.length < 2) return null;
  const next = nextRunOf(broadcast, zone, runs);
  return (
    <section class="card stack runs-card" aria-labelledby="runs-title">
      <h2 id="runs-title">{t("broadcasts.runs.title")}</h2>
      {recurrence && (
        <p class="runs-rule">
          {t("broadcasts.schedule.atSummary", {
            when: repeatSummary(recurrence, recurrence.timezone ?? zone),
            zone: (recurrence.timezone ?? zone).replaceAll("_", " "),
          })}
          {next !== null && (
            <>
              {" · "}
              <strong data-testid="next-run">
                {t("broadcasts.runs.next", {
                  when: formatDate(next, { dateStyle: "full", timeStyle: "short" }),
                })}
              </strong>
            </>
          )}
        </p>
      )}
      {runs.length > 1 ? (
        <>
          <p class="muted small">{t("broadcasts.runs.pickHint")}</p>
          <RunsTable runs={runs} picked={picked} onPick={onPick} />
        </>
      ) : (
        <p class="muted small">
          {runs.length ? t("broadcasts.runs.once") : t("broadcasts.runs.noneYet")}
        </p>
      )}
      {picked !== null && stats && (
        <div class="stack run-stats" aria-live="polite">
          <h3>{t("broadcasts.runs.statsOf", { n: formatNumber(picked) })}</h3>
          {tiles(stats)}
        </div>
      )}
    </section>
  );
}
