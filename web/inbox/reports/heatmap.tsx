import { formatNumber, t } from "../../shared/ui";
import type { BusiestHours } from "./api";
import { weekdayNames } from "./format";

// Monday first, as a working week reads; the API counts Sunday as 0
const WEEK = [1, 2, 3, 4, 5, 6, 0];
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
/** Every third hour is labelled on screen; the others are there for screen readers. */
const labelled = (hour: number) => hour % 3 === 0;

/** How strongly a cell is shaded: 0 for none, up to 1 for the busiest hour of the week. */
const shade = (count: number, busiest: number) => (busiest ? count / busiest : 0);

/** Customers' messages by weekday and hour: a 7 × 24 grid shaded by count. */
export function BusiestHoursGrid({ report }: { report: BusiestHours }) {
  const count = new Map(report.cells.map((c) => [`${c.weekday}:${c.hour}`, c.messages_in]));
  const busiest = Math.max(0, ...report.cells.map((c) => c.messages_in));
  const short = weekdayNames("short");
  const long = weekdayNames("long");
  return (
    <>
      {/* focusable so a keyboard can scroll the grid on a narrow screen */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus */}
      <section class="heatmap-wrap" tabIndex={0} aria-label={t("reports.heatmap.description")}>
        <table class="heatmap">
          <caption class="sr-only">{t("reports.heatmap.description")}</caption>
          <thead>
            <tr>
              <td class="corner" />
              {HOURS.map((hour) => (
                <th key={hour} scope="col" class={labelled(hour) ? "" : "quiet"}>
                  {formatNumber(hour)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {WEEK.map((day) => (
              <tr key={day}>
                <th scope="row">
                  <abbr title={long[day]}>{short[day]}</abbr>
                </th>
                {HOURS.map((hour) => {
                  const value = count.get(`${day}:${hour}`) ?? 0;
                  const title = t("reports.heatmap.cell", {
                    day: long[day] ?? "",
                    hour: String(hour).padStart(2, "0"),
                    count: value,
                  });
                  return (
                    <td
                      key={hour}
                      title={title}
                      style={{ "--level": shade(value, busiest).toFixed(3) }}
                      class={value ? "busy" : ""}
                    >
                      <span class="sr-only">{formatNumber(value)}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div class="heatmap-scale" aria-hidden="true">
        <span>{t("reports.heatmap.less")}</span>
        {[0, 0.25, 0.5, 0.75, 1].map((level) => (
          <span key={level} class="heatmap-swatch" style={{ "--level": String(level) }} />
        ))}
        <span>{t("reports.heatmap.more")}</span>
      </div>
    </>
  );
}
