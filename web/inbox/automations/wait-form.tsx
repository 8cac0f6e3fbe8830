import { Field, Select, TextInput, t } from "../../shared/ui";
import type { Step } from "./api";
import { WeekdayChecks } from "./conditions";
import { int, type StepFormProps } from "./step-form-kit";

type WaitStep = Extract<Step, { type: "wait" }>;

export function WaitForm({ step, onChange, path, errors }: StepFormProps<WaitStep>) {
  const err = (name: string) => errors[`${path}.${name}`];
  const mode = step.until ? "until" : "minutes";
  return (
    <>
      <Field label={t("automations.wait.mode")}>
        <Select
          value={mode}
          options={[
            { value: "minutes", label: t("automations.wait.for") },
            { value: "until", label: t("automations.wait.until") },
          ]}
          onChange={(e) =>
            onChange(
              e.currentTarget.value === "until"
                ? { id: step.id, type: "wait", until: { time: "09:00" } }
                : { id: step.id, type: "wait", minutes: 60 },
            )
          }
        />
      </Field>
      {step.until ? (
        <>
          <Field
            label={t("automations.wait.time")}
            error={err("until.time")}
            hint={t("automations.wait.timeHint")}
          >
            <TextInput
              type="time"
              value={step.until.time}
              onInput={(e) =>
                onChange({ ...step, until: { ...step.until, time: e.currentTarget.value } })
              }
            />
          </Field>
          <WeekdayChecks
            days={step.until.days ?? []}
            error={err("until.days")}
            onChange={(days) =>
              onChange({
                ...step,
                until: { time: step.until?.time ?? "09:00", days: days.length ? days : undefined },
              })
            }
          />
        </>
      ) : (
        <Field label={t("automations.wait.minutes")} error={err("minutes")}>
          <TextInput
            type="number"
            min={1}
            value={step.minutes ?? ""}
            onInput={(e) => onChange({ ...step, minutes: int(e.currentTarget.value) })}
          />
        </Field>
      )}
    </>
  );
}
