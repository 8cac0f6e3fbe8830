import { useEffect, useState } from "preact/hooks";
import { Dialog, Field, FormFooter, formatDate, Select, t } from "../../shared/ui";
import type { ContactField, FieldValue } from "./api";
import { FieldInput } from "./field-input";

type Operator = "eq" | "ne" | "contains" | "gt" | "gte" | "lt" | "lte" | "set" | "unset";

const OPERATORS: Record<ContactField["type"], Operator[]> = {
  text: ["contains", "eq", "ne", "set", "unset"],
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "set", "unset"],
  date: ["eq", "gt", "lt", "gte", "lte", "set", "unset"],
  boolean: ["eq", "set", "unset"],
  select: ["eq", "ne", "set", "unset"],
};

function operatorLabel(op: Operator, type: ContactField["type"]) {
  const dated = type === "date";
  switch (op) {
    case "eq":
      return t("contacts.op.eq");
    case "ne":
      return t("contacts.op.ne");
    case "contains":
      return t("contacts.op.contains");
    case "gt":
      return dated ? t("contacts.op.after") : t("contacts.op.gt");
    case "gte":
      return dated ? t("contacts.op.onOrAfter") : t("contacts.op.gte");
    case "lt":
      return dated ? t("contacts.op.before") : t("contacts.op.lt");
    case "lte":
      return dated ? t("contacts.op.onOrBefore") : t("contacts.op.lte");
    case "set":
      return t("contacts.op.set");
    case "unset":
      return t("contacts.op.unset");
  }
}

function valueLabel(field: ContactField, value: string) {
  if (field.type === "boolean") return value === "true" ? t("common.yes") : t("common.no");
  if (field.type === "date") return formatDate(`${value}T12:00:00Z`, { dateStyle: "medium" });
  return value;
}

/** A filter as people read it: "Balance at least 100". */
export function describeFilter(filter: string, fields: ContactField[]) {
  const [key = "", op = "eq", ...rest] = filter.split(":");
  const field = fields.find((f) => f.key === key);
  if (!field) return filter;
  const value = rest.join(":");
  const operator = operatorLabel(op as Operator, field.type);
  return value
    ? `${field.label} ${operator} ${valueLabel(field, value)}`
    : `${field.label} ${operator}`;
}

/** Picks a custom field, an operator its type allows and a value of its type. */
export function FieldFilterDialog({
  open,
  fields,
  onClose,
  onApply,
}: {
  open: boolean;
  fields: ContactField[];
  onClose: () => void;
  onApply: (filter: string) => void;
}) {
  const [key, setKey] = useState("");
  const [op, setOp] = useState<Operator>("eq");
  const [value, setValue] = useState<FieldValue | null>(null);
  const [error, setError] = useState<string | undefined>();
  const field = fields.find((f) => f.key === key) ?? fields[0];

  useEffect(() => {
    if (!open) return;
    setKey(fields[0]?.key ?? "");
    setOp(fields[0] ? (OPERATORS[fields[0].type][0] as Operator) : "eq");
    setValue(fields[0]?.type === "boolean" ? false : null);
    setError(undefined);
  }, [open, fields]);

  if (!field) return null;
  const needsValue = op !== "set" && op !== "unset";
  const apply = (event: Event) => {
    event.preventDefault();
    if (needsValue && (value === null || value === "")) {
      setError(t("common.errors.required"));
      return;
    }
    onApply(`${field.key}:${op}${needsValue ? `:${String(value)}` : ""}`);
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("contacts.filter.title")}
      footer={
        <FormFooter form="field-filter" onCancel={onClose} submit={t("contacts.filter.apply")} />
      }
    >
      <form id="field-filter" class="form" onSubmit={apply}>
        <Field label={t("contacts.filter.field")}>
          <Select
            value={field.key}
            options={fields.map((f) => ({ value: f.key, label: f.label }))}
            onChange={(e) => {
              const next = fields.find((f) => f.key === e.currentTarget.value);
              if (!next) return;
              setKey(next.key);
              setOp(OPERATORS[next.type][0] as Operator);
              setValue(next.type === "boolean" ? false : null);
              setError(undefined);
            }}
          />
        </Field>
        <Field label={t("contacts.filter.operator")}>
          <Select
            value={op}
            options={OPERATORS[field.type].map((o) => ({
              value: o,
              label: operatorLabel(o, field.type),
            }))}
            onChange={(e) => setOp(e.currentTarget.value as Operator)}
          />
        </Field>
        {needsValue && (
          <Field label={t("contacts.filter.value")} error={error}>
            <FieldInput
              field={field}
              value={value}
              onChange={(v) => {
                setValue(field.type === "boolean" ? (v ?? false) : v);
                setError(undefined);
              }}
            />
          </Field>
        )}
      </form>
    </Dialog>
  );
}
