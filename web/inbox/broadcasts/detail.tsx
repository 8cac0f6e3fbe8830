import { ArrowLeft, Ban, Pause, Pencil, Play } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import {
  Button,
  confirmAction,
  formatNumber,
  PageHeader,
  problemMessage,
  SkeletonRows,
  t,
  toast,
} from "../../shared/ui";
import { useSession } from "../session";
import {
  actOn,
  type Broadcast,
  broadcastStats,
  canSendBroadcasts,
  getBroadcast,
  isEditable,
  isLive,
  retryFailed,
  type Stats,
} from "./api";
import { exclusionReason, whenOf } from "./describe";
import { Recipients } from "./recipients";
import { RunsCard } from "./runs";
import { SendingProgress, StatusBadge } from "./status";
import { VariantResults } from "./variant-stats";

const POLL_MS = 2000;

/** The broadcast and its counts, asked again every two seconds while it runs or is paused. */
function useBroadcast(id: string) {
  const [broadcast, setBroadcast] = useState<Broadcast | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    Promise.all([getBroadcast(id), broadcastStats(id)]).then(([b, s]) => {
      setBroadcast(b);
      setStats(s);
    }, setError);
  useEffect(() => {
    load();
  }, [id]);
  const live = broadcast ? isLive(broadcast.status) : false;
  useEffect(() => {
    if (!live) return;
    const timer = setTimeout(
      () =>
        broadcastStats(id).then((s) => {
          setStats(s);
          // the counts carry the status: once it moves on, the broadcast has news too
          if (s.status !== broadcast?.status) getBroadcast(id).then(setBroadcast);
        }, setError),
      POLL_MS,
    );
    return () => clearTimeout(timer);
  }, [live, stats]);
  return { broadcast, stats, error, setBroadcast, reload: load };
}

function StatTiles({ stats }: { stats: Stats }) {
  const tiles: [string, number, string?][] = [
    ["targeted", stats.targeted],
    ["excluded", stats.excluded],
    ["queued", stats.queued],
    ...(stats.held ? [["held", stats.held] as [string, number]] : []),
    ["sent", stats.sent],
    ["delivered", stats.delivered],
    ["read", stats.read],
    ["replied", stats.replied],
    ["clicked", stats.clicked],
    ["failed", stats.failed, stats.failed ? "bad" : undefined],
  ];
  const reasons = Object.entries(stats.excluded_by_reason);
  return (
    <dl class="stat-tiles">
      {tiles.map(([key, value, tone]) => (
        <div key={key} class={`stat-tile ${tone ?? ""}`} data-stat={key}>
          <dt>{t(`broadcasts.stats.${key}`)}</dt>
          <dd>{formatNumber(value)}</dd>
          {key === "excluded" && reasons.length > 0 && (
            <dd class="stat-reasons">
              {reasons
                .map(([reason, n]) => `${exclusionReason(reason)}: ${formatNumber(n)}`)
                .join(" · ")}
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}

type Verb = "pause" | "resume" | "cancel";

/** /broadcasts/:id: how far it is, its counts, its controls and its recipients. */
export default function BroadcastDetail({ id }: { id: string }) {
  const { me } = useSession();
  const may = canSendBroadcasts(me);
  const { broadcast, stats, error, setBroadcast, reload } = useBroadcast(id);
  const [busy, setBusy] = useState<Verb | "retry" | null>(null);
  const [pickedRun, setPickedRun] = useState<number | null>(null);

  const act = async (verb: Verb) => {
    const ok = await confirmAction({
      title: t(`broadcasts.confirm.${verb}Title`),
      body: t(`broadcasts.confirm.${verb}Body`),
      confirm: t(`broadcasts.${verb}`),
      danger: verb === "cancel",
    });
    if (!ok) return;
    setBusy(verb);
    try {
      setBroadcast(await actOn(id, verb));
      await reload();
      toast.success(t(`broadcasts.done.${verb}`));
    } catch (e) {
      toast.error(problemMessage(e));
    }
    setBusy(null);
  };
  const retry = async () => {
    setBusy("retry");
    try {
      const { requeued } = await retryFailed(id);
      await reload();
      toast.success(t("broadcasts.done.retry", { count: requeued, n: formatNumber(requeued) }));
    } catch (e) {
      toast.error(problemMessage(e));
    }
    setBusy(null);
  };

  if (!broadcast || !stats)
    return (
      <main class="page broadcasts broadcast-detail" id="main">
        {error ? <p role="alert">{problemMessage(error)}</p> : <SkeletonRows />}
      </main>
    );
  const status = broadcast.status;
  const actions = may && (
    <>
      {isEditable(status) && (
        <a class="btn" href={`/broadcasts/${id}/edit`}>
          <Pencil size={16} />
          {t("broadcasts.edit")}
        </a>
      )}
      {status === "running" && (
        <Button icon={<Pause size={16} />} loading={busy === "pause"} onClick={() => act("pause")}>
          {t("broadcasts.pause")}
        </Button>
      )}
      {status === "paused" && (
        <Button
          variant="primary"
          icon={<Play size={16} />}
          loading={busy === "resume"}
          onClick={() => act("resume")}
        >
          {t("broadcasts.resume")}
        </Button>
      )}
      {(isEditable(status) || isLive(status)) && (
        <Button
          variant="danger"
          icon={<Ban size={16} />}
          loading={busy === "cancel"}
          onClick={() => act("cancel")}
        >
          {t("broadcasts.cancel")}
        </Button>
      )}
    </>
  );
  return (
    <main class="page broadcasts broadcast-detail" id="main">
      <PageHeader
        title={broadcast.name}
        description={whenOf(broadcast)}
        icon={
          <a class="btn ghost icon-only" href="/broadcasts" aria-label={t("broadcasts.back")}>
            <ArrowLeft size={16} class="icon flip-rtl" />
          </a>
        }
        actions={actions}
      >
        <StatusBadge status={status} />
      </PageHeader>
      <section class="card stack" aria-labelledby="progress-title">
        <h2 id="progress-title">{t("broadcasts.progress.title")}</h2>
        <SendingProgress
          stats={stats}
          label={t("broadcasts.progress.of", { name: broadcast.name })}
        />
        <StatTiles stats={stats} />
      </section>
      <VariantResults broadcast={broadcast} stats={stats} may={may} onPicked={reload} />
      <RunsCard
        broadcast={broadcast}
        zone={me.workspace.timezone}
        version={JSON.stringify(stats)}
        tiles={(run) => <StatTiles stats={run} />}
        picked={pickedRun}
        onPick={setPickedRun}
      />
      <Recipients
        id={id}
        run={pickedRun}
        version={JSON.stringify(stats)}
        failed={stats.failed}
        onRetryFailed={may ? retry : undefined}
        retrying={busy === "retry"}
      />
    </main>
  );
}
