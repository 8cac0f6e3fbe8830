import { useEffect, useState } from "preact/hooks";
import { request } from "../../shared/api";
import { Combobox, t } from "../../shared/ui";
import { useDebounced } from "../../shared/use-debounced";
import { type ContactPage, displayName, getContact } from "./api";

type ContactPickerProps = {
  /** the picked contact's id, or "" for anyone */
  value: string;
  onChange: (contactId: string) => void;
  "aria-label"?: string;
  id?: string;
};

const SHOWN = 20;

const findContacts = (q: string) =>
  request<ContactPage>(
    `/api/v1/contacts?limit=${SHOWN}${q ? `&q=${encodeURIComponent(q)}` : ""}`,
  ).then((page) => page.data);

/** Picks one contact among all of them: the server searches names, phones and e-mails. */
export function ContactPicker({ value, onChange, ...field }: ContactPickerProps) {
  const [query, setQuery] = useState("");
  const settled = useDebounced(query.trim());
  const [found, setFound] = useState<{ value: string; label: string }[]>([]);
  const [pickedName, setPickedName] = useState("");

  useEffect(() => {
    let live = true;
    findContacts(settled).then(
      (contacts) => live && setFound(contacts.map((c) => ({ value: c.id, label: displayName(c) }))),
      () => live && setFound([]),
    );
    return () => {
      live = false;
    };
  }, [settled]);
  useEffect(() => {
    if (!value) return setPickedName("");
    const known = found.find((o) => o.value === value);
    if (known) return setPickedName(known.label);
    getContact(value).then(
      (c) => setPickedName(displayName(c)),
      () => setPickedName(""),
    );
  }, [value]);

  return (
    <Combobox
      {...field}
      value={value}
      options={[{ value: "", label: t("common.anyContact") }, ...found]}
      selectedLabel={pickedName}
      onSearch={setQuery}
      onChange={onChange}
      placeholder={t("common.searchContacts")}
    />
  );
}
