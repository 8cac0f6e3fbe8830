import { CalendarClock, X } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Button,
  Checkbox,
  Field,
  FormDialog,
  formatDate,
  IconButton,
  problemMessage,
  TextArea,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { at, toLocalInput } from "./action-dialogs";
import {
  type FallbackDraft,
  FallbackFields,
  fallbackBody,
  NO_FALLBACK,
  NO_REPEAT,
  type RepeatDraft,
  RepeatFields,
  repeatBody,
} from "./schedule-options";

type Scheduled = components["schemas"]["ScheduledMessage"];

const scheduleIn = (conversationId: string, body: Record<string, unknown>) =>
  request<Scheduled>("/api/v1/scheduled-messages", {
    method: "POST",
    json: { conversation_id: conversationId, ...body },
  });

type Preset = { label: string; when: Date; businessHours: boolean };

function presets(): Preset[] {
  return [
    {
      label: t("conversation.schedule.inAnHour"),
      when: new Date(Date.now() + 3_600_000),
      businessHours: false,
    },
    { label: t("conversation.schedule.tomorrowNine"), when: at(1, 9), businessHours: false },
    // from midnight, the business hours' next opening is the next business morning
    { label: t("conversation.schedule.nextBusinessMorning"), when: at(1, 0), businessHours: true },
  ];
}

/**
 * Schedules the composer's text into this conversation at a time the agent picks, once or
 * repeating; on WhatsApp, with a template to send instead if the 24-hour window has closed.
 */
export function ScheduleDialog({
  open,
  conversationId,
  channel,
  text: initial,
  onClose,
  onScheduled,
}: {
  open: boolean;
  conversationId: string;
  channel: { id: string; type: string };
  text: string;
  onClose: () => void;
  onScheduled: (message: Scheduled) => void;
}) {
  const [text, setText] = useState(initial);
  const [when, setWhen] = useState("");
  const [businessHours, setBusinessHours] = useState(false);
  const [repeat, setRepeat] = useState<RepeatDraft>(NO_REPEAT);
  const [fallback, setFallback] = useState<FallbackDraft>(NO_FALLBACK);
  useEffect(() => {
    if (!open) return;
    setText(initial);
    setWhen(toLocalInput(new Date(Date.now() + 3_600_000)));
    setBusinessHours(false);
    setRepeat(NO_REPEAT);
    setFallback(NO_FALLBACK);
  }, [open]);
  const date = when ? new Date(when) : null;
  const valid = date !== null && !Number.isNaN(date.getTime());
  const form = useSubmit(
    async () => {
      const message = await scheduleIn(conversationId, {
        send_at: valid ? date.toISOString() : when,
        message: { text: text.trim() },
        ...(businessHours ? { business_hours: {} } : {}),
        ...repeatBody(repeat),
        ...fallbackBody(fallback),
      });
      onScheduled(message);
      onClose();
      toast.success(
        t("conversation.schedule.scheduledFor", {
          when: formatDate(message.send_at, { dateStyle: "full", timeStyle: "short" }),
        }),
      );
    },
    { inline: true },
  );
  const { errors } = form;
  /** A changed option drops the refusal shown beside it (`repeat…`, `fallback_template…`). */
  const changing =
    <T,>(set: (value: T) => void, path: string) =>
    (value: T) => {
      set(value);
      form.setErrors(
        Object.fromEntries(Object.entries(errors).filter(([k]) => !k.startsWith(path))),
      );
    };
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t("conversation.schedule.title")}
      description={t("conversation.schedule.hint")}
      submit={t("conversation.schedule.submit")}
      form={form}
    >
      <Field
        label={t("conversation.schedule.text")}
        error={errors["message.text"] ?? errors.message}
      >
        <TextArea
          name="scheduled-text"
          rows={3}
          dir="auto"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </Field>
      <div class="snooze-presets">
        {presets().map((preset) => (
          <Button
            key={preset.label}
            size="sm"
            aria-pressed={
              when === toLocalInput(preset.when) && businessHours === preset.businessHours
            }
            onClick={() => {
              setWhen(toLocalInput(preset.when));
              setBusinessHours(preset.businessHours);
            }}
          >
            {preset.label}
          </Button>
        ))}
      </div>
      <Field
        label={t("conversation.schedule.when")}
        error={errors.send_at ?? errors.business_hours}
      >
        <TextInput
          type="datetime-local"
          name="scheduled-at"
          value={when}
          min={toLocalInput(new Date())}
          onInput={(e) => setWhen(e.currentTarget.value)}
        />
      </Field>
      <Checkbox
        checked={businessHours}
        onChange={setBusinessHours}
        label={t("conversation.schedule.businessHours")}
        hint={t("conversation.schedule.businessHoursHint")}
      />
      <RepeatFields value={repeat} onChange={changing(setRepeat, "repeat")} errors={errors} />
      {channel.type === "whatsapp" && (
        <FallbackFields
          channelId={channel.id}
          value={fallback}
          onChange={changing(setFallback, "fallback_template")}
          errors={errors}
        />
      )}
      <p class="snooze-preview" aria-live="polite">
        {valid
          ? t(
              businessHours
                ? "conversation.schedule.previewBusiness"
                : "conversation.schedule.preview",
              { when: formatDate(date, { dateStyle: "full", timeStyle: "short" }) },
            )
          : t("conversation.pickTime")}
      </p>
    </FormDialog>
  );
}

/** The button beside Send that opens the dialog. */
export function ScheduleButton({ disabled, onClick }: { disabled: boolean; onClick: () => void }) {
  return (
    <IconButton
      size="sm"
      label={t("conversation.schedule.open")}
      icon={<CalendarClock size={18} />}
      disabled={disabled}
      onClick={onClick}
    />
  );
}

const preview = (m: Scheduled) =>
  m.message.text ?? m.message.template?.name ?? t("conversation.schedule.snippet");

/** The contact's messages waiting to go out, soonest first, each with its cancel button. */
export function ScheduledList({ contactId, version }: { contactId: string; version: number }) {
  const [items, setItems] = useState<Scheduled[]>([]);
  const load = () =>
    request<{ data: Scheduled[] }>(
      `/api/v1/scheduled-messages?contact_id=${encodeURIComponent(contactId)}&status=pending`,
    ).then(
      ({ data }) => setItems(data),
      () => setItems([]),
    );
  useEffect(() => {
    load();
  }, [contactId, version]);
  const cancel = async (message: Scheduled) => {
    try {
      await request(`/api/v1/scheduled-messages/${message.id}/cancel`, { method: "POST" });
      toast.success(t("conversation.schedule.cancelled"));
      await load();
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  if (items.length === 0) return <p class="muted">{t("conversation.schedule.none")}</p>;
  return (
    <ul class="scheduled-list">
      {items.map((m) => (
        <li key={m.id}>
          <span class="preview" dir="auto">
            {preview(m)}
          </span>
          <time dateTime={m.send_at}>
            {formatDate(m.send_at, { dateStyle: "medium", timeStyle: "short" })}
          </time>
          <IconButton
            size="sm"
            label={t("conversation.schedule.cancel")}
            icon={<X size={14} />}
            onClick={() => cancel(m)}
          />
        </li>
      ))}
    </ul>
  );
}
