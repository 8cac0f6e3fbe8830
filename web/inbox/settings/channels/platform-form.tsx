import { Plus, Trash2 } from "lucide-preact";
import type { ChannelType } from "../../../../worker/db/schema";
import {
  Button,
  Field,
  type FieldErrors,
  IconButton,
  Select,
  TextInput,
  t,
} from "../../../shared/ui";
import { channelFieldError, type PlatformField, platformFields } from "./fields";

export type Values = Record<string, unknown>;
type Account = { area: string; from: string; cap_count?: number; cap_hours?: number };

const AREAS = ["all", "tickets", "invoices", "customers"] as const;
const PROVIDERS = [
  { value: "resend", label: "Resend" },
  { value: "sendgrid", label: "SendGrid" },
  { value: "postmark", label: "Postmark" },
];

function areaName(area: string) {
  switch (area) {
    case "tickets":
      return t("channels.area.tickets");
    case "invoices":
      return t("channels.area.invoices");
    case "customers":
      return t("channels.area.customers");
    default:
      return t("channels.area.all");
  }
}

/** Email sender accounts: an area, a From line and an optional cap of N emails per H hours. */
function AccountsEditor({
  accounts,
  onChange,
  errors,
}: {
  accounts: Account[];
  onChange: (accounts: Account[]) => void;
  errors: FieldErrors;
}) {
  const set = (i: number, patch: Partial<Account>) =>
    onChange(accounts.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const number = (value: string) => (value.trim() === "" ? undefined : Number(value));
  return (
    <fieldset class="sub-list">
      <legend>{t("channels.field.from_accounts")}</legend>
      <p class="hint">{t("channels.hint.from_accounts")}</p>
      {errors["config.from_accounts"] && (
        <p class="field-error" role="alert">
          {errors["config.from_accounts"]}
        </p>
      )}
      {accounts.map((account, i) => (
        <div class="account-row" key={i}>
          <Field label={t("channels.field.area")}>
            <Select
              value={account.area}
              options={AREAS.map((a) => ({ value: a, label: areaName(a) }))}
              onChange={(e) => set(i, { area: e.currentTarget.value })}
            />
          </Field>
          <Field
            label={t("channels.field.sender")}
            error={errors[`config.from_accounts.${i}.from`]}
          >
            <TextInput
              value={account.from}
              placeholder="Acme Support <support@acme.com>"
              onInput={(e) => set(i, { from: e.currentTarget.value })}
            />
          </Field>
          <Field
            label={t("channels.field.cap_count")}
            error={errors[`config.from_accounts.${i}.cap_count`]}
          >
            <TextInput
              type="number"
              min={1}
              value={account.cap_count ?? ""}
              onInput={(e) => set(i, { cap_count: number(e.currentTarget.value) })}
            />
          </Field>
          <Field
            label={t("channels.field.cap_hours")}
            error={errors[`config.from_accounts.${i}.cap_hours`]}
          >
            <TextInput
              type="number"
              min={0.01}
              step="any"
              value={account.cap_hours ?? ""}
              onInput={(e) => set(i, { cap_hours: number(e.currentTarget.value) })}
            />
          </Field>
          <IconButton
            label={t("channels.removeSender")}
            icon={<Trash2 size={16} />}
            disabled={accounts.length === 1}
            onClick={() => onChange(accounts.filter((_, j) => j !== i))}
          />
        </div>
      ))}
      <Button
        size="sm"
        variant="ghost"
        icon={<Plus size={16} />}
        onClick={() => onChange([...accounts, { area: "all", from: "" }])}
      >
        {t("channels.addSender")}
      </Button>
    </fieldset>
  );
}

/**
 * The platform's settings as fields. `stored` lists secrets already saved: their inputs stay
 * empty and say that leaving them blank keeps them.
 */
export function PlatformForm({
  type,
  values,
  onChange,
  errors,
  stored,
}: {
  type: ChannelType;
  values: Values;
  onChange: (values: Values) => void;
  errors: FieldErrors;
  stored?: string[];
}) {
  const set = (key: string, value: unknown) => onChange({ ...values, [key]: value });
  const editing = stored !== undefined;
  const input = (field: PlatformField) => {
    const value = (values[field.key] as string | undefined) ?? "";
    if (field.kind === "provider")
      return (
        <Select
          name={field.key}
          value={value}
          placeholder={t("channels.chooseProvider")}
          options={PROVIDERS}
          onChange={(e) => set(field.key, e.currentTarget.value)}
        />
      );
    const secretStored = field.kind === "secret" && stored?.includes(field.key);
    const common = {
      name: field.key,
      spellcheck: false,
      placeholder: secretStored ? t("channels.secretStored") : field.placeholder,
      value,
      onInput: (e: { currentTarget: HTMLInputElement }) => set(field.key, e.currentTarget.value),
    };
    if (field.kind === "secret")
      return <TextInput {...common} type="password" autocomplete="new-password" />;
    if (field.kind === "url") return <TextInput {...common} type="url" autocomplete="off" />;
    return <TextInput {...common} type="text" autocomplete="off" />;
  };
  return (
    <>
      {platformFields(type).map((field) =>
        field.kind === "accounts" ? (
          <AccountsEditor
            key={field.key}
            accounts={
              (values.from_accounts as Account[] | undefined) ?? [{ area: "all", from: "" }]
            }
            onChange={(accounts) => set("from_accounts", accounts)}
            errors={errors}
          />
        ) : (
          <Field
            key={field.key}
            label={
              <>
                {field.label}
                {field.optional && <span class="optional"> {t("channels.optional")}</span>}
              </>
            }
            hint={
              editing && field.kind === "url"
                ? [field.hint, t("channels.hint.urlChange")].filter(Boolean).join(" ")
                : field.hint
            }
            error={channelFieldError(errors[`config.${field.key}`])}
          >
            {input(field)}
          </Field>
        ),
      )}
    </>
  );
}

/** What goes to the API: trimmed strings, blanks left out (a blank secret keeps the stored one). */
export function configFrom(type: ChannelType, values: Values, initial: Values = {}) {
  const config: Values = {};
  for (const field of platformFields(type)) {
    const value = values[field.key];
    if (field.kind === "accounts") {
      if (JSON.stringify(value) !== JSON.stringify(initial[field.key]) && value !== undefined)
        config[field.key] = value;
      continue;
    }
    const text = typeof value === "string" ? value.trim() : "";
    if (text === "" || text === initial[field.key]) continue;
    config[field.key] = text;
  }
  return config;
}
