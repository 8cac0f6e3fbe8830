import { Badge, formatNumber, ProgressBar, type Tone, t } from "../../shared/ui";
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
export function SendingProgress({ stats, label }: { stats: Stats; label: string }) {
  const share = progressOf(stats);
  return (
    <ProgressBar
      share={share}
      label={label}
      valueText={t("broadcasts.progress.value", {
        percent: formatNumber(share, { style: "percent" }),
        done: formatNumber(stats.sent + stats.failed + stats.excluded),
        targeted: formatNumber(stats.targeted),
      })}
    />
  );
}
