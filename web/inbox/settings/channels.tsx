import { MessagesSquare, MoreHorizontal, PlugZap, Plus, Settings2, Unplug } from "lucide-preact";
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import {
  Button,
  Dialog,
  EmptyState,
  IconButton,
  ListState,
  Menu,
  PageHeader,
  t,
  toast,
  useList,
} from "../../shared/ui";
import { ConnectDialog, type Connected } from "./channels/connect";
import { CopyBox } from "./channels/copy";
import { ChannelDetail, ChannelStatus, disconnect, lastCheck, useCheck } from "./channels/detail";
import { type Channel, TypeIcon, typeName } from "./channels/look";
import "./config.css";

function ChannelRow({
  channel,
  onOpen,
  onChanged,
  onGone,
}: {
  channel: Channel;
  onOpen: () => void;
  onChanged: (channel: Channel) => void;
  onGone: () => void;
}) {
  const check = useCheck(channel, onChanged);
  const checkable = channel.check !== null && channel.check !== undefined;
  return (
    <li class="channel-row" data-channel={channel.id}>
      <TypeIcon type={channel.type} />
      <button type="button" class="channel-main" onClick={onOpen}>
        <strong>{channel.name}</strong>
        <span class="muted">{typeName(channel.type)}</span>
      </button>
      <span class="channel-state">
        <ChannelStatus channel={channel} />
        <span class="muted small">{lastCheck(channel)}</span>
      </span>
      <span class="row-actions">
        <Button size="sm" icon={<Settings2 size={14} />} onClick={onOpen}>
          {t("channels.manage")}
        </Button>
        <Menu
          align="end"
          trigger={(props) => (
            <IconButton
              {...props}
              label={t("channels.moreFor", { name: channel.name })}
              icon={<MoreHorizontal size={16} />}
            />
          )}
          items={[
            ...(checkable
              ? [
                  {
                    label: t("channels.check"),
                    icon: <PlugZap size={16} />,
                    onSelect: () => check.run(),
                  },
                ]
              : []),
            {
              label: t("channels.disconnect"),
              icon: <Unplug size={16} />,
              danger: true,
              onSelect: async () => {
                if (await disconnect(channel)) onGone();
              },
            },
          ]}
        />
      </span>
    </li>
  );
}

/** Shown once after a web chat is connected: the identity secret is never shown again. */
function IdentitySecret({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  return (
    <Dialog
      open={secret !== null}
      onClose={onClose}
      title={t("channels.identitySecretTitle")}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t("channels.identitySecretDone")}
        </Button>
      }
    >
      <p>{t("channels.identitySecretBody")}</p>
      {secret && <CopyBox label={t("channels.identitySecret")} value={secret} />}
    </Dialog>
  );
}

/** Channels: every connected platform with its state; one opens to its settings. */
export default function ChannelsScreen() {
  const { query, route } = useLocation();
  const { items: channels, error, reload, setItems, drop } = useList<Channel>("/api/v1/channels");
  const [connecting, setConnecting] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  const open = (id: string | null) =>
    route(id ? `/settings/channels?id=${id}` : "/settings/channels");
  const replace = (next: Channel) =>
    setItems((list) => list.map((c) => (c.id === next.id ? { ...c, ...next } : c)));
  const connected = (channel: Connected) => {
    const { identity_secret, ...rest } = channel;
    setItems((list) => [...list, rest]);
    toast.success(t("channels.connected", { name: channel.name }));
    if (identity_secret) setSecret(identity_secret);
    open(channel.id);
  };

  const selected = channels?.find((c) => c.id === query.id);
  if (selected)
    return (
      <>
        <ChannelDetail
          key={selected.id}
          channel={selected}
          onBack={() => open(null)}
          onChanged={replace}
          onGone={() => {
            drop(selected.id);
            open(null);
          }}
        />
        <IdentitySecret secret={secret} onClose={() => setSecret(null)} />
      </>
    );

  const connectButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setConnecting(true)}>
      {t("channels.connect")}
    </Button>
  );
  return (
    <div class="page">
      <PageHeader
        title={t("channels.title")}
        description={t("channels.description")}
        actions={connectButton}
      />
      <ListState
        data={channels}
        error={error}
        onRetry={reload}
        empty={
          <EmptyState
            icon={<MessagesSquare size={22} />}
            title={t("channels.empty")}
            action={connectButton}
          >
            {t("channels.emptyHint")}
          </EmptyState>
        }
      >
        {(rows) => (
          <ul class="channel-list" aria-label={t("channels.title")}>
            {rows.map((channel) => (
              <ChannelRow
                key={channel.id}
                channel={channel}
                onOpen={() => open(channel.id)}
                onChanged={replace}
                onGone={() => drop(channel.id)}
              />
            ))}
          </ul>
        )}
      </ListState>
      <ConnectDialog
        open={connecting}
        onClose={() => setConnecting(false)}
        onConnected={connected}
      />
    </div>
  );
}
