import { ArrowDownRight, ArrowUpRight, Minus } from "lucide-preact";
import { formatNumber, t } from "../../shared/ui";
import type { Overview, Totals } from "./api";
import { type Change, changeOf, formatDuration, formatPercent } from "./format";

const OVERVIEW_KEYS = [
  "open",
  "pending",
  "snoozed",
  "unassigned",
  "waiting_on_agent",
  "agents_online",
] as const;

/** The inbox right now: conversations by state and the agents online. */
export function OverviewStrip({ overview }: { overview: Overview | undefined }) {
  return (
    <section class="report-now" aria-labelledby="report-now-title">
      <h2 id="report-now-title" class="report-now-title">
        <span class="live-dot" aria-hidden="true" />
        {t("reports.now.title")}
      </h2>
      <dl class="report-now-stats">
        {OVERVIEW_KEYS.map((key) => (
          <div key={key} class="report-now-stat" data-stat={key}>
            <dt>{t(`reports.now.${key}`)}</dt>
            <dd>{overview ? formatNumber(overview[key]) : "…"}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

type Kpi = {
  key: string;
  value: (totals: Totals) => number | null;
  format?: "duration" | "percent";
  /** going down is the good way (durations always) */
  lowerIsBetter?: boolean;
};

const shown = (kpi: Kpi, value: number | null) =>
  kpi.format === "duration"
    ? formatDuration(value)
    : kpi.format === "percent"
      ? formatPercent(value)
      : formatNumber(value ?? 0);

const KPIS: Kpi[] = [
  { key: "opened", value: (x) => x.conversations_opened },
  { key: "closed", value: (x) => x.conversations_closed },
  { key: "reopened", value: (x) => x.conversations_reopened, lowerIsBetter: true },
  { key: "messagesIn", value: (x) => x.messages_in },
  { key: "messagesOut", value: (x) => x.messages_out },
  { key: "frtMedian", value: (x) => x.first_response_time.median_seconds, format: "duration" },
  { key: "frtP90", value: (x) => x.first_response_time.p90_seconds, format: "duration" },
  {
    key: "resolutionMedian",
    value: (x) => x.resolution_time.median_seconds,
    format: "duration",
  },
  { key: "slaMet", value: (x) => slaMet(x), format: "percent" },
  { key: "assignments", value: (x) => x.assignments },
];

/** First responses and closes that met their team's target, as one share. */
function slaMet(totals: Totals) {
  const met = totals.first_response_sla.met + totals.resolution_sla.met;
  const all = met + totals.first_response_sla.missed + totals.resolution_sla.missed;
  return all > 0 ? Math.round((met / all) * 1000) / 10 : null;
}

/** ↑ 12 % against the previous period; for a duration, going down is the good way. */
function ChangeBadge({ change, lowerIsBetter }: { change: Change; lowerIsBetter: boolean }) {
  if (!change) return <span class="kpi-change neutral">{t("reports.kpi.noComparison")}</span>;
  const good =
    change.direction === "flat" ? "neutral" : (change.direction === "down") === lowerIsBetter;
  const tone = good === "neutral" ? "neutral" : good ? "good" : "bad";
  const Icon =
    change.direction === "up" ? ArrowUpRight : change.direction === "down" ? ArrowDownRight : Minus;
  return (
    <span class={`kpi-change ${tone}`}>
      <Icon size={14} aria-hidden="true" />
      {t(`reports.kpi.change.${change.direction}`, { percent: change.text })}
    </span>
  );
}

export function KpiChange(props: {
  now: number | null;
  before: number | null;
  lowerIsBetter: boolean;
}) {
  const change = changeOf(props.now, props.before);
  return (
    <span class="kpi-foot">
      <ChangeBadge change={change} lowerIsBetter={props.lowerIsBetter} />
      {change && <span class="kpi-previous">{t("reports.kpi.previous")}</span>}
    </span>
  );
}

/** The range's figures, each with how it compares with the same number of days before. */
export function KpiCards({ totals, previous }: { totals: Totals; previous: Totals }) {
  return (
    <ul class="kpi-grid">
      {KPIS.map((kpi) => {
        const now = kpi.value(totals);
        return (
          <li key={kpi.key} class="kpi-card" data-kpi={kpi.key}>
            <span class="kpi-label">{t(`reports.kpi.${kpi.key}`)}</span>
            <span class="kpi-value">{shown(kpi, now)}</span>
            <KpiChange
              now={now}
              before={kpi.value(previous)}
              lowerIsBetter={kpi.format === "duration" || !!kpi.lowerIsBetter}
            />
          </li>
        );
      })}
    </ul>
  );
}
