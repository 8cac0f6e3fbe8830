import { Badge, formatNumber, type Tone, t } from "../../shared/ui";
import { type BroadcastStatus, progressOf, type Stats } from "./api";

const STATUS_TONE: Record<BroadcastStatus, Tone> = {
  draft: "neutral",
  scheduled: "primary",
  running: "success",
  paused: "warning",
  completed: "neutral",
  cancelled: "danger",
};

export const StatusBadge = ({ status }: { status: BroadcastStatus }) => (
  <Badge tone={STATUS_TONE[status]} dot>
    {t(`broadcasts.status.${status}`)}
  </Badge>
);

/** A bar of how far the sending is: sent, failed and excluded of the targeted. */
export function ProgressBar({ stats, label }: { stats: Stats; label: string }) {
  const share = progressOf(stats);
  const percent = Math.round(share * 100);
  return (
    <div class="broadcast-progress">
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={t("broadcasts.progress.value", {
          percent: formatNumber(share, { style: "percent" }),
          done: formatNumber(stats.sent + stats.failed + stats.excluded),
          targeted: formatNumber(stats.targeted),
        })}
      >
        <span class="progress-fill" style={{ inlineSize: `${percent}%` }} />
      </div>
      <span class="progress-figure">{formatNumber(share, { style: "percent" })}</span>
    </div>
  );
}
