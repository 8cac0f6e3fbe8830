import { Smile } from "lucide-preact";
import { EmptyState, formatNumber, t } from "../../shared/ui";
import type { CsatReport } from "./api";
import { formatPercent } from "./format";

type Totals = CsatReport["totals"];
type Bar = { score: number; count: number };

/** A figure, or a dash when there is none yet. */
const orDash = (value: number | null, format: (n: number) => string) =>
  value === null ? "—" : format(value);

const percent = (n: number) => formatPercent(n);
const points = (n: number) =>
  formatNumber(n, { maximumFractionDigits: 1, signDisplay: "exceptZero" });
const decimal = (n: number) => formatNumber(n, { maximumFractionDigits: 2 });

/** Answers per score as bars, the longest the most answered. */
function Distribution({ bars, label }: { bars: Bar[]; label: string }) {
  const most = Math.max(1, ...bars.map((bar) => bar.count));
  return (
    <ol class="score-bars" aria-label={label}>
      {bars.map((bar) => (
        <li key={bar.score}>
          <span class="score-bar-score">{formatNumber(bar.score)}</span>
          <span class="score-bar-track" aria-hidden="true">
            <span class="score-bar-fill" style={{ inlineSize: `${(bar.count / most) * 100}%` }} />
          </span>
          <span class="score-bar-count">
            {t("reports.csat.answers", { count: bar.count, n: formatNumber(bar.count) })}
          </span>
        </li>
      ))}
    </ol>
  );
}

function Figures({ totals }: { totals: Totals }) {
  const figures: [string, string][] = [
    ["asked", formatNumber(totals.asked)],
    ["responses", formatNumber(totals.responses)],
    ["responseRate", orDash(totals.response_rate, percent)],
    ["csat", orDash(totals.csat.csat_percent, percent)],
    ["average", orDash(totals.csat.average, decimal)],
    ["nps", orDash(totals.nps.nps, points)],
  ];
  return (
    <dl class="csat-figures">
      {figures.map(([key, value]) => (
        <div key={key} data-figure={key}>
          <dt>{t(`reports.csat.${key}`)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Satisfaction surveys over the range: how many went out and came back, CSAT and NPS. */
export function Satisfaction({ report }: { report: CsatReport }) {
  const { totals } = report;
  if (totals.asked === 0 && totals.responses === 0)
    return (
      <EmptyState icon={<Smile size={22} />} title={t("reports.csat.emptyTitle")}>
        {t("reports.csat.emptyBody")}
      </EmptyState>
    );
  return (
    <div class="csat-report">
      <Figures totals={totals} />
      {totals.csat.responses > 0 && (
        <Distribution bars={totals.csat.distribution} label={t("reports.csat.csatScores")} />
      )}
      {totals.nps.responses > 0 && (
        <Distribution bars={totals.nps.distribution} label={t("reports.csat.npsScores")} />
      )}
    </div>
  );
}
