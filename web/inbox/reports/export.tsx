import { Download } from "lucide-preact";
import { t } from "../../shared/ui";
import { type Report, type ReportFilters, reportUrl } from "./api";

/** The report as a CSV file (named after it for a screen reader): the same GET with `format=csv`, the session's cookie going along. */
export function ExportLink({
  report,
  filters,
  name,
}: {
  report: Report;
  filters: ReportFilters;
  name: string;
}) {
  return (
    <a
      class="btn secondary sm export-link"
      href={reportUrl(report, filters, "csv")}
      download
      aria-label={`${t("reports.export")} – ${name}`}
    >
      <Download size={14} aria-hidden="true" />
      {t("reports.export")}
    </a>
  );
}
