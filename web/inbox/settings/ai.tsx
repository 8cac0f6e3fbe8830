import { useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Button,
  Checkbox,
  Field,
  formatNumber,
  ListState,
  PageHeader,
  Switch,
  TextInput,
  t,
  useResource,
  useSubmit,
} from "../../shared/ui";
import { RecentCalls } from "./ai-calls";
import "./people.css";
import "./ai.css";

type Settings = components["schemas"]["AiSettings"];
type Usage = components["schemas"]["AiUsage"];
type Put = components["schemas"]["AiSettingsPut"];

/** What the form edits: numbers as typed, the key only when a new one is typed. */
type Form = {
  enabled: boolean;
  base_url: string;
  model: string;
  embedding_model: string;
  api_key: string;
  monthly_token_budget: string;
  conversation_token_budget: string;
  timeout_s: string;
  redact_pii: boolean;
  classify_on_arrival: boolean;
};

const formOf = (s: Settings): Form => ({
  enabled: s.enabled,
  base_url: s.base_url ?? "",
  model: s.model,
  embedding_model: s.embedding_model,
  api_key: "",
  monthly_token_budget: s.monthly_token_budget?.toString() ?? "",
  conversation_token_budget: s.conversation_token_budget?.toString() ?? "",
  timeout_s: String(s.timeout_ms / 1000),
  redact_pii: s.redact_pii,
  classify_on_arrival: s.classify_on_arrival,
});

/** An empty budget is no limit; anything else goes as typed, for the server to judge. */
const budget = (text: string) => (text.trim() === "" ? null : Number(text));

function bodyOf(form: Form, initial: Settings): Put {
  return {
    enabled: form.enabled,
    ...(form.base_url !== (initial.base_url ?? "") ? { base_url: form.base_url.trim() } : {}),
    model: form.model,
    embedding_model: form.embedding_model,
    ...(form.api_key.trim() ? { api_key: form.api_key.trim() } : {}),
    monthly_token_budget: budget(form.monthly_token_budget),
    conversation_token_budget: budget(form.conversation_token_budget),
    timeout_ms: Math.round(Number(form.timeout_s) * 1000),
    redact_pii: form.redact_pii,
    classify_on_arrival: form.classify_on_arrival,
  };
}

function ProviderForm({ initial, onSaved }: { initial: Settings; onSaved: () => void }) {
  const [form, setForm] = useState<Form>(formOf(initial));
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const { busy, errors, submit } = useSubmit(
    async () => {
      await request("/api/v1/ai/settings", { method: "PUT", json: bodyOf(form, initial) });
      onSaved();
    },
    { success: t("ai.saved") },
  );
  const text = (key: keyof Form) => ({
    name: key,
    value: form[key] as string,
    onInput: (e: Event) => set({ [key]: (e.currentTarget as HTMLInputElement).value }),
  });
  return (
    <form class="card form" onSubmit={submit} noValidate aria-label={t("ai.provider")}>
      <h2>{t("ai.provider")}</h2>
      <div class="switch-list">
        <Switch
          checked={form.enabled}
          onChange={(enabled) => set({ enabled })}
          label={t("ai.enabled")}
        />
        {errors.enabled && (
          <span class="field-error" role="alert">
            {errors.enabled}
          </span>
        )}
      </div>
      <Field label={t("ai.baseUrl")} hint={t("ai.baseUrlHint")} error={errors.base_url}>
        <TextInput {...text("base_url")} type="url" inputMode="url" dir="ltr" />
      </Field>
      <Field
        label={t("ai.apiKey")}
        hint={
          initial.api_key_set
            ? t("ai.apiKeySet", { last4: initial.api_key_last4 ?? "" })
            : t("ai.apiKeyNotSet")
        }
        error={errors.api_key}
      >
        <TextInput {...text("api_key")} type="password" autoComplete="off" dir="ltr" />
      </Field>
      <div class="ai-pair">
        <Field label={t("ai.model")} error={errors.model}>
          <TextInput {...text("model")} dir="ltr" />
        </Field>
        <Field label={t("ai.embeddingModel")} error={errors.embedding_model}>
          <TextInput {...text("embedding_model")} dir="ltr" />
        </Field>
      </div>
      <div class="ai-pair">
        <Field
          label={t("ai.monthlyBudget")}
          hint={t("ai.budgetHint")}
          error={errors.monthly_token_budget}
        >
          <TextInput {...text("monthly_token_budget")} inputMode="numeric" />
        </Field>
        <Field
          label={t("ai.conversationBudget")}
          hint={t("ai.budgetHint")}
          error={errors.conversation_token_budget}
        >
          <TextInput {...text("conversation_token_budget")} inputMode="numeric" />
        </Field>
      </div>
      <Field label={t("ai.timeout")} error={errors.timeout_ms}>
        <TextInput {...text("timeout_s")} inputMode="decimal" class="input ai-short" />
      </Field>
      <Checkbox
        checked={form.redact_pii}
        onChange={(redact_pii) => set({ redact_pii })}
        label={t("ai.redactPii")}
        hint={t("ai.redactPiiHint")}
      />
      <Checkbox
        checked={form.classify_on_arrival}
        onChange={(classify_on_arrival) => set({ classify_on_arrival })}
        label={t("ai.classifyOnArrival")}
        hint={t("ai.classifyOnArrivalHint")}
      />
      <div class="form-actions">
        <Button variant="primary" type="submit" loading={busy}>
          {t("common.save")}
        </Button>
      </div>
    </form>
  );
}

function UsageCard({ usage }: { usage: Usage }) {
  const budget = usage.monthly_token_budget;
  const share = budget ? Math.min(1, usage.total_tokens / budget) : 0;
  return (
    <section class="card ai-usage" aria-labelledby="ai-usage-title">
      <h2 id="ai-usage-title">{t("ai.usageTitle")}</h2>
      <p class="ai-usage-total">
        {budget === null
          ? t("ai.usedNoLimit", { used: formatNumber(usage.total_tokens) })
          : t("ai.usedOf", {
              used: formatNumber(usage.total_tokens),
              budget: formatNumber(budget),
            })}
      </p>
      {budget !== null && (
        <div
          class={`ai-bar ${share >= 1 ? "full" : share >= 0.8 ? "near" : ""}`}
          role="progressbar"
          aria-label={t("ai.usageTitle")}
          aria-valuemin={0}
          aria-valuemax={budget}
          aria-valuenow={Math.min(usage.total_tokens, budget)}
        >
          <span style={{ inlineSize: `${share * 100}%` }} />
        </div>
      )}
      {usage.by_feature.length > 0 ? (
        <dl class="ai-features">
          {usage.by_feature.map((f) => (
            <div key={f.feature}>
              <dt>{t(`ai.feature.${f.feature}`)}</dt>
              <dd>{formatNumber(f.total_tokens)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p class="muted">{t("ai.noUsage")}</p>
      )}
    </section>
  );
}

export default function AiScreen() {
  const settings = useResource<Settings>("/api/v1/ai/settings");
  const usage = useResource<Usage>("/api/v1/ai/usage");
  const [version, setVersion] = useState(0);
  return (
    <div class="page">
      <PageHeader title={t("ai.title")} description={t("ai.description")} />
      <div class="stack">
        <ListState data={settings.data} error={settings.error} onRetry={settings.reload} rows={6}>
          {(data) => (
            <ProviderForm
              key={version}
              initial={data}
              onSaved={async () => {
                await Promise.all([settings.reload(), usage.reload()]);
                setVersion((v) => v + 1);
              }}
            />
          )}
        </ListState>
        <ListState data={usage.data} error={usage.error} onRetry={usage.reload} rows={2}>
          {(data) => <UsageCard usage={data} />}
        </ListState>
        <RecentCalls version={version} />
      </div>
    </div>
  );
}
