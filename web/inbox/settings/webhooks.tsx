import { History, Pencil, Plus, Trash2, TriangleAlert, Webhook } from "lucide-preact";
import { useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  deleteAfterConfirm,
  EmptyState,
  IconButton,
  ListState,
  PageHeader,
  problemMessage,
  Switch,
  t,
  toast,
  useList,
} from "../../shared/ui";
import "./developers.css";
import { DeliveryLog } from "./webhook-deliveries";
import { SubscriptionDialog } from "./webhook-dialog";
import { BASE, type Subscription } from "./webhook-events";

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
    const gone = await deleteAfterConfirm({
      url: `${BASE}/${s.id}`,
      title: t("webhooks.deleteTitle"),
      body: t("webhooks.deleteBody", { url: s.url }),
      done: t("webhooks.deleted"),
    });
    if (gone) onChanged();
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
  const { items: subscriptions, error, reload: load } = useList<Subscription>(BASE);
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const createButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setOpen({ kind: "create" })}>
      {t("webhooks.create")}
    </Button>
  );
  return (
    <div class="page">
      <PageHeader
        title={t("settings.nav.webhooks")}
        description={t("webhooks.description")}
        actions={subscriptions?.length ? createButton : null}
      />
      <ListState
        data={subscriptions}
        error={error}
        onRetry={load}
        rows={3}
        empty={
          <div class="card">
            <EmptyState
              icon={<Webhook size={22} />}
              title={t("webhooks.emptyTitle")}
              action={createButton}
            >
              {t("webhooks.emptyBody")}
            </EmptyState>
          </div>
        }
      >
        {(rows) => (
          <ul class="webhook-list" aria-label={t("settings.nav.webhooks")}>
            {rows.map((s) => (
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
      </ListState>
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
