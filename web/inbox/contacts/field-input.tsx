import { Select, Switch, t } from "../../shared/ui";
import type { ContactField, FieldValue } from "./api";

/** The control a field's type calls for, producing the value its type stores (or null). */
export function FieldInput({
  field,
  value,
  onChange,
  ...aria
}: {
  field: ContactField;
  value: FieldValue | null;
  onChange: (value: FieldValue | null) => void;
  id?: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
  "aria-label"?: string;
}) {
  switch (field.type) {
    case "boolean":
      return (
        <Switch
          checked={value === true}
          onChange={onChange}
          label={value === true ? t("common.yes") : t("common.no")}
        />
      );
    case "select":
      return (
        <Select
          {...aria}
          value={typeof value === "string" ? value : ""}
          placeholder={t("contacts.field.choose")}
          options={field.options.map((o) => ({ value: o, label: o }))}
          onChange={(e) => onChange(e.currentTarget.value || null)}
        />
      );
    case "number":
      return (
        <input
          {...aria}
          class="input"
          type="number"
          step="any"
          value={typeof value === "number" ? String(value) : ""}
          onInput={(e) => {
            const text = e.currentTarget.value;
            onChange(text === "" ? null : Number(text));
          }}
        />
      );
    case "date":
      return (
        <input
          {...aria}
          class="input"
          type="date"
          value={typeof value === "string" ? value : ""}
          onInput={(e) => onChange(e.currentTarget.value || null)}
        />
      );
    default:
      return (
        <input
          {...aria}
          class="input"
          type="text"
          value={typeof value === "string" ? value : ""}
          onInput={(e) => onChange(e.currentTarget.value === "" ? null : e.currentTarget.value)}
        />
      );
  }
}
