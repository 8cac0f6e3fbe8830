import { useState } from "preact/hooks";
import { ApiError, request } from "../shared/api";
import { Button, Field, fieldErrorsOf, problemMessage, TextInput, t } from "../shared/ui";
import { AuthCard, AuthError } from "./auth-card";

/** Why a sign-in failed, in the person's language. */
function signInError(error: unknown) {
  if (error instanceof ApiError && error.problem.status === 401) return t("auth.wrongCredentials");
  if (error instanceof ApiError && error.problem.status === 429) return t("auth.tooManyAttempts");
  return problemMessage(error);
}

export function Login({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await request("/api/v1/auth/login", { method: "POST", json: { email, password } });
      onSignedIn();
    } catch (e) {
      const byField = fieldErrorsOf(e);
      setFields(byField);
      if (Object.keys(byField).length === 0) setError(signInError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthCard title={t("auth.signInTitle")} subtitle={t("auth.signInSubtitle")}>
      <form class="auth-form" onSubmit={submit}>
        <Field label={t("auth.email")} error={fields.email}>
          <TextInput
            type="email"
            name="email"
            autocomplete="username"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            required
            autoFocus
          />
        </Field>
        <Field label={t("auth.password")} error={fields.password}>
          <TextInput
            type="password"
            name="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </Field>
        {error && <AuthError>{error}</AuthError>}
        <Button type="submit" variant="primary" class="auth-submit" loading={busy}>
          {t("auth.signIn")}
        </Button>
      </form>
    </AuthCard>
  );
}
