import { useEffect, useState } from "preact/hooks";
import { Skeleton, t } from "../../shared/ui";
import type { ConversationsReport, ReportFilters } from "./api";
import type { TimeChart as Chart } from "./chart";
import { ExportLink } from "./export";
import { periodLabel } from "./format";

/** uPlot comes with the reports only, loaded once the figures are on screen. */
function useTimeChart() {
  const [chart, setChart] = useState<{ TimeChart: typeof Chart } | null>(null);
  useEffect(() => {
    import("./chart").then(setChart, () => {});
  }, []);
  return chart?.TimeChart;
}

/** Conversations opened and closed, and messages in and out, per day or hour. */
export function ReportCharts({
  report,
  filters,
}: {
  report: ConversationsReport;
  filters: ReportFilters;
}) {
  const TimeChart = useTimeChart();
  const byHour = report.granularity === "hour";
  const labels = report.series.map((row) => periodLabel(row.period, byHour));
  const plot = (label: string, series: Parameters<typeof Chart>[0]["series"]) =>
    TimeChart ? (
      <TimeChart labels={labels} series={series} label={label} />
    ) : (
      <Skeleton height={240} />
    );
  return (
    <div class="chart-grid">
      <section class="report-card" aria-labelledby="chart-conversations">
        <header class="report-card-head">
          <h2 id="chart-conversations">{t("reports.charts.conversations")}</h2>
          <ExportLink
            report="conversations"
            filters={filters}
            name={t("reports.charts.conversations")}
          />
        </header>
        {plot(t("reports.charts.conversationsLabel"), [
          {
            label: t("reports.charts.opened"),
            values: report.series.map((row) => row.conversations_opened),
            token: "--primary",
          },
          {
            label: t("reports.charts.closed"),
            values: report.series.map((row) => row.conversations_closed),
            token: "--success",
          },
        ])}
      </section>
      <section class="report-card" aria-labelledby="chart-messages">
        <header class="report-card-head">
          <h2 id="chart-messages">{t("reports.charts.messages")}</h2>
        </header>
        {plot(t("reports.charts.messagesLabel"), [
          {
            label: t("reports.charts.in"),
            values: report.series.map((row) => row.messages_in),
            token: "--primary",
          },
          {
            label: t("reports.charts.out"),
            values: report.series.map((row) => row.messages_out),
            token: "--warning",
          },
        ])}
      </section>
    </div>
  );
}
