import { CircleAlert } from "lucide-preact";
import type { components } from "../../../client/schema";
import { Button, Checkbox, t } from "../../shared/ui";

export type Subscription = components["schemas"]["WebhookSubscription"];
export type Saved = components["schemas"]["UpdatedWebhookSubscription"];
export type Delivery = components["schemas"]["WebhookDelivery"];
export type WebhookEvent = Subscription["events"][number];

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
  "ai.handoff",
  "ai.resolved",
  "csat.answered",
] as const satisfies readonly WebhookEvent[];
// fails to compile when the API accepts an event this list lacks
const everyEvent: Exclude<WebhookEvent, (typeof EVENTS)[number]> extends never ? true : never =
  true;
void everyEvent;

export const BASE = "/api/v1/webhook-subscriptions";

/** The server's word on a URL, said plainly when it is a private address. */
export const urlError = (error: string | undefined) =>
  error && /public address/.test(error) ? t("webhooks.urlNotPublic") : error;

export function EventChecklist({
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
