import { Megaphone, Plus } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { EmptyState, ListState, PageHeader, t } from "../../shared/ui";
import { ChannelIcon } from "../contacts/channels";
import { listSegments, type Segment } from "../contacts/segments/api";
import { useSession } from "../session";
import {
  type Broadcast,
  broadcastStats,
  type Channel,
  canSendBroadcasts,
  isLive,
  listBroadcasts,
  listChannels,
  type Stats,
} from "./api";
import { audienceSummary, whenOf } from "./describe";
import { SendingProgress, StatusBadge } from "./status";

/** The stats of the broadcasts still sending, asked again while any is. */
function useLiveStats(broadcasts: Broadcast[] | undefined) {
  const [stats, setStats] = useState<Record<string, Stats>>({});
  const live = (broadcasts ?? []).filter((b) => isLive(b.status)).map((b) => b.id);
  const key = live.join(",");
  useEffect(() => {
    if (!live.length) return;
    let timer: ReturnType<typeof setTimeout>;
    const ask = async () => {
      const answers = await Promise.all(live.map((id) => broadcastStats(id).catch(() => null)));
      setStats((known) => {
        const next = { ...known };
        answers.forEach((answer, i) => {
          if (answer) next[live[i] as string] = answer;
        });
        return next;
      });
      timer = setTimeout(ask, 5000);
    };
    ask();
    return () => clearTimeout(timer);
  }, [key]);
  return stats;
}

const hrefOf = (b: Broadcast) =>
  b.status === "draft" ? `/broadcasts/${b.id}/edit` : `/broadcasts/${b.id}`;

function BroadcastRow({
  broadcast: b,
  channel,
  segments,
  stats,
}: {
  broadcast: Broadcast;
  channel: Channel | undefined;
  segments: Segment[];
  stats: Stats | undefined;
}) {
  return (
    <li class="broadcast-row" data-broadcast={b.id}>
      <div class="broadcast-main">
        <a href={hrefOf(b)} class="broadcast-name">
          {b.name}
        </a>
        <span class="muted small">{audienceSummary(b.audience, segments)}</span>
      </div>
      <StatusBadge status={b.status} />
      <span class="broadcast-channel small">
        {channel && <ChannelIcon kind={channel.type} />}
        <span>{channel?.name ?? t("broadcasts.channelGone")}</span>
      </span>
      <span class="muted small broadcast-when">{whenOf(b)}</span>
      {stats && isLive(b.status) && (
        <span class="broadcast-row-progress">
          <SendingProgress stats={stats} label={t("broadcasts.progress.of", { name: b.name })} />
        </span>
      )}
    </li>
  );
}

/** /broadcasts: every broadcast, newest first, with how far the running ones are. */
export default function BroadcastList() {
  const { me } = useSession();
  const [broadcasts, setBroadcasts] = useState<Broadcast[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [channels, setChannels] = useState<Channel[]>([]);
  // the rows wait for the segments, or a segment not yet loaded would read as deleted
  const [segments, setSegments] = useState<Segment[] | undefined>(undefined);
  const load = () =>
    listBroadcasts().then((list) => {
      setBroadcasts(list);
      setError(null);
    }, setError);
  useEffect(() => {
    load();
    listChannels().then(setChannels, () => setChannels([]));
    listSegments().then(setSegments, () => setSegments([]));
  }, []);
  const stats = useLiveStats(broadcasts);

  const create = canSendBroadcasts(me) && (
    <a class="btn primary" href="/broadcasts/new">
      <Plus size={16} />
      {t("broadcasts.new")}
    </a>
  );
  return (
    <main class="page broadcasts broadcasts-page" id="main">
      <PageHeader
        title={t("broadcasts.title")}
        description={t("broadcasts.description")}
        actions={broadcasts?.length ? create : null}
      />
      <ListState
        data={error || !segments ? undefined : broadcasts}
        error={error}
        onRetry={load}
        empty={
          <EmptyState icon={<Megaphone size={22} />} title={t("broadcasts.empty")} action={create}>
            {t("broadcasts.emptyHint")}
          </EmptyState>
        }
      >
        {(list) => (
          <ul class="broadcast-list" aria-label={t("broadcasts.title")}>
            {list.map((b) => (
              <BroadcastRow
                key={b.id}
                broadcast={b}
                channel={channels.find((c) => c.id === b.channel_id)}
                segments={segments ?? []}
                stats={stats[b.id]}
              />
            ))}
          </ul>
        )}
      </ListState>
    </main>
  );
}
