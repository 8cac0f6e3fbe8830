import { ChevronLeft, PlugZap, Send, Unplug } from "lucide-preact";
import { useState } from "preact/hooks";
import { request } from "../../../shared/api";
import {
  Badge,
  Button,
  confirmAction,
  Field,
  formatRelative,
  PageHeader,
  Tabs,
  TextArea,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../../shared/ui";
import { CopyBox } from "./copy";
import { type Channel, TypeIcon, typeName } from "./look";
import { configFrom, PlatformForm, type Values } from "./platform-form";
import { RoutingSettings } from "./routing";
import { SurveySettings } from "./survey";
import { TemplatesList } from "./templates";
import { PushSetup } from "./web-push";
import { WebchatSettings } from "./webchat";

/** The channel's state as a badge: live, connected, failing, or not checked yet. */
export function ChannelStatus({ channel }: { channel: Channel }) {
  // nothing to check with a platform: these work as soon as they are connected
  if (channel.type === "webchat" || channel.type === "web_push")
    return (
      <Badge tone="success" dot>
        {t("channels.status.live")}
      </Badge>
    );
  const check = channel.check;
  if (check?.status === "connected")
    return (
      <Badge tone="success" dot>
        {t("channels.status.connected")}
      </Badge>
    );
  if (check?.status === "failing")
    return (
      <Badge tone="danger" dot title={check.error ?? undefined}>
        {t("channels.status.failing")}
      </Badge>
    );
  return <Badge dot>{t("channels.status.unchecked")}</Badge>;
}

export function lastCheck(channel: Channel) {
  const at = channel.check?.checked_at;
  return at ? t("channels.lastCheck", { when: formatRelative(at) }) : null;
}

/** Asks the platform whether the credentials work; the list and the detail show the answer. */
export function useCheck(channel: Channel, onChecked: (channel: Channel) => void) {
  return useSubmit(async () => {
    const checked = await request<Channel>(`/api/v1/channels/${channel.id}/credentials/check`, {
      method: "POST",
    });
    onChecked(checked);
    if (checked.check?.status === "connected") toast.success(t("channels.checkPassed"));
    else toast.error(t("channels.checkFailed", { error: checked.check?.error ?? "" }));
  });
}

export async function disconnect(channel: Channel) {
  const ok = await confirmAction({
    title: t("channels.disconnectTitle", { name: channel.name }),
    body: t("channels.disconnectBody"),
    confirm: t("channels.disconnect"),
    danger: true,
  });
  if (!ok) return false;
  await request(`/api/v1/channels/${channel.id}`, { method: "DELETE" });
  toast.success(t("channels.disconnected", { name: channel.name }));
  return true;
}

const visibleConfig = (channel: Channel): Values => ({ ...(channel.config ?? {}) });

/** Name, platform settings and secrets; a blank secret keeps the stored one. */
function PlatformSettings({
  channel,
  onSaved,
}: {
  channel: Channel;
  onSaved: (channel: Channel) => void;
}) {
  const initial = visibleConfig(channel);
  const [name, setName] = useState(channel.name);
  const [values, setValues] = useState<Values>(initial);
  const { busy, errors, submit } = useSubmit(
    async () => {
      const config = configFrom(channel.type, values, initial);
      const saved = await request<Channel>(`/api/v1/channels/${channel.id}`, {
        method: "PATCH",
        json: {
          ...(name.trim() !== channel.name ? { name: name.trim() } : {}),
          ...(Object.keys(config).length ? { config } : {}),
        },
      });
      setValues(visibleConfig(saved));
      onSaved(saved);
    },
    { success: t("channels.saved") },
  );
  return (
    <form
      class="form wide-form"
      onSubmit={submit}
      noValidate
      aria-label={t("channels.tab.settings")}
    >
      <Field label={t("channels.field.name")} error={errors.name}>
        <TextInput name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <PlatformForm
        type={channel.type}
        values={values}
        onChange={setValues}
        errors={errors}
        stored={channel.secrets_set ?? []}
      />
      <div class="form-actions">
        <Button variant="primary" type="submit" loading={busy}>
          {t("common.save")}
        </Button>
      </div>
    </form>
  );
}

function TestSend({ channel }: { channel: Channel }) {
  const [to, setTo] = useState("");
  const [text, setText] = useState(t("channels.test.defaultText"));
  const { busy, errors, submit } = useSubmit(async () => {
    const sent = await request<{ external_id: string }>(`/api/v1/channels/${channel.id}/test`, {
      method: "POST",
      json: { to, text },
    });
    toast.success(t("channels.test.sent", { id: sent.external_id }));
  });
  return (
    <form class="form" onSubmit={submit} noValidate aria-label={t("channels.tab.test")}>
      <p class="muted">{t("channels.test.intro")}</p>
      <Field label={t("channels.test.to")} hint={t("channels.test.toHint")} error={errors.to}>
        <TextInput name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </Field>
      <Field label={t("channels.test.text")} error={errors.text}>
        <TextArea rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <div class="form-actions">
        <Button variant="primary" type="submit" icon={<Send size={16} />} loading={busy}>
          {t("channels.test.send")}
        </Button>
      </div>
    </form>
  );
}

/** Where to paste what, on the platform's side. */
function Setup({ channel }: { channel: Channel }) {
  if (channel.type === "web_push") return <PushSetup channel={channel} />;
  const verifyToken = channel.config?.verify_token;
  if (!channel.webhook_url) return null;
  return (
    <section class="card setup" aria-label={t("channels.setup")}>
      <CopyBox
        label={t("channels.webhookUrl")}
        value={channel.webhook_url}
        hint={t("channels.webhookHint")}
      />
      {typeof verifyToken === "string" && (
        <CopyBox label={t("channels.field.verify_token")} value={verifyToken} />
      )}
    </section>
  );
}

type Tab = "settings" | "routing" | "survey" | "templates" | "test";

/** One channel: its state, settings, routing, templates and a test send. */
export function ChannelDetail({
  channel,
  onBack,
  onChanged,
  onGone,
}: {
  channel: Channel;
  onBack: () => void;
  onChanged: (channel: Channel) => void;
  onGone: () => void;
}) {
  const [tab, setTab] = useState<Tab>("settings");
  const check = useCheck(channel, onChanged);
  const isPlatform = channel.type !== "webchat";
  const tabs: { id: Tab; label: string }[] = [
    {
      id: "settings",
      label: isPlatform ? t("channels.tab.settings") : t("channels.tab.appearance"),
    },
    // push only sends: no customer writes in on it, so there is nothing to route
    ...(channel.type !== "web_push"
      ? [
          { id: "routing" as const, label: t("channels.tab.routing") },
          { id: "survey" as const, label: t("channels.tab.survey") },
        ]
      : []),
    ...(channel.type === "whatsapp"
      ? [{ id: "templates" as const, label: t("channels.tab.templates") }]
      : []),
    // a test push needs a browser's subscription: subscribe on the site instead
    ...(isPlatform && channel.type !== "web_push"
      ? [{ id: "test" as const, label: t("channels.tab.test") }]
      : []),
  ];
  return (
    <div class="page channel-detail">
      <a
        class="back-link"
        href="/settings/channels"
        onClick={(e) => {
          e.preventDefault();
          onBack();
        }}
      >
        <ChevronLeft size={16} class="icon flip-rtl" />
        {t("channels.all")}
      </a>
      <PageHeader
        icon={<TypeIcon type={channel.type} size={44} />}
        title={channel.name}
        description={
          <>
            {typeName(channel.type)} · <ChannelStatus channel={channel} />{" "}
            {lastCheck(channel) && <span class="muted">{lastCheck(channel)}</span>}
          </>
        }
        actions={
          <>
            {channel.check !== null && channel.check !== undefined && (
              <Button icon={<PlugZap size={16} />} loading={check.busy} onClick={() => check.run()}>
                {t("channels.check")}
              </Button>
            )}
            <Button
              variant="danger"
              icon={<Unplug size={16} />}
              onClick={async () => {
                if (await disconnect(channel)) onGone();
              }}
            >
              {t("channels.disconnect")}
            </Button>
          </>
        }
      >
        {channel.check?.status === "failing" && channel.check.error && (
          <p class="check-error" role="status">
            {t("channels.platformSaid", { error: channel.check.error })}
          </p>
        )}
      </PageHeader>
      <Setup channel={channel} />
      <Tabs
        tabs={tabs}
        value={tab}
        onChange={(id) => setTab(id as Tab)}
        label={t("channels.sections")}
      />
      <div class="tab-panel" role="tabpanel">
        {tab === "settings" &&
          (isPlatform ? (
            <PlatformSettings key={channel.id} channel={channel} onSaved={onChanged} />
          ) : (
            <WebchatSettings key={channel.id} channel={channel} onSaved={onChanged} />
          ))}
        {tab === "routing" && (
          <RoutingSettings
            channel={channel}
            onSaved={(routing) => onChanged({ ...channel, routing })}
          />
        )}
        {tab === "survey" && (
          <SurveySettings key={channel.id} channel={channel} onSaved={onChanged} />
        )}
        {tab === "templates" && (
          <TemplatesList channelId={channel.id} wabaSet={Boolean(channel.config?.waba_id)} />
        )}
        {tab === "test" && <TestSend channel={channel} />}
      </div>
    </div>
  );
}
