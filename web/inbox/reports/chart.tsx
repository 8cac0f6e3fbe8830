import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "../../shared/ui";

export type ChartSeries = {
  label: string;
  values: number[];
  /** a design token holding the line's colour, as `--primary` */
  token: string;
};

const HEIGHT = 240;
const PHONE_HEIGHT = 200;

/** A design token's value where the chart is, so it follows the light or dark theme. */
const tokenOf = (element: Element, token: string) =>
  getComputedStyle(element).getPropertyValue(token).trim();

/** The y scale from 0 to a little above the top, at least 4 so a quiet week still has a grid. */
const yRange = (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [
  0,
  Math.max(4, Math.ceil(max * 1.15)),
];

function optionsFor(
  element: HTMLElement,
  labels: string[],
  series: ChartSeries[],
  width: number,
): uPlot.Options {
  const text = tokenOf(element, "--text-muted");
  const grid = tokenOf(element, "--border");
  const font = `12px ${tokenOf(element, "--font") || "system-ui"}`;
  const axis = { stroke: text, font, grid: { stroke: grid, width: 1 }, ticks: { show: false } };
  return {
    width,
    height: width < 500 ? PHONE_HEIGHT : HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    scales: { x: { time: false }, y: { range: yRange } },
    axes: [
      {
        ...axis,
        grid: { show: false },
        space: 56,
        incrs: [1, 2, 3, 4, 6, 7, 12, 14, 24, 30, 48, 72, 168],
        values: (_u, splits) => splits.map((i) => labels[i] ?? ""),
      },
      {
        ...axis,
        size: 44,
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 50_000],
        values: (_u, splits) => splits.map((v) => formatNumber(v)),
      },
    ],
    series: [
      {},
      ...series.map((s, i) => {
        const colour = tokenOf(element, s.token);
        return {
          label: s.label,
          stroke: colour,
          width: 2,
          // the first series is the one to read: a faint area under it
          fill: i === 0 ? `color-mix(in srgb, ${colour} 12%, transparent)` : undefined,
          points: { show: labels.length <= 31, size: 5, fill: colour },
        };
      }),
    ],
  };
}

/** Lines over time with uPlot, sized to its box and coloured by the design tokens. */
export function TimeChart({
  labels,
  series,
  label,
}: {
  labels: string[];
  series: ChartSeries[];
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let plot: uPlot | undefined;
    const data: uPlot.AlignedData = [labels.map((_, i) => i), ...series.map((s) => s.values)];
    const draw = () => {
      plot?.destroy();
      plot = new uPlot(optionsFor(element, labels, series, element.clientWidth), data, element);
    };
    draw();
    let width = element.clientWidth;
    const resize = new ResizeObserver(() => {
      if (!plot || element.clientWidth === width) return;
      width = element.clientWidth;
      plot.setSize({ width, height: width < 500 ? PHONE_HEIGHT : HEIGHT });
    });
    resize.observe(element);
    // the theme changes with the system's: draw again in its colours
    const scheme = matchMedia("(prefers-color-scheme: dark)");
    scheme.addEventListener("change", draw);
    return () => {
      resize.disconnect();
      scheme.removeEventListener("change", draw);
      plot?.destroy();
    };
  }, [labels.join(), JSON.stringify(series)]);
  return (
    <figure class="time-chart">
      {/* the canvas's axes read left to right in every language */}
      <div ref={box} class="time-chart-plot" dir="ltr" role="img" aria-label={label} />
      <figcaption class="chart-legend">
        {series.map((s) => (
          <span key={s.label} class="chart-key">
            <span class="chart-swatch" style={{ background: `var(${s.token})` }} />
            {s.label}
            <strong>{formatNumber(s.values.reduce((sum, v) => sum + v, 0))}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
