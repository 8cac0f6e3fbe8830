import { useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Button,
  Dialog,
  Field,
  FormDialog,
  Switch,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { OneTimeSecret } from "./one-time-secret";
import {
  BASE,
  EventChecklist,
  type Saved,
  type Subscription,
  urlError,
  type WebhookEvent,
} from "./webhook-events";

/** Create (no `editing`) or change a subscription; a new URL comes back with a new secret. */
export function SubscriptionDialog({
  editing,
  onClose,
  onSaved,
}: {
  editing?: Subscription | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [url, setUrl] = useState(editing?.url ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [events, setEvents] = useState<WebhookEvent[]>(editing?.events ?? []);
  const [active, setActive] = useState(editing?.active ?? true);
  const [secret, setSecret] = useState<string | null>(null);
  const form = useSubmit(
    async () => {
      const saved = editing
        ? await request<Saved>(`${BASE}/${editing.id}`, {
            method: "PATCH",
            json: { url, events, description: description.trim() || null, active },
          })
        : await request<Saved>(BASE, {
            method: "POST",
            json: {
              url,
              events,
              ...(description.trim() ? { description: description.trim() } : {}),
            },
          });
      onSaved();
      if (saved.secret) setSecret(saved.secret);
      else {
        toast.success(t("webhooks.saved"));
        onClose();
      }
    },
    { inline: true },
  );
  const { errors } = form;
  if (secret)
    return (
      <Dialog
        open
        onClose={onClose}
        title={editing ? t("webhooks.newSecretTitle") : t("webhooks.createdTitle")}
        footer={
          <Button variant="primary" onClick={onClose}>
            {t("webhooks.done")}
          </Button>
        }
      >
        <OneTimeSecret
          label={t("webhooks.secretLabel")}
          value={secret}
          warning={t("webhooks.secretWarning")}
        />
        <p class="muted secret-usage">{t("webhooks.secretUsage")}</p>
      </Dialog>
    );
  return (
    <FormDialog
      open
      wide
      onClose={onClose}
      title={editing ? t("webhooks.editTitle") : t("webhooks.createTitle")}
      submit={editing ? t("common.save") : t("webhooks.create")}
      form={form}
      formClass="webhook-form"
    >
      <Field
        label={t("webhooks.url")}
        error={urlError(errors.url)}
        hint={editing ? t("webhooks.urlHintEdit") : t("webhooks.urlHint")}
      >
        <TextInput
          name="url"
          type="url"
          inputMode="url"
          dir="ltr"
          placeholder="https://example.com/hooks/conversa"
          value={url}
          autoFocus
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
      </Field>
      <Field label={t("webhooks.descriptionLabel")} error={errors.description}>
        <TextInput
          name="description"
          value={description}
          maxLength={200}
          placeholder={t("webhooks.descriptionPlaceholder")}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </Field>
      <EventChecklist
        value={events}
        onChange={setEvents}
        // the events are a fixed list: the one way to get them wrong is to pick none
        error={errors.events ? t("webhooks.pickEvent") : undefined}
      />
      {editing && (
        <Switch checked={active} onChange={setActive} label={t("webhooks.activeLabel")} />
      )}
    </FormDialog>
  );
}
