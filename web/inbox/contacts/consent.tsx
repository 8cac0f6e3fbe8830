import {
  Badge,
  formatDate,
  formatRelative,
  Select,
  type Tone,
  t,
  useSubmit,
} from "../../shared/ui";
import type { ConsentChannel, Contact, ContactIdentity, Conversation } from "./api";
import { ChannelIcon, channelLabel } from "./channels";
import type { Save } from "./editable-rows";

const CONSENT_OF_CHANNEL: Record<string, ConsentChannel> = {
  twilio_sms: "sms",
};

/** The channels consent matters on for this contact: recorded, talked on, or reachable. */
function consentChannels(contact: Contact, conversations: Conversation[]): ConsentChannel[] {
  const channels = new Set<ConsentChannel>(Object.keys(contact.consent) as ConsentChannel[]);
  for (const c of conversations)
    channels.add(CONSENT_OF_CHANNEL[c.channel_type] ?? (c.channel_type as ConsentChannel));
  if (contact.phone) {
    channels.add("whatsapp");
    channels.add("sms");
  }
  if (contact.email) channels.add("email");
  return [...channels].sort();
}

function sourceLabel(source: string) {
  switch (source) {
    case "agent":
      return t("contacts.consent.source.agent");
    case "api":
      return t("contacts.consent.source.api");
    case "keyword":
      return t("contacts.consent.source.keyword");
    case "widget":
      return t("contacts.consent.source.widget");
    default:
      return source;
  }
}

export function ConsentList({
  contact,
  conversations,
  save,
}: {
  contact: Contact;
  conversations: Conversation[];
  save: Save;
}) {
  const channels = consentChannels(contact, conversations);
  const { run } = useSubmit(save, { success: t("contacts.consent.saved") });
  if (channels.length === 0) return <p class="muted small">{t("contacts.consent.none")}</p>;
  return (
    <ul class="consent-list">
      {channels.map((channel) => {
        const record = contact.consent[channel];
        const tone: Tone = !record
          ? "neutral"
          : record.status === "opted_in"
            ? "success"
            : "danger";
        return (
          <li key={channel}>
            <span class="consent-channel">
              <ChannelIcon kind={channel} />
              <strong>{channelLabel(channel)}</strong>
            </span>
            <span class="consent-state">
              <Badge tone={tone} dot>
                {record
                  ? record.status === "opted_in"
                    ? t("contacts.consent.optedIn")
                    : t("contacts.consent.optedOut")
                  : t("contacts.consent.unknown")}
              </Badge>
              {record && (
                <span class="muted small" title={formatDate(record.at)}>
                  {t("contacts.consent.by", {
                    source: sourceLabel(record.source),
                    when: formatRelative(record.at),
                  })}
                </span>
              )}
            </span>
            <Select
              aria-label={t("contacts.consent.change", { channel: channelLabel(channel) })}
              value={record?.status ?? ""}
              placeholder={record ? undefined : t("contacts.consent.unknown")}
              options={[
                { value: "opted_in", label: t("contacts.consent.optIn") },
                { value: "opted_out", label: t("contacts.consent.optOut") },
              ]}
              onChange={(e) => {
                const status = e.currentTarget.value;
                if (status) run({ consent: { [channel]: status } });
              }}
            />
          </li>
        );
      })}
    </ul>
  );
}

export function Identities({
  contact,
  identities,
}: {
  contact: Contact;
  identities: ContactIdentity[];
}) {
  const rows = [
    ...(contact.phone
      ? [{ kind: "sms", label: t("contacts.column.phone"), value: contact.phone }]
      : []),
    ...(contact.email
      ? [{ kind: "email", label: t("contacts.column.email"), value: contact.email }]
      : []),
    ...identities.map((i) => ({
      kind: i.channel_type,
      label: i.channel_name ?? channelLabel(i.channel_type),
      value: i.value,
    })),
  ];
  if (rows.length === 0) return <p class="muted small">{t("contacts.page.noIdentities")}</p>;
  return (
    <ul class="identity-list">
      {rows.map((row) => (
        <li key={`${row.kind}:${row.value}`}>
          <ChannelIcon kind={row.kind} />
          <span class="muted">{row.label}</span>
          <span class="mono ellipsis">{row.value}</span>
        </li>
      ))}
    </ul>
  );
}
