import { Select, t } from "../../shared/ui";
import {
  type Channel,
  type Member,
  PRESETS,
  type Preset,
  presetRange,
  type ReportFilters,
} from "./api";

/** The range (a preset or two days), the channel or agent, and days or hours. */
export function ReportFilterBar({
  filters,
  channels,
  members,
  onChange,
}: {
  filters: ReportFilters;
  channels: Channel[];
  members: Member[];
  onChange: (filters: ReportFilters) => void;
}) {
  const set = (change: Partial<ReportFilters>) => onChange({ ...filters, ...change });
  const choosePreset = (range: Preset) =>
    set(range === "custom" ? { range } : { range, ...presetRange(range) });
  return (
    <div class="toolbar report-filters">
      <Select
        aria-label={t("reports.filters.range")}
        value={filters.range}
        options={PRESETS.map((p) => ({ value: p, label: t(`reports.presets.${p}`) }))}
        onChange={(e) => choosePreset(e.currentTarget.value as Preset)}
      />
      {filters.range === "custom" && (
        <>
          <label class="date-filter">
            <span>{t("reports.filters.from")}</span>
            <input
              class="input"
              type="date"
              value={filters.from}
              max={filters.to}
              onChange={(e) => e.currentTarget.value && set({ from: e.currentTarget.value })}
            />
          </label>
          <label class="date-filter">
            <span>{t("reports.filters.to")}</span>
            <input
              class="input"
              type="date"
              value={filters.to}
              min={filters.from}
              onChange={(e) => e.currentTarget.value && set({ to: e.currentTarget.value })}
            />
          </label>
        </>
      )}
      <Select
        aria-label={t("reports.filters.channel")}
        value={filters.channel}
        placeholder={t("reports.filters.anyChannel")}
        options={channels.map((c) => ({ value: c.id, label: c.name }))}
        onChange={(e) => set({ channel: e.currentTarget.value, agent: "" })}
      />
      <Select
        aria-label={t("reports.filters.agent")}
        value={filters.agent}
        placeholder={t("reports.filters.anyAgent")}
        options={members.map((m) => ({ value: m.id, label: m.name }))}
        onChange={(e) => set({ agent: e.currentTarget.value, channel: "" })}
      />
      <Select
        aria-label={t("reports.filters.granularity")}
        value={filters.granularity}
        options={[
          { value: "day", label: t("reports.filters.byDay") },
          { value: "hour", label: t("reports.filters.byHour") },
        ]}
        onChange={(e) =>
          set({ granularity: e.currentTarget.value as ReportFilters["granularity"] })
        }
      />
      <Select
        aria-label={t("reports.filters.hours")}
        value={filters.hours}
        options={[
          { value: "all", label: t("reports.filters.allHours") },
          { value: "business", label: t("reports.filters.businessHours") },
        ]}
        onChange={(e) => set({ hours: e.currentTarget.value as ReportFilters["hours"] })}
      />
    </div>
  );
}
