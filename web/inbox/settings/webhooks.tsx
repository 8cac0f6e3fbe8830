import {
  CircleAlert,
  History,
  Pencil,
  Plus,
  RefreshCw,
  RotateCcw,
  Trash2,
  TriangleAlert,
  Webhook,
} from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  Checkbox,
  confirmAction,
  Dialog,
  EmptyState,
  Field,
  formatDate,
  formatNumber,
  formatRelative,
  IconButton,
  problemMessage,
  SkeletonRows,
  Switch,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { OneTimeSecret } from "./one-time-secret";
import "./developers.css";

type Subscription = components["schemas"]["WebhookSubscription"];
type Saved = components["schemas"]["UpdatedWebhookSubscription"];
type Delivery = components["schemas"]["WebhookDelivery"];
type WebhookEvent = Subscription["events"][number];

/** Every event the API accepts, in the order people think of them. */
const EVENTS = [
  "conversation.created",
  "conversation.assigned",
  "conversation.closed",
  "message.created",
  "message.status",
  "contact.created",
  "contact.updated",
  "sla.breached",
] as const satisfies readonly WebhookEvent[];
// fails to compile when the API accepts an event this list lacks
const everyEvent: Exclude<WebhookEvent, (typeof EVENTS)[number]> extends never ? true : never =
  true;
void everyEvent;

const BASE = "/api/v1/webhook-subscriptions";

/** The server's word on a URL, said plainly when it is a private address. */
const urlError = (error: string | undefined) =>
  error && /public address/.test(error) ? t("webhooks.urlNotPublic") : error;

function EventChecklist({
  value,
  onChange,
  error,
}: {
  value: WebhookEvent[];
  onChange: (events: WebhookEvent[]) => void;
  error?: string | undefined;
}) {
  const toggle = (event: WebhookEvent, on: boolean) =>
    onChange(on ? [...value, event] : value.filter((e) => e !== event));
  const all = value.length === EVENTS.length;
  return (
    <fieldset
      class="event-checklist"
      aria-invalid={error ? "true" : undefined}
      aria-describedby={error ? "events-error" : undefined}
    >
      <legend>{t("webhooks.events")}</legend>
      <div class="choices">
        {EVENTS.map((event) => (
          <Checkbox
            key={event}
            name="events"
            checked={value.includes(event)}
            onChange={(on) => toggle(event, on)}
            label={<code>{event}</code>}
            hint={t(`webhooks.event.${event}`)}
          />
        ))}
      </div>
      <Button
        size="sm"
        variant="ghost"
        class="select-all"
        onClick={() => onChange(all ? [] : [...EVENTS])}
      >
        {all ? t("webhooks.selectNone") : t("webhooks.selectAll")}
      </Button>
      {error && (
        <span id="events-error" class="field-error" role="alert">
          <CircleAlert size={14} aria-hidden="true" class="icon" />
          {error}
        </span>
      )}
    </fieldset>
  );
}

/** Create (no `editing`) or change a subscription; a new URL comes back with a new secret. */
function SubscriptionDialog({
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
  const { busy, errors, submit } = useSubmit(async () => {
    const saved = editing
      ? await request<Saved>(`${BASE}/${editing.id}`, {
          method: "PATCH",
          json: { url, events, description: description.trim() || null, active },
        })
      : await request<Saved>(BASE, {
          method: "POST",
          json: { url, events, ...(description.trim() ? { description: description.trim() } : {}) },
        });
    onSaved();
    if (saved.secret) setSecret(saved.secret);
    else {
      toast.success(t("webhooks.saved"));
      onClose();
    }
  });
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
    <Dialog
      open
      wide
      onClose={onClose}
      title={editing ? t("webhooks.editTitle") : t("webhooks.createTitle")}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" type="submit" form="webhook-form" loading={busy}>
            {editing ? t("common.save") : t("webhooks.create")}
          </Button>
        </>
      }
    >
      <form id="webhook-form" class="form webhook-form" onSubmit={submit} noValidate>
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
      </form>
    </Dialog>
  );
}

const STATE_TONE = { succeeded: "success", failed: "danger", pending: "warning" } as const;

function DeliveryItem({ delivery, onReplayed }: { delivery: Delivery; onReplayed: () => void }) {
  const [busy, setBusy] = useState(false);
  const replay = async () => {
    setBusy(true);
    try {
      await request(`/api/v1/webhook-deliveries/${delivery.id}/replay`, { method: "POST" });
      toast.success(t("webhooks.replayed"));
      onReplayed();
    } catch (e) {
      toast.error(problemMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="delivery-entry">
      <div class="delivery-head">
        <Badge tone={STATE_TONE[delivery.state]} dot>
          {t(`webhooks.state.${delivery.state}`)}
        </Badge>
        <code>{delivery.event_type}</code>
        <Button size="sm" icon={<RotateCcw size={14} />} loading={busy} onClick={replay}>
          {t("webhooks.replay")}
        </Button>
      </div>
      <div class="delivery-meta">
        <time dateTime={delivery.created_at} title={formatDate(delivery.created_at)}>
          {formatRelative(delivery.created_at)}
        </time>
        <span>{t("webhooks.attempts", { count: delivery.attempts })}</span>
        {delivery.last_status !== null && (
          <span>{t("webhooks.httpStatus", { status: delivery.last_status })}</span>
        )}
        {delivery.last_latency_ms !== null && (
          <span>{t("webhooks.latency", { ms: formatNumber(delivery.last_latency_ms) })}</span>
        )}
        {delivery.state === "pending" && delivery.next_attempt_at && (
          <span>
            {t("webhooks.nextAttempt", { when: formatRelative(delivery.next_attempt_at) })}
          </span>
        )}
      </div>
      {delivery.last_error && <p class="delivery-error">{delivery.last_error}</p>}
      {delivery.last_response && (
        <pre class="delivery-response" title={t("webhooks.response")}>
          {delivery.last_response}
        </pre>
      )}
    </li>
  );
}

function DeliveryLog({
  subscription,
  onClose,
}: {
  subscription: Subscription;
  onClose: () => void;
}) {
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [loading, setLoading] = useState(false);
  const load = async () => {
    setLoading(true);
    try {
      const page = await request<{ data: Delivery[] }>(`${BASE}/${subscription.id}/deliveries`);
      setDeliveries(page.data);
    } catch (e) {
      toast.error(problemMessage(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    load();
  }, [subscription.id]);
  return (
    <Dialog open kind="drawer" onClose={onClose} title={t("webhooks.deliveriesTitle")}>
      <div class="delivery-toolbar">
        <span class="muted webhook-url" dir="ltr">
          {subscription.url}
        </span>
        <Button size="sm" icon={<RefreshCw size={14} />} loading={loading} onClick={load}>
          {t("webhooks.refresh")}
        </Button>
      </div>
      {deliveries === null ? (
        <SkeletonRows rows={3} />
      ) : deliveries.length === 0 ? (
        <EmptyState icon={<History size={22} />} title={t("webhooks.noDeliveries")}>
          {t("webhooks.noDeliveriesBody")}
        </EmptyState>
      ) : (
        <ul class="delivery-list" aria-label={t("webhooks.deliveriesTitle")}>
          {deliveries.map((d) => (
            <DeliveryItem key={d.id} delivery={d} onReplayed={load} />
          ))}
        </ul>
      )}
    </Dialog>
  );
}

function SubscriptionCard({
  subscription: s,
  onEdit,
  onDeliveries,
  onChanged,
}: {
  subscription: Subscription;
  onEdit: () => void;
  onDeliveries: () => void;
  onChanged: () => void;
}) {
  const setActive = async (active: boolean) => {
    try {
      await request(`${BASE}/${s.id}`, { method: "PATCH", json: { active } });
      toast.success(active ? t("webhooks.switchedOn") : t("webhooks.switchedOff"));
      onChanged();
    } catch (e) {
      toast.error(problemMessage(e));
    }
  };
  const remove = async () => {
    const sure = await confirmAction({
      title: t("webhooks.deleteTitle"),
      body: t("webhooks.deleteBody", { url: s.url }),
      confirm: t("common.delete"),
      danger: true,
    });
    if (!sure) return;
    try {
      await request(`${BASE}/${s.id}`, { method: "DELETE" });
      toast.success(t("webhooks.deleted"));
      onChanged();
    } catch (e) {
      toast.error(problemMessage(e));
    }
  };
  return (
    <li class={`card webhook-card ${s.active ? "" : "off"}`}>
      <div>
        <div class="webhook-title">
          <h2 class="webhook-url" dir="ltr" title={s.url}>
            {s.url}
          </h2>
        </div>
        {s.description && <p class="webhook-description">{s.description}</p>}
        <div class="webhook-events">
          {s.events.map((e) => (
            <Badge key={e} tone="primary">
              {e}
            </Badge>
          ))}
        </div>
        {s.disabled_reason && (
          <p class="webhook-notice">
            <TriangleAlert size={16} aria-hidden="true" class="icon" />
            {t("webhooks.disabledBecause", { reason: s.disabled_reason })}
          </p>
        )}
      </div>
      <div class="webhook-actions">
        <Switch
          checked={s.active}
          onChange={setActive}
          label={s.active ? t("webhooks.active") : t("webhooks.inactive")}
        />
        <Button size="sm" icon={<History size={14} />} onClick={onDeliveries}>
          {t("webhooks.deliveries")}
        </Button>
        <IconButton
          size="sm"
          label={t("webhooks.editNamed", { url: s.url })}
          icon={<Pencil size={16} />}
          onClick={onEdit}
        />
        <IconButton
          size="sm"
          label={t("webhooks.deleteNamed", { url: s.url })}
          icon={<Trash2 size={16} />}
          onClick={remove}
        />
      </div>
    </li>
  );
}

type Open =
  | { kind: "create" }
  | { kind: "edit"; subscription: Subscription }
  | { kind: "deliveries"; subscription: Subscription }
  | null;

export default function Webhooks() {
  const [subscriptions, setSubscriptions] = useState<Subscription[] | null>(null);
  const [open, setOpen] = useState<Open>(null);
  const load = () =>
    request<{ data: Subscription[] }>(BASE).then(
      (r) => setSubscriptions(r.data),
      (e) => toast.error(problemMessage(e)),
    );
  useEffect(() => {
    load();
  }, []);
  const close = () => setOpen(null);
  const createButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setOpen({ kind: "create" })}>
      {t("webhooks.create")}
    </Button>
  );
  return (
    <div class="developers-screen">
      <header class="page-head">
        <div>
          <h1>{t("settings.nav.webhooks")}</h1>
          <p>{t("webhooks.description")}</p>
        </div>
        {subscriptions && subscriptions.length > 0 && createButton}
      </header>
      {subscriptions === null ? (
        <SkeletonRows rows={3} />
      ) : subscriptions.length === 0 ? (
        <div class="card">
          <EmptyState
            icon={<Webhook size={22} />}
            title={t("webhooks.emptyTitle")}
            action={createButton}
          >
            {t("webhooks.emptyBody")}
          </EmptyState>
        </div>
      ) : (
        <ul class="webhook-list" aria-label={t("settings.nav.webhooks")}>
          {subscriptions.map((s) => (
            <SubscriptionCard
              key={s.id}
              subscription={s}
              onChanged={load}
              onEdit={() => setOpen({ kind: "edit", subscription: s })}
              onDeliveries={() => setOpen({ kind: "deliveries", subscription: s })}
            />
          ))}
        </ul>
      )}
      {(open?.kind === "create" || open?.kind === "edit") && (
        <SubscriptionDialog
          editing={open.kind === "edit" ? open.subscription : undefined}
          onClose={close}
          onSaved={load}
        />
      )}
      {open?.kind === "deliveries" && (
        <DeliveryLog subscription={open.subscription} onClose={close} />
      )}
    </div>
  );
}
