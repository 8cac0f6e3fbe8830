import { useEffect, useMemo, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Button,
  Checkbox,
  Field,
  formatDate,
  ListState,
  PageHeader,
  problemMessage,
  Select,
  Switch,
  TextInput,
  t,
  toast,
  useList,
  useResource,
  useSubmit,
} from "../../shared/ui";
import { dayName, WEEK } from "./hours-format";
import "./config.css";

type Schedule = components["schemas"]["ReportEmailSchedule"];
type Input = components["schemas"]["ReportEmailScheduleInput"];
type User = components["schemas"]["User"];
type Channel = components["schemas"]["Channel"];

const PATH = "/api/v1/reports/email-schedule";
const READERS = new Set(["supervisor", "admin", "owner"]);

/** How the last send went: when, and who it could not reach. */
function LastSend({ schedule }: { schedule: Schedule }) {
  if (!schedule.last_sent_at) return <p class="muted">{t("report-emails.neverSent")}</p>;
  const when = formatDate(schedule.last_sent_at);
  return (
    <div>
      <p class="muted">{t("report-emails.lastSent", { when })}</p>
      {schedule.last_error && (
        <p class="field-error" role="alert">
          {t("report-emails.lastError", { error: schedule.last_error })}
        </p>
      )}
    </div>
  );
}

function ScheduleForm({
  saved,
  channels,
  readers,
  onSaved,
}: {
  saved: Schedule;
  channels: Channel[];
  readers: User[];
  onSaved: (schedule: Schedule) => void;
}) {
  const [form, setForm] = useState<Input>({
    channel_id: saved.channel_id ?? channels[0]?.id ?? "",
    recipient_ids: saved.recipient_ids,
    frequency: saved.frequency,
    weekday: saved.weekday,
    time: saved.time,
    enabled: saved.channel_id ? saved.enabled : true,
  });
  const set = (patch: Partial<Input>) => setForm({ ...form, ...patch });
  const toggle = (id: string, on: boolean) =>
    set({
      recipient_ids: on
        ? [...form.recipient_ids, id]
        : form.recipient_ids.filter((other) => other !== id),
    });
  const { busy, errors, submit } = useSubmit(
    async () => onSaved(await request<Schedule>(PATH, { method: "PUT", json: form })),
    { success: t("report-emails.saved") },
  );
  const [testing, setTesting] = useState(false);
  const sendTest = async () => {
    setTesting(true);
    try {
      const sent = await request<{ sent_to: string }>(`${PATH}/send-test`, { method: "POST" });
      toast.success(t("report-emails.testSent", { email: sent.sent_to }));
    } catch (error) {
      toast.error(problemMessage(error));
    } finally {
      setTesting(false);
    }
  };
  const recipientError = Object.entries(errors).find(([path]) =>
    path.startsWith("recipient_ids"),
  )?.[1];
  return (
    <form class="card form" onSubmit={submit} noValidate>
      <Switch
        checked={form.enabled ?? true}
        onChange={(enabled) => set({ enabled })}
        label={t("report-emails.enabled")}
      />
      <Field label={t("report-emails.channel")} error={errors.channel_id}>
        <Select
          name="channel_id"
          value={form.channel_id}
          options={channels.map((c) => ({ value: c.id, label: c.name }))}
          onChange={(e) => set({ channel_id: e.currentTarget.value })}
        />
      </Field>
      <Field label={t("report-emails.frequency")} error={errors.frequency}>
        <Select
          name="frequency"
          value={form.frequency}
          options={[
            { value: "weekly", label: t("report-emails.weekly") },
            { value: "daily", label: t("report-emails.daily") },
          ]}
          onChange={(e) => set({ frequency: e.currentTarget.value as Input["frequency"] })}
        />
      </Field>
      {form.frequency === "weekly" && (
        <Field label={t("report-emails.weekday")} error={errors.weekday}>
          <Select
            name="weekday"
            value={String(form.weekday)}
            options={WEEK.map((day) => ({ value: String(day), label: dayName(day, "long") }))}
            onChange={(e) => set({ weekday: Number(e.currentTarget.value) })}
          />
        </Field>
      )}
      <Field
        label={t("report-emails.time")}
        hint={t("report-emails.timeHint", { timezone: saved.timezone })}
        error={errors.time}
      >
        <TextInput
          type="time"
          name="time"
          value={form.time}
          onInput={(e) => set({ time: e.currentTarget.value })}
        />
      </Field>
      <Field
        label={t("report-emails.recipients")}
        hint={t("report-emails.recipientsHint")}
        error={recipientError}
      >
        <div class="report-recipients">
          {readers.map((user) => (
            <Checkbox
              key={user.id}
              name="recipient"
              checked={form.recipient_ids.includes(user.id)}
              onChange={(on) => toggle(user.id, on)}
              label={user.name}
              hint={user.email}
            />
          ))}
        </div>
      </Field>
      <LastSend schedule={saved} />
      <div class="form-actions">
        <Button type="button" onClick={sendTest} loading={testing} disabled={!saved.channel_id}>
          {t("report-emails.sendTest")}
        </Button>
        <Button variant="primary" type="submit" loading={busy}>
          {t("common.save")}
        </Button>
      </div>
    </form>
  );
}

export default function ReportEmailsScreen() {
  const { data, error, reload, setData } = useResource<Schedule>(PATH);
  const channels = useList<Channel>("/api/v1/channels");
  const users = useList<User>("/api/v1/users");
  const emailChannels = useMemo(
    () => (channels.items ?? []).filter((c) => c.type === "email"),
    [channels.items],
  );
  const readers = useMemo(
    () => (users.items ?? []).filter((u) => u.active && READERS.has(u.role)),
    [users.items],
  );
  const [version, setVersion] = useState(0);
  useEffect(() => setVersion((v) => v + 1), [channels.items, users.items]);
  const ready = data && channels.items && users.items ? data : undefined;
  return (
    <div class="page">
      <PageHeader title={t("report-emails.title")} description={t("report-emails.description")} />
      <ListState
        data={ready}
        error={error ?? channels.error ?? users.error}
        onRetry={reload}
        rows={5}
      >
        {(schedule) =>
          emailChannels.length === 0 ? (
            <p class="card muted">{t("report-emails.noChannel")}</p>
          ) : (
            <ScheduleForm
              key={version}
              saved={schedule}
              channels={emailChannels}
              readers={readers}
              onSaved={setData}
            />
          )
        }
      </ListState>
    </div>
  );
}
