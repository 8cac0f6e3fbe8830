import { useEffect, useState } from "preact/hooks";
import type { ChannelType } from "../../../worker/db/schema";
import { request } from "../../shared/api";
import { CHANNEL_LOOK } from "../../shared/channels";

/** Settings, stored secrets and the webhook URL come only to admins (this screen is theirs). */
type Channel = {
  id: string;
  type: ChannelType;
  name: string;
  config?: Record<string, unknown>;
  secrets_set?: string[];
  webhook_url?: string | null;
};

type Field = { key: string; label: string; secret?: boolean; optional?: boolean; json?: boolean };

const META_PAGE: Field[] = [
  { key: "page_id", label: "Page id" },
  { key: "page_access_token", label: "Page access token", secret: true },
  { key: "app_secret", label: "App secret", secret: true },
  { key: "verify_token", label: "Verify token (any text you choose, 8+ characters)" },
  { key: "api_base_url", label: "API base URL", optional: true },
];

/** What an admin fills in to connect each platform. */
const FIELDS: Partial<Record<ChannelType, Field[]>> = {
  whatsapp: [
    { key: "phone_number_id", label: "Phone number id" },
    { key: "waba_id", label: "WhatsApp Business Account id (for templates)", optional: true },
    { key: "access_token", label: "Access token", secret: true },
    { key: "app_secret", label: "App secret", secret: true },
    { key: "verify_token", label: "Verify token (any text you choose, 8+ characters)" },
    { key: "api_base_url", label: "API base URL", optional: true },
  ],
  messenger: META_PAGE,
  instagram: META_PAGE,
  telegram: [
    { key: "bot_token", label: "Bot token", secret: true },
    { key: "secret_token", label: "Webhook secret token (A-Z a-z 0-9 _ -)", secret: true },
    { key: "api_base_url", label: "API base URL", optional: true },
  ],
  twilio_sms: [
    { key: "account_sid", label: "Account SID" },
    { key: "auth_token", label: "Auth token", secret: true },
    { key: "from", label: "From number (E.164) or messaging service (MG…)" },
    { key: "api_base_url", label: "API base URL", optional: true },
  ],
  email: [
    { key: "inbound_address", label: "Inbound address" },
    { key: "provider", label: "Provider (resend, sendgrid or postmark)" },
    { key: "api_key", label: "Provider API key", secret: true },
    { key: "webhook_secret", label: "Event webhook secret", secret: true, optional: true },
    {
      key: "from_accounts",
      label:
        'Sender accounts, JSON: [{"area":"all","from":"Support <s@acme.test>","cap_count":100,"cap_hours":1}]',
      json: true,
    },
    { key: "api_base_url", label: "API base URL", optional: true },
  ],
  custom: [
    { key: "inbound_secret", label: "Signing secret", secret: true },
    { key: "outbound_url", label: "Outbound URL" },
  ],
  webchat: [],
};

function configFrom(fields: Field[], values: Record<string, string>) {
  const config: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.key]?.trim() ?? "";
    if (!value) continue;
    config[field.key] = field.json ? JSON.parse(value) : value;
  }
  return config;
}

function ConnectForm({ onConnected }: { onConnected: () => void }) {
  const [type, setType] = useState<ChannelType>("whatsapp");
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const fields = FIELDS[type] ?? [];

  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await request("/api/v1/channels", {
        method: "POST",
        json: { type, name: name || CHANNEL_LOOK[type].label, config: configFrom(fields, values) },
      });
      setValues({});
      setName("");
      setError(null);
      onConnected();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <form class="connect" onSubmit={submit} aria-label="Connect a channel">
      <h2>Connect a channel</h2>
      <label>
        Platform
        <select value={type} onChange={(e) => setType(e.currentTarget.value as ChannelType)}>
          {Object.entries(CHANNEL_LOOK).map(([key, look]) => (
            <option key={key} value={key}>
              {look.icon} {look.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      {fields.map((field) => {
        const id = `field-${type}-${field.key}`;
        const common = {
          id,
          name: field.key,
          value: values[field.key] ?? "",
          onInput: (e: { currentTarget: HTMLInputElement }) =>
            setValues({ ...values, [field.key]: e.currentTarget.value }),
        };
        return (
          <div class="field" key={id}>
            <label htmlFor={id}>
              {field.label}
              {field.optional ? " (optional)" : ""}
            </label>
            {field.secret ? (
              <input {...common} type="password" autocomplete="off" />
            ) : (
              <input {...common} />
            )}
          </div>
        );
      })}
      {error && <p class="error">{error}</p>}
      <button type="submit">Connect</button>
    </form>
  );
}

function ChannelCard({ channel, onChanged }: { channel: Channel; onChanged: () => void }) {
  const [to, setTo] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const look = CHANNEL_LOOK[channel.type];
  const verifyToken = channel.config?.verify_token;
  const secretsSet = channel.secrets_set ?? [];

  const test = async (event: Event) => {
    event.preventDefault();
    try {
      const sent = await request<{ external_id: string }>(`/api/v1/channels/${channel.id}/test`, {
        method: "POST",
        json: { to },
      });
      setResult(`Sent (platform id ${sent.external_id})`);
    } catch (e) {
      setResult((e as Error).message);
    }
  };

  const syncTemplates = async () => {
    try {
      const { data } = await request<{ data: unknown[] }>(
        `/api/v1/channels/${channel.id}/templates/sync`,
        { method: "POST" },
      );
      setResult(`${data.length} template(s) synced`);
    } catch (e) {
      setResult((e as Error).message);
    }
  };

  const disconnect = async () => {
    if (!confirm(`Disconnect ${channel.name}? Its conversations are kept.`)) return;
    await request(`/api/v1/channels/${channel.id}`, { method: "DELETE" });
    onChanged();
  };

  return (
    <article class="channel-card" data-channel={channel.id}>
      <h3>
        {look.icon} {channel.name} <small>{look.label}</small>
      </h3>
      {channel.webhook_url && (
        <p>
          Webhook URL to paste into the platform: <code class="webhook">{channel.webhook_url}</code>
        </p>
      )}
      {typeof verifyToken === "string" && (
        <p>
          Verify token: <code>{verifyToken}</code>
        </p>
      )}
      {secretsSet.length > 0 && <p>Stored secrets: {secretsSet.join(", ")}</p>}
      {channel.type !== "webchat" && (
        <form onSubmit={test}>
          <input
            aria-label="Send a test to"
            placeholder="Send a test to…"
            value={to}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
          <button type="submit" disabled={!to.trim()}>
            Test
          </button>
        </form>
      )}
      {channel.type === "whatsapp" && (
        <button type="button" onClick={syncTemplates}>
          Sync templates
        </button>
      )}
      <button type="button" class="danger" onClick={disconnect}>
        Disconnect
      </button>
      {result && <p class="result">{result}</p>}
    </article>
  );
}

export function ChannelSettings() {
  const [channels, setChannels] = useState<Channel[]>([]);
  const load = () =>
    request<{ data: Channel[] }>("/api/v1/channels").then(({ data }) => setChannels(data));
  useEffect(() => {
    load();
  }, []);
  return (
    <main class="settings">
      <a href="/">← Inbox</a>
      <h1>Channels</h1>
      {channels.map((channel) => (
        <ChannelCard key={channel.id} channel={channel} onChanged={load} />
      ))}
      <ConnectForm onConnected={load} />
    </main>
  );
}

export default ChannelSettings;
