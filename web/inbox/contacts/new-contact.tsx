import { useState } from "preact/hooks";
import { Field, FormDialog, TextInput, t, useSubmit } from "../../shared/ui";
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
  const [draft, setDraft] = useState(EMPTY);
  const form = useSubmit(
    async () => {
      const body = Object.fromEntries(
        Object.entries(draft)
          .map(([k, v]) => [k, v.trim()])
          .filter(([, v]) => v),
      );
      const contact = await createContact(body);
      setDraft(EMPTY);
      onCreated(contact);
    },
    { success: t("contacts.created"), inline: true },
  );
  const { errors } = form;
  const input = (name: keyof typeof EMPTY) => ({
    name,
    value: draft[name],
    onInput: (e: Event) =>
      setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t("contacts.new")}
      description={t("contacts.newHint")}
      submit={t("common.create")}
      form={form}
    >
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
    </FormDialog>
  );
}
