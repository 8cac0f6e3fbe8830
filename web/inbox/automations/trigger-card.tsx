import {
  ChipsInput,
  Combobox,
  Field,
  type FieldErrors,
  Select,
  TextInput,
  t,
} from "../../shared/ui";
import type { Automation, References, Trigger } from "./api";
import { ChannelChecks } from "./conditions";
import { defaultTrigger, TRIGGER_TYPES } from "./model";
import { WebhookAddress } from "./webhook-address";

type Props = {
  trigger: Trigger;
  onChange: (trigger: Trigger) => void;
  errors: FieldErrors;
  refs: References;
  /** The automation as saved (null until it is): its webhook URL, and whether a secret is set. */
  automation: Automation | null;
  editable: boolean;
  onRotated: (automation: Automation) => void;
};

const timezones = () => {
  const zones =
    (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ??
    [];
  return [
    { value: "", label: t("automations.trigger.workspaceZone") },
    ...zones.map((z) => ({ value: z, label: z })),
  ];
};

/** What starts the automation: its type and that type's options. */
export function TriggerOptions(props: Props) {
  const { trigger, onChange, errors } = props;
  const err = (name: string) => errors[`trigger.${name}`];
  return (
    <div class="stack">
      <Field label={t("automations.trigger.type")} error={err("type")}>
        <Select
          name="trigger"
          value={trigger.type}
          options={TRIGGER_TYPES.map((type) => ({
            value: type,
            label: t(`automations.triggerType.${type}`),
          }))}
          onChange={(e) => onChange(defaultTrigger(e.currentTarget.value as Trigger["type"]))}
        />
      </Field>
      <TypeOptions {...props} err={err} />
    </div>
  );
}

function TypeOptions({
  trigger,
  onChange,
  refs,
  automation,
  editable,
  onRotated,
  err,
}: Props & { err: (name: string) => string | undefined }) {
  const hasSecret = automation?.has_secret ?? false;
  const channelFilter = (ids: string[] | undefined) => (
    <ChannelChecks
      label={t("automations.trigger.onlyChannels")}
      selected={ids ?? []}
      refs={refs}
      error={err("channel_ids")}
      onChange={(channel_ids) => onChange({ ...trigger, channel_ids } as Trigger)}
    />
  );
  switch (trigger.type) {
    case "message.received":
      return (
        <>
          <div class="form-row">
            <Field
              label={t("automations.trigger.keywords")}
              hint={t("automations.trigger.keywordsHint")}
              error={err("keywords")}
            >
              <ChipsInput
                values={trigger.keywords ?? []}
                placeholder={t("automations.trigger.keywordsPlaceholder")}
                onChange={(keywords) => onChange({ ...trigger, keywords })}
              />
            </Field>
            <Field label={t("automations.trigger.match")}>
              <Select
                value={trigger.match ?? "word"}
                disabled={!trigger.keywords?.length}
                options={(["word", "exact", "starts_with"] as const).map((m) => ({
                  value: m,
                  label: t(`automations.trigger.match.${m}`),
                }))}
                onChange={(e) => onChange({ ...trigger, match: e.currentTarget.value as "word" })}
              />
            </Field>
          </div>
          {channelFilter(trigger.channel_ids)}
        </>
      );
    case "conversation.opened":
    case "conversation.closed":
    case "conversation.assigned":
      return channelFilter(trigger.channel_ids);
    case "contact.tag_added":
    case "contact.tag_removed":
      return (
        <Field label={t("automations.tag")} error={err("tag")}>
          <TextInput
            value={trigger.tag}
            placeholder="vip"
            onInput={(e) => onChange({ ...trigger, tag: e.currentTarget.value })}
          />
        </Field>
      );
    case "contact.field_changed":
      return (
        <Field label={t("automations.field")} error={err("field")}>
          <Select
            value={trigger.field}
            placeholder={t("automations.choose")}
            options={refs.fields.map((f) => ({ value: f.key, label: f.label }))}
            onChange={(e) => onChange({ ...trigger, field: e.currentTarget.value })}
          />
        </Field>
      );
    case "csat.answered":
      return (
        <>
          <p class="muted small">{t("automations.triggerHint.csat.answered")}</p>
          <Field
            label={t("automations.trigger.maxScore")}
            hint={t("automations.trigger.maxScoreHint")}
            error={err("max_score")}
          >
            <TextInput
              type="number"
              min={0}
              max={10}
              value={trigger.max_score ?? ""}
              onInput={(e) => {
                const value = e.currentTarget.value;
                onChange({ ...trigger, max_score: value === "" ? undefined : Number(value) });
              }}
            />
          </Field>
          {channelFilter(trigger.channel_ids)}
        </>
      );
    case "schedule":
      return (
        <>
          <p class="muted small">{t("automations.triggerHint.schedule")}</p>
          <div class="form-row">
            <Field
              label={t("automations.trigger.cron")}
              hint={t("automations.trigger.cronHint")}
              error={err("cron")}
            >
              <TextInput
                class="input mono"
                value={trigger.cron}
                onInput={(e) => onChange({ ...trigger, cron: e.currentTarget.value })}
              />
            </Field>
            <Field label={t("automations.trigger.timezone")} error={err("timezone")}>
              <Combobox
                value={trigger.timezone ?? ""}
                options={timezones()}
                onChange={(timezone) => onChange({ ...trigger, timezone: timezone || undefined })}
              />
            </Field>
          </div>
        </>
      );
    case "webhook":
      return (
        <>
          <WebhookAddress automation={automation} editable={editable} onRotated={onRotated} />
          <Field
            label={t("automations.trigger.secret")}
            hint={
              hasSecret ? t("automations.trigger.secretSet") : t("automations.trigger.secretHint")
            }
            error={err("secret")}
          >
            <TextInput
              type="password"
              autocomplete="new-password"
              value={trigger.secret ?? ""}
              onInput={(e) => onChange({ ...trigger, secret: e.currentTarget.value })}
            />
          </Field>
        </>
      );
    default:
      return <p class="muted small">{t(`automations.triggerHint.${trigger.type}`)}</p>;
  }
}
