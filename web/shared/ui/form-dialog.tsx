import { CircleAlert } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { Dialog } from "./dialog";
import { FormFooter } from "./form-footer";
import type { Submission } from "./forms";

type FormDialogProps = {
  open?: boolean;
  onClose: () => void;
  title: ComponentChildren;
  /** a line under the title saying what the form is for */
  description?: ComponentChildren;
  /** the submit button's label; Save when not given */
  submit?: string;
  /** `useSubmit(action, { inline: true })` of the dialog's action */
  form: Submission;
  children: ComponentChildren;
  wide?: boolean;
  kind?: "modal" | "drawer";
  /** a button in the footer before Cancel, such as a step back */
  footerStart?: ComponentChildren;
  /** a class added to the form's own */
  formClass?: string;
};

/**
 * A dialog around one form: Cancel / submit footer, busy state, the problem's field errors beside
 * their fields (the first invalid one gets focus) and anything else as a form-level error.
 * Esc, the close button and Cancel all close it and forget the errors.
 */
export function FormDialog({
  open = true,
  onClose,
  title,
  description,
  submit,
  form,
  children,
  wide,
  kind,
  formClass,
  footerStart,
}: FormDialogProps) {
  const id = useId();
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }, [form.errors]);
  const close = () => {
    form.setErrors({});
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      wide={wide}
      kind={kind}
      footer={
        <FormFooter
          form={id}
          busy={form.busy}
          onCancel={close}
          submit={submit}
          start={footerStart}
        />
      }
    >
      <form ref={ref} id={id} class={`form ${formClass ?? ""}`} onSubmit={form.submit} noValidate>
        {description && (
          <p class="muted form-description" dir="auto">
            {description}
          </p>
        )}
        {form.formError && (
          <p class="form-error" role="alert">
            <CircleAlert size={16} aria-hidden="true" class="icon" />
            {form.formError}
          </p>
        )}
        {children}
      </form>
    </Dialog>
  );
}
