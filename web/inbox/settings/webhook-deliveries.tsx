import { History, RefreshCw, RotateCcw } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  Dialog,
  EmptyState,
  formatDate,
  formatNumber,
  formatRelative,
  problemMessage,
  SkeletonRows,
  t,
  toast,
} from "../../shared/ui";
import { BASE, type Delivery, type Subscription } from "./webhook-events";

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

export function DeliveryLog({
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
