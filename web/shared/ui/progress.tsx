import { formatNumber } from "./i18n";

/** A bar of how far something is, `share` from 0 to 1, with its percentage beside it. */
export function ProgressBar({
  share,
  label,
  valueText,
}: {
  share: number;
  label: string;
  /** what a screen reader says of the value, e.g. "40 % — 400 of 1,000" */
  valueText?: string;
}) {
  const clamped = Math.min(1, Math.max(0, share));
  const percent = Math.round(clamped * 100);
  return (
    <div class="progress">
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={valueText}
      >
        <span class="progress-fill" style={{ inlineSize: `${percent}%` }} />
      </div>
      <span class="progress-figure">{formatNumber(clamped, { style: "percent" })}</span>
    </div>
  );
}
