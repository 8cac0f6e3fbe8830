import { ExternalLink, MessageSquare, X } from "lucide-preact";
import { useState } from "preact/hooks";
import { request } from "../../../shared/api";
import {
  Button,
  Field,
  Select,
  Switch,
  TextArea,
  TextInput,
  t,
  useSubmit,
} from "../../../shared/ui";
import { CopyBox } from "./copy";
import { channelFieldError } from "./fields";
import type { Channel } from "./look";

type Ask = "off" | "optional" | "required";
type Prechat = { name: Ask; email: Ask; phone: Ask };

type Appearance = {
  language: string;
  prechat: Prechat;
  greeting: string;
  brand_color: string;
  position: "right" | "left";
  away: boolean;
  away_message: string;
  require_identity: boolean;
};

const DEFAULT_COLOUR = "#2563eb";

const NO_PRECHAT: Prechat = { name: "off", email: "off", phone: "off" };

/** The languages the widget speaks, each named in itself. */
const WIDGET_LANGUAGES = [
  { value: "en", label: "English" },
  { value: "es", label: "Español" },
  { value: "pt-BR", label: "Português (Brasil)" },
  { value: "fr", label: "Français" },
  { value: "ar", label: "العربية" },
  { value: "tr", label: "Türkçe" },
];

const appearanceOf = (config: Record<string, unknown> = {}): Appearance => ({
  language: (config.language as string | undefined) ?? "",
  prechat: { ...NO_PRECHAT, ...(config.prechat as Partial<Prechat> | undefined) },
  greeting: (config.greeting as string | undefined) ?? "",
  brand_color: (config.brand_color as string | undefined) ?? DEFAULT_COLOUR,
  position: config.position === "left" ? "left" : "right",
  away: config.away === true,
  away_message: (config.away_message as string | undefined) ?? "",
  require_identity: config.require_identity === true,
});

function prechatLabel(key: keyof Prechat) {
  switch (key) {
    case "name":
      return t("channels.prechat.name");
    case "email":
      return t("channels.prechat.email");
    case "phone":
      return t("channels.prechat.phone");
  }
}

export const embedCode = (channelId: string) =>
  `<script src="${location.origin}/widget.js" data-channel="${channelId}" async></script>`;

/** The widget as a visitor sees it on the page, drawn from the settings being edited. */
function WidgetPreview({ look, name }: { look: Appearance; name: string }) {
  const greeting = look.away
    ? look.away_message || t("channels.preview.awayDefault")
    : look.greeting || t("channels.preview.greetingDefault");
  return (
    <figure class={`widget-preview ${look.position}`} aria-label={t("channels.preview.label")}>
      <div class="preview-page" aria-hidden="true">
        <span />
        <span />
        <span />
      </div>
      <div class="preview-panel" style={{ "--brand": look.brand_color }}>
        <div class="preview-head">
          <strong>{name}</strong>
          <X size={16} />
        </div>
        <div class="preview-body">
          <p class="preview-bubble">{greeting}</p>
        </div>
        <div class="preview-compose">{t("channels.preview.placeholder")}</div>
      </div>
      <span
        class="preview-launcher"
        data-testid="preview-launcher"
        style={{ background: look.brand_color }}
      >
        <MessageSquare size={22} />
      </span>
      <figcaption class="muted">{t("channels.preview.caption")}</figcaption>
    </figure>
  );
}

/** Web chat: how the widget looks and greets, who may use it, and the code to embed it. */
export function WebchatSettings({
  channel,
  onSaved,
}: {
  channel: Channel;
  onSaved: (channel: Channel) => void;
}) {
  const initial = appearanceOf(channel.config);
  const [look, setLook] = useState(initial);
  const set = (patch: Partial<Appearance>) => setLook({ ...look, ...patch });
  const { busy, errors, submit } = useSubmit(
    async () => {
      const config: Record<string, unknown> = {};
      for (const key of Object.keys(look) as (keyof Appearance)[])
        if (JSON.stringify(look[key]) !== JSON.stringify(initial[key]))
          // an empty language means "follow the visitor": the setting is cleared
          config[key] = key === "language" && look.language === "" ? null : look[key];
      onSaved(
        await request<Channel>(`/api/v1/channels/${channel.id}`, {
          method: "PATCH",
          json: { config },
        }),
      );
    },
    { success: t("channels.saved") },
  );
  const error = (key: string) => channelFieldError(errors[`config.${key}`]);
  return (
    <div class="webchat-settings">
      <form class="form" onSubmit={submit} noValidate aria-label={t("channels.appearance")}>
        <div class="form-row">
          <div class="field">
            <label for="webchat-colour">{t("channels.field.brand_color")}</label>
            <span class="colour-input">
              <input
                type="color"
                aria-label={t("channels.field.brand_colorPicker")}
                value={/^#[0-9a-f]{6}$/i.test(look.brand_color) ? look.brand_color : DEFAULT_COLOUR}
                onInput={(e) => set({ brand_color: e.currentTarget.value })}
              />
              <TextInput
                id="webchat-colour"
                name="brand_color"
                value={look.brand_color}
                maxLength={7}
                aria-invalid={error("brand_color") ? "true" : undefined}
                aria-describedby={error("brand_color") ? "webchat-colour-error" : undefined}
                onInput={(e) => set({ brand_color: e.currentTarget.value })}
              />
            </span>
            {error("brand_color") && (
              <span id="webchat-colour-error" class="field-error" role="alert">
                {error("brand_color")}
              </span>
            )}
          </div>
          <Field label={t("channels.field.position")}>
            <Select
              name="position"
              value={look.position}
              options={[
                { value: "right", label: t("channels.position.right") },
                { value: "left", label: t("channels.position.left") },
              ]}
              onChange={(e) => set({ position: e.currentTarget.value as Appearance["position"] })}
            />
          </Field>
        </div>
        <Field
          label={t("channels.field.greeting")}
          hint={t("channels.hint.greeting")}
          error={error("greeting")}
        >
          <TextArea
            name="greeting"
            rows={2}
            maxLength={500}
            value={look.greeting}
            onInput={(e) => set({ greeting: e.currentTarget.value })}
          />
        </Field>
        <Switch
          checked={look.away}
          onChange={(away) => set({ away })}
          label={t("channels.field.away")}
        />
        {look.away && (
          <Field label={t("channels.field.away_message")} error={error("away_message")}>
            <TextArea
              name="away_message"
              rows={2}
              maxLength={500}
              value={look.away_message}
              onInput={(e) => set({ away_message: e.currentTarget.value })}
            />
          </Field>
        )}
        <div class="switch-with-hint">
          <Switch
            checked={look.require_identity}
            onChange={(require_identity) => set({ require_identity })}
            label={t("channels.field.require_identity")}
          />
          <p class="hint">{t("channels.hint.require_identity")}</p>
        </div>
        <Field label={t("channels.field.language")} hint={t("channels.hint.language")}>
          <Select
            name="language"
            value={look.language}
            placeholder={t("channels.language.auto")}
            options={WIDGET_LANGUAGES}
            onChange={(e) => set({ language: e.currentTarget.value })}
          />
        </Field>
        <fieldset class="sub-list">
          <legend>{t("channels.prechat.title")}</legend>
          <p class="hint">{t("channels.prechat.hint")}</p>
          <div class="form-row">
            {(["name", "email", "phone"] as const).map((key) => (
              <Field key={key} label={prechatLabel(key)}>
                <Select
                  name={`prechat-${key}`}
                  value={look.prechat[key]}
                  options={[
                    { value: "off", label: t("channels.prechat.off") },
                    { value: "optional", label: t("channels.prechat.optional") },
                    { value: "required", label: t("channels.prechat.required") },
                  ]}
                  onChange={(e) =>
                    set({ prechat: { ...look.prechat, [key]: e.currentTarget.value as Ask } })
                  }
                />
              </Field>
            ))}
          </div>
        </fieldset>
        <div class="form-actions">
          <Button variant="primary" type="submit" loading={busy}>
            {t("common.save")}
          </Button>
        </div>
      </form>
      <aside class="webchat-side">
        <WidgetPreview look={look} name={channel.name} />
        <CopyBox
          label={t("channels.embedCode")}
          value={embedCode(channel.id)}
          multiline
          hint={t("channels.embedHint")}
        />
        <a class="btn ghost sm" href={`/demo?channel=${channel.id}`} target="_blank" rel="noopener">
          <ExternalLink size={14} />
          {t("channels.openDemo")}
        </a>
      </aside>
    </div>
  );
}
