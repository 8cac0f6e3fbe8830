import { Trophy } from "lucide-preact";
import { useState } from "preact/hooks";
import {
  Badge,
  Button,
  type Column,
  confirmAction,
  DataTable,
  formatDate,
  formatNumber,
  problemMessage,
  t,
  toast,
} from "../../shared/ui";
import { decideSummary, sampleSummary } from "./ab-summary";
import { type Broadcast, isLive, pickWinner, type Stats } from "./api";

type Row = Stats["variants"][number];

const HOUR_MS = 3_600_000;
const percent = (rate: number) =>
  formatNumber(rate, { style: "percent", maximumFractionDigits: 1 });

/** Where the test stands: when the winner will be picked, or which one won. */
function testState(broadcast: Broadcast, stats: Stats) {
  const split = broadcast.split as NonNullable<Broadcast["split"]>;
  const metric = t(`broadcasts.ab.metricName.${split.winner_by}`);
  if (stats.winner) return t("broadcasts.results.won", { key: stats.winner });
  if (!broadcast.started_at) return decideSummary(split);
  const at = Date.parse(broadcast.started_at) + split.decide_after_hours * HOUR_MS;
  const when = formatDate(new Date(at), { dateStyle: "medium", timeStyle: "short" });
  return isLive(broadcast.status)
    ? t("broadcasts.results.deciding", { metric, when })
    : t("broadcasts.results.undecided");
}

/**
 * An A/B test's results on the broadcast's page: each variant's counts and the rate that picks
 * the winner; while the test decides, the winner can be picked by hand.
 */
export function VariantResults({
  broadcast,
  stats,
  may,
  onPicked,
}: {
  broadcast: Broadcast;
  stats: Stats;
  may: boolean;
  onPicked: () => Promise<void>;
}) {
  const [picking, setPicking] = useState<string | null>(null);
  const split = broadcast.split;
  if (!split || !stats.variants.length) return null;
  const deciding = may && !stats.winner && isLive(broadcast.status);
  const rateOf = (row: Row) => (split.winner_by === "clicks" ? row.click_rate : row.reply_rate);

  const pick = async (key: string) => {
    const ok = await confirmAction({
      title: t("broadcasts.results.pickTitle", { key }),
      body: t("broadcasts.results.pickBody", {
        count: stats.held,
        n: formatNumber(stats.held),
        key,
      }),
      confirm: t("broadcasts.results.pick", { key }),
    });
    if (!ok) return;
    setPicking(key);
    try {
      await pickWinner(broadcast.id, key);
      await onPicked();
      toast.success(t("broadcasts.results.picked", { key }));
    } catch (e) {
      toast.error(problemMessage(e));
    }
    setPicking(null);
  };

  const count = (key: keyof Row) => (row: Row) => formatNumber(row[key] as number);
  const columns: Column<Row>[] = [
    {
      key: "variant",
      header: t("broadcasts.results.variant"),
      render: (row) => (
        <span class="variant-key">
          <strong>{row.key}</strong>
          {stats.winner === row.key && (
            <Badge tone="success">
              <Trophy size={12} aria-hidden="true" />
              {t("broadcasts.results.winner")}
            </Badge>
          )}
        </span>
      ),
    },
    ...(["sent", "delivered", "read", "replied", "clicked"] as const).map((key) => ({
      key,
      header: t(`broadcasts.stats.${key}`),
      render: count(key),
      class: key === "delivered" || key === "read" ? "num wide-only" : "num",
    })),
    {
      key: "rate",
      header: t(`broadcasts.results.rate.${split.winner_by}`),
      render: (row) => <strong>{percent(rateOf(row))}</strong>,
      class: "num",
    },
    ...(deciding
      ? [
          {
            key: "pick",
            header: <span class="sr-only">{t("broadcasts.results.actions")}</span>,
            render: (row: Row) => (
              <Button
                size="sm"
                loading={picking === row.key}
                disabled={picking !== null}
                onClick={() => pick(row.key)}
              >
                {t("broadcasts.results.pick", { key: row.key })}
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <section class="card stack variant-results" aria-labelledby="variant-results-title">
      <h2 id="variant-results-title">{t("broadcasts.results.title")}</h2>
      <p class="muted small">
        <span data-testid="test-sample">
          {sampleSummary(
            split,
            stats.variants.map((v) => v.key),
            // the contacts it can reach, as the sample is drawn from them once started
            broadcast.started_at ? stats.targeted - stats.excluded : null,
          )}
        </span>{" "}
        <span data-testid="test-state">{testState(broadcast, stats)}</span>
      </p>
      <DataTable
        columns={columns}
        rows={stats.variants}
        rowKey={(row) => row.key}
        label={t("broadcasts.results.label")}
      />
    </section>
  );
}
