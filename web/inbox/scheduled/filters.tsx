import { Select, t } from "../../shared/ui";
import { ContactPicker } from "../contacts/contact-picker";
import { type CalendarFilters, RANGES, type Range, type ScheduledStatus, STATUSES } from "./api";

/** The calendar's filters: status (pending first), contact, and the days it covers. */
export function CalendarFilterBar({
  filters,
  onChange,
}: {
  filters: CalendarFilters;
  onChange: (filters: CalendarFilters) => void;
}) {
  const set = (change: Partial<CalendarFilters>) => onChange({ ...filters, ...change });
  return (
    <div class="toolbar agenda-toolbar">
      <Select
        aria-label={t("scheduled.filters.status")}
        value={filters.status}
        placeholder={t("scheduled.filters.anyStatus")}
        options={STATUSES.map((s) => ({ value: s, label: t(`scheduled.status.${s}`) }))}
        onChange={(e) => set({ status: e.currentTarget.value as ScheduledStatus | "" })}
      />
      <div class="contact-filter">
        <ContactPicker
          aria-label={t("scheduled.filters.contact")}
          value={filters.contactId}
          onChange={(contactId) => set({ contactId })}
        />
      </div>
      <Select
        aria-label={t("scheduled.filters.range")}
        value={filters.range}
        options={RANGES.map((r) => ({ value: r, label: t(`scheduled.range.${r}`) }))}
        onChange={(e) => set({ range: e.currentTarget.value as Range })}
      />
      {filters.range === "dates" && (
        <>
          <label class="date-filter">
            <span>{t("scheduled.filters.from")}</span>
            <input
              class="input"
              type="date"
              value={filters.fromDay}
              onChange={(e) => set({ fromDay: e.currentTarget.value })}
            />
          </label>
          <label class="date-filter">
            <span>{t("scheduled.filters.to")}</span>
            <input
              class="input"
              type="date"
              value={filters.toDay}
              min={filters.fromDay || undefined}
              onChange={(e) => set({ toDay: e.currentTarget.value })}
            />
          </label>
        </>
      )}
    </div>
  );
}
