import { Checkbox, Field, type FieldErrors, Select, TextInput, t } from "../../shared/ui";
import { type TemplateChoice, TemplateFields } from "./templates";

const UNITS = ["hours", "days", "weeks", "months"] as const;

export type RepeatDraft = {
  unit: "" | (typeof UNITS)[number];
  every: string;
  ends: "until" | "count";
  /** a day ("2026-12-31"): the last it may go on */
  until: string;
  count: string;
};

export const NO_REPEAT: RepeatDraft = {
  unit: "",
  every: "1",
  ends: "count",
  until: "",
  count: "4",
};

/** A whole number as the API takes it; anything else as typed, for the API to refuse. */
const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : text);

/** The API's `repeat`, or nothing when it does not repeat. */
export function repeatBody(draft: RepeatDraft) {
  if (!draft.unit) return {};
  const end =
    draft.ends === "until"
      ? { until: draft.until ? new Date(`${draft.until}T23:59:59`).toISOString() : draft.until }
      : { count: whole(draft.count) };
  return { repeat: { every: whole(draft.every), unit: draft.unit, ...end } };
}

/** Repeat: none, or every N hours / days / weeks / months, ending on a day or after N sends. */
export function RepeatFields({
  value,
  onChange,
  errors,
}: {
  value: RepeatDraft;
  onChange: (draft: RepeatDraft) => void;
  errors: FieldErrors;
}) {
  const set = (change: Partial<RepeatDraft>) => onChange({ ...value, ...change });
  return (
    <div class="schedule-repeat">
      <Field
        label={t("conversation.schedule.repeat")}
        error={errors.repeat ?? errors["repeat.unit"]}
      >
        <Select
          name="scheduled-repeat"
          value={value.unit}
          onChange={(e) => set({ unit: e.currentTarget.value as RepeatDraft["unit"] })}
          options={[
            { value: "", label: t("conversation.schedule.repeatNone") },
            ...UNITS.map((unit) => ({
              value: unit,
              label: t(`conversation.schedule.repeatUnit.${unit}`),
            })),
          ]}
        />
      </Field>
      {value.unit && (
        <div class="schedule-repeat-grid">
          <Field
            label={t(`conversation.schedule.every.${value.unit}`)}
            error={errors["repeat.every"]}
          >
            <TextInput
              type="number"
              inputMode="numeric"
              min={1}
              max={365}
              value={value.every}
              onInput={(e) => set({ every: e.currentTarget.value })}
            />
          </Field>
          <Field label={t("conversation.schedule.ends")}>
            <Select
              value={value.ends}
              onChange={(e) => set({ ends: e.currentTarget.value as RepeatDraft["ends"] })}
              options={[
                { value: "count", label: t("conversation.schedule.endsAfter") },
                { value: "until", label: t("conversation.schedule.endsOn") },
              ]}
            />
          </Field>
          {value.ends === "count" ? (
            <Field
              label={t("conversation.schedule.count")}
              hint={t("conversation.schedule.countHint")}
              error={errors["repeat.count"]}
            >
              <TextInput
                type="number"
                inputMode="numeric"
                min={2}
                max={1000}
                value={value.count}
                onInput={(e) => set({ count: e.currentTarget.value })}
              />
            </Field>
          ) : (
            <Field label={t("conversation.schedule.until")} error={errors["repeat.until"]}>
              <TextInput
                type="date"
                value={value.until}
                onInput={(e) => set({ until: e.currentTarget.value })}
              />
            </Field>
          )}
        </div>
      )}
    </div>
  );
}

export type FallbackDraft = { on: boolean; template: TemplateChoice | null };

export const NO_FALLBACK: FallbackDraft = { on: false, template: null };

/** The API's `fallback_template` when asked for (an empty one is refused beside the picker). */
export const fallbackBody = (draft: FallbackDraft) =>
  draft.on ? { fallback_template: draft.template ?? {} } : {};

/** WhatsApp: an approved template to send instead when the 24-hour window has closed. */
export function FallbackFields({
  channelId,
  value,
  onChange,
  errors,
}: {
  channelId: string;
  value: FallbackDraft;
  onChange: (draft: FallbackDraft) => void;
  errors: FieldErrors;
}) {
  return (
    <div class="schedule-fallback">
      <Checkbox
        checked={value.on}
        onChange={(on) => onChange({ ...value, on })}
        label={t("conversation.schedule.fallback")}
        hint={t("conversation.schedule.fallbackHint")}
      />
      {value.on && (
        <TemplateFields
          channelId={channelId}
          value={value.template}
          onChange={(template) => onChange({ ...value, template })}
          errors={errors}
          path="fallback_template"
          label={t("conversation.schedule.fallbackTemplate")}
        />
      )}
    </div>
  );
}
