import { useEffect, useMemo, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import { LANGUAGES } from "../../shared/i18n";
import {
  Button,
  Combobox,
  Field,
  ListState,
  PageHeader,
  Select,
  TextInput,
  t,
  useResource,
  useSubmit,
} from "../../shared/ui";
import { useSession } from "../session";
import "./people.css";
import { countryOptions, timezoneOptions } from "./places";

type Settings = components["schemas"]["WorkspaceSettingsResult"];
type Form = Pick<Settings, "name" | "timezone" | "default_country" | "language">;

function GeneralForm({ initial, onSaved }: { initial: Settings; onSaved: () => void }) {
  const [form, setForm] = useState<Form>({
    name: initial.name,
    timezone: initial.timezone,
    default_country: initial.default_country,
    language: initial.language,
  });
  const zones = useMemo(timezoneOptions, []);
  const countries = useMemo(countryOptions, []);
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const { busy, errors, submit } = useSubmit(
    async () => {
      await request("/api/v1/workspace/settings", { method: "PATCH", json: form });
      onSaved();
    },
    { success: t("general.saved") },
  );
  return (
    <form class="card form" onSubmit={submit} noValidate>
      <Field label={t("general.name")} error={errors.name}>
        <TextInput
          name="name"
          value={form.name}
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </Field>
      <Field label={t("general.timezone")} hint={t("general.timezoneHint")} error={errors.timezone}>
        <Combobox
          options={zones}
          value={form.timezone}
          onChange={(timezone) => set({ timezone })}
        />
      </Field>
      <Field
        label={t("general.country")}
        hint={t("general.countryHint")}
        error={errors.default_country}
      >
        <Combobox
          options={countries}
          value={form.default_country}
          onChange={(default_country) => set({ default_country })}
        />
      </Field>
      <Field label={t("general.language")} hint={t("general.languageHint")} error={errors.language}>
        <Select
          name="language"
          value={form.language ?? ""}
          placeholder={t("general.browserLanguage")}
          options={LANGUAGES.map((l) => ({ value: l.code, label: l.name }))}
          onChange={(e) => set({ language: (e.currentTarget.value || null) as Form["language"] })}
        />
      </Field>
      <div class="form-actions">
        <Button variant="primary" type="submit" loading={busy}>
          {t("common.save")}
        </Button>
      </div>
    </form>
  );
}

export default function GeneralScreen() {
  const { data, error, reload } = useResource<Settings>("/api/v1/workspace/settings");
  const { refresh } = useSession();
  const [version, setVersion] = useState(0);
  useEffect(() => setVersion((v) => v + 1), [data]);
  return (
    <div class="page">
      <PageHeader title={t("general.title")} description={t("general.description")} />
      <ListState data={data} error={error} onRetry={reload} rows={4}>
        {(settings) => (
          <GeneralForm
            key={version}
            initial={settings}
            onSaved={() => {
              reload();
              // the workspace's name shows in the rail and switcher
              refresh();
            }}
          />
        )}
      </ListState>
    </div>
  );
}
