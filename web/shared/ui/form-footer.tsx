import type { ComponentChildren } from "preact";
import { Button } from "./button";
import { t } from "./i18n";

/** A form dialog's footer: Cancel, and the button that submits the form `form` (by its id). */
export function FormFooter({
  form,
  busy,
  onCancel,
  submit = t("common.save"),
  start,
}: {
  form: string;
  busy?: boolean;
  onCancel: () => void;
  submit?: string;
  /** a button before Cancel, such as a step back */
  start?: ComponentChildren;
}) {
  return (
    <>
      {start}
      <Button onClick={onCancel}>{t("common.cancel")}</Button>
      <Button variant="primary" type="submit" form={form} loading={busy}>
        {submit}
      </Button>
    </>
  );
}
