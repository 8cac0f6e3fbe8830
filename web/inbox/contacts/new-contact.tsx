import { useState } from "preact/hooks";
import { Dialog, Field, FormFooter, TextInput, t, useSubmit } from "../../shared/ui";
import { type Contact, createContact, identityError } from "./api";

const EMPTY = { name: "", phone: "", email: "" };

/** Name, phone and email of a new contact; the server's objections sit under each field. */
export function NewContactDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (contact: Contact) => void;
}) {
  const [form, setForm] = useState(EMPTY);
  const { busy, errors, submit, setErrors } = useSubmit(
    async () => {
      const body = Object.fromEntries(
        Object.entries(form)
          .map(([k, v]) => [k, v.trim()])
          .filter(([, v]) => v),
      );
      const contact = await createContact(body);
      setForm(EMPTY);
      onCreated(contact);
    },
    { success: t("contacts.created") },
  );
  const close = () => {
    setErrors({});
    onClose();
  };
  const input = (name: keyof typeof EMPTY) => ({
    name,
    value: form[name],
    onInput: (e: Event) =>
      setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  return (
    <Dialog
      open={open}
      onClose={close}
      title={t("contacts.new")}
      footer={
        <FormFooter form="new-contact" busy={busy} onCancel={close} submit={t("common.create")} />
      }
    >
      <form id="new-contact" class="form" onSubmit={submit} noValidate>
        <p class="muted">{t("contacts.newHint")}</p>
        <Field label={t("contacts.column.name")} error={errors.name}>
          <TextInput {...input("name")} autocomplete="off" />
        </Field>
        <Field
          label={t("contacts.column.phone")}
          error={identityError(errors.phone)}
          hint={t("contacts.phoneHint")}
        >
          <TextInput {...input("phone")} type="tel" autocomplete="off" />
        </Field>
        <Field label={t("contacts.column.email")} error={identityError(errors.email)}>
          <TextInput {...input("email")} type="email" autocomplete="off" />
        </Field>
      </form>
    </Dialog>
  );
}
