import type { components } from "../../../client/schema";
import { Field, TextInput, t } from "../../shared/ui";
import type { Broadcast } from "./api";
import { freshRepeat, type Repeat, recurrenceOf, repeatOf, repeatReady } from "./repeat";
import { RepeatFields } from "./repeat-fields";
import { instantOf, nowWall, wallTimeIn } from "./zoned";

/**
 * Send when started; at a wall-clock time in the workspace's time zone; at a wall-clock time in
 * each recipient's own; or again every period.
 */
export type Schedule =
  | { at: "now" }
  | { at: "later"; wall: string }
  | { at: "local"; wall: string }
  | { at: "repeat"; repeat: Repeat };
type When = Schedule["at"];
const WHEN: When[] = ["now", "later", "local", "repeat"];

const LOCAL_WALL = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/;

export function scheduleReady(schedule: Schedule, zone: string) {
  if (schedule.at === "later") return instantOf(schedule.wall, zone) !== null;
  if (schedule.at === "local") return LOCAL_WALL.test(schedule.wall);
  if (schedule.at === "repeat") return repeatReady(schedule.repeat);
  return true;
}

/** The broadcast's `send_at` and `schedule` as the API takes them. */
export function timingOf(
  schedule: Schedule,
  zone: string,
): { send_at: string | null; schedule: components["schemas"]["BroadcastSchedule"] | null } {
  if (schedule.at === "later") return { send_at: instantOf(schedule.wall, zone), schedule: null };
  if (schedule.at === "local") return { send_at: null, schedule: { send_at_local: schedule.wall } };
  if (schedule.at === "repeat")
    return { send_at: null, schedule: { recurrence: recurrenceOf(schedule.repeat, zone) } };
  return { send_at: null, schedule: null };
}

/** The schedule a saved broadcast has, as the step edits it. */
export function scheduleOf(broadcast: Broadcast, zone: string): Schedule {
  const { schedule } = broadcast;
  if (schedule?.recurrence) return { at: "repeat", repeat: repeatOf(schedule.recurrence, zone) };
  if (schedule?.send_at_local) return { at: "local", wall: schedule.send_at_local };
  if (broadcast.send_at) return { at: "later", wall: wallTimeIn(zone, broadcast.send_at) };
  return { at: "now" };
}

function freshSchedule(at: When, zone: string): Schedule {
  if (at === "later" || at === "local") return { at, wall: nowWall(zone, 60) };
  if (at === "repeat") return { at, repeat: freshRepeat(zone) };
  return { at };
}

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
        {errors.schedule && (
          <p class="field-error" role="alert">
            {errors.schedule}
          </p>
        )}
        {WHEN.map((at) => (
          <label key={at} class="check-row radio-row">
            <input
              type="radio"
              name="when"
              checked={schedule.at === at}
              onChange={() => onChange(freshSchedule(at, zone))}
            />
            <span>
              <strong>{t(`broadcasts.schedule.${at}`)}</strong>
              <span class="muted small">{t(`broadcasts.schedule.${at}Hint`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {(schedule.at === "later" || schedule.at === "local") && (
        <Field
          label={t("broadcasts.schedule.at")}
          error={schedule.at === "later" ? errors.send_at : errors["schedule.send_at_local"]}
          hint={
            schedule.at === "later"
              ? t("broadcasts.schedule.zone", { zone: zone.replaceAll("_", " ") })
              : t("broadcasts.schedule.localZone", { zone: zone.replaceAll("_", " ") })
          }
        >
          <TextInput
            type="datetime-local"
            value={schedule.wall}
            min={schedule.at === "later" ? nowWall(zone) : undefined}
            onInput={(e) => onChange({ at: schedule.at, wall: e.currentTarget.value })}
          />
        </Field>
      )}
      {schedule.at === "repeat" && (
        <RepeatFields
          repeat={schedule.repeat}
          zone={zone}
          errors={errors}
          onChange={(repeat) => onChange({ at: "repeat", repeat })}
        />
      )}
    </div>
  );
}
