import { Field, type FieldErrors, Select, TextArea, t } from "../../shared/ui";
import type { ClosingRules } from "./directory";

/** What the agent answers on closing: one of the workspace's reasons and a note. */
export type Closing = { reason: string; note: string };

export const startClosing = (rules: ClosingRules): Closing => ({
  reason: rules.close_reasons[0] ?? "",
  note: "",
});

/** The part of a close request the answers fill: only what was given. */
export const closingBody = ({ reason, note }: Closing) => ({
  ...(reason ? { reason } : {}),
  ...(note.trim() ? { note: note.trim() } : {}),
});

/**
 * The reason (when the workspace has reasons) and the note (required when it says so) asked on
 * closing one conversation or many.
 */
export function CloseFields({
  rules,
  value,
  onChange,
  errors,
}: {
  rules: ClosingRules;
  value: Closing;
  onChange: (value: Closing) => void;
  errors: FieldErrors;
}) {
  return (
    <>
      {rules.close_reasons.length > 0 && (
        <Field label={t("conversation.closeReason")} error={errors.reason}>
          <Select
            value={value.reason}
            onChange={(e) => onChange({ ...value, reason: e.currentTarget.value })}
            options={rules.close_reasons.map((r) => ({ value: r, label: r }))}
          />
        </Field>
      )}
      <Field
        label={
          rules.require_close_note
            ? t("conversation.closeNoteRequired")
            : t("conversation.closeNote")
        }
        error={errors.note}
      >
        <TextArea
          rows={3}
          value={value.note}
          aria-required={rules.require_close_note}
          onInput={(e) => onChange({ ...value, note: e.currentTarget.value })}
        />
      </Field>
    </>
  );
}
