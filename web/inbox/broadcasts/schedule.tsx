import { Field, TextInput, t } from "../../shared/ui";
import { instantOf, nowWall } from "./zoned";

/** Send when started, or at a wall-clock time in the workspace's time zone. */
export type Schedule = { at: "now" } | { at: "later"; wall: string };

export const scheduleReady = (schedule: Schedule, zone: string) =>
  schedule.at === "now" || instantOf(schedule.wall, zone) !== null;

export function ScheduleStep({
  schedule,
  zone,
  onChange,
  errors,
}: {
  schedule: Schedule;
  zone: string;
  onChange: (schedule: Schedule) => void;
  errors: Record<string, string>;
}) {
  return (
    <div class="stack schedule-step">
      <fieldset class="plain-fieldset stack">
        <legend>{t("broadcasts.schedule.when")}</legend>
        <label class="check-row radio-row">
          <input
            type="radio"
            name="when"
            checked={schedule.at === "now"}
            onChange={() => onChange({ at: "now" })}
          />
          <span>
            <strong>{t("broadcasts.schedule.now")}</strong>
            <span class="muted small">{t("broadcasts.schedule.nowHint")}</span>
          </span>
        </label>
        <label class="check-row radio-row">
          <input
            type="radio"
            name="when"
            checked={schedule.at === "later"}
            onChange={() => onChange({ at: "later", wall: nowWall(zone, 60) })}
          />
          <span>
            <strong>{t("broadcasts.schedule.later")}</strong>
            <span class="muted small">{t("broadcasts.schedule.laterHint")}</span>
          </span>
        </label>
      </fieldset>
      {schedule.at === "later" && (
        <Field
          label={t("broadcasts.schedule.at")}
          error={errors.send_at}
          hint={t("broadcasts.schedule.zone", { zone: zone.replaceAll("_", " ") })}
        >
          <TextInput
            type="datetime-local"
            value={schedule.wall}
            min={nowWall(zone)}
            onInput={(e) => onChange({ at: "later", wall: e.currentTarget.value })}
          />
        </Field>
      )}
    </div>
  );
}
