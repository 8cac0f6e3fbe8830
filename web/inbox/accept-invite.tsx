import { useEffect, useState } from "preact/hooks";
import { ApiError, request } from "../shared/api";
import { Avatar, Button, Field, problemMessage, TextInput, t } from "../shared/ui";
import { AuthCard, AuthError } from "./auth-card";
import type { Me } from "./me";
import { switchWorkspace } from "./workspace-switcher";

type Preview = {
  workspace: { id: string; name: string };
  email: string;
  role: string;
  expires_at: string;
};

/** The token travels in the link's fragment (never sent to a server); it leaves the address bar at once. */
function tokenFromLink() {
  const token = decodeURIComponent(location.hash.slice(1));
  if (token) history.replaceState(null, "", "/invite");
  return token;
}

/**
 * Joining a workspace from an invitation link: a newcomer picks a name and password; someone who
 * already has an account proves it with their password, or accepts while signed in.
 */
export function AcceptInvite({ me }: { me: Me | null }) {
  const [token, setToken] = useState(tokenFromLink);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!token) return;
    setError(null);
    request<Preview>("/api/v1/auth/invitation", { method: "POST", json: { token } }).then(
      setPreview,
      (e: unknown) => setError(problemMessage(e)),
    );
  }, [token]);

  if (!token) return <TokenForm onToken={setToken} />;
  if (!preview) {
    return (
      <AuthCard title={t("auth.invitation")}>
        {error ? (
          <AuthError>{error}</AuthError>
        ) : (
          <p class="auth-loading" aria-busy="true">
            {t("common.loading")}
          </p>
        )}
      </AuthCard>
    );
  }
  if (me?.user) return <AcceptSignedIn me={me} token={token} preview={preview} />;
  return <AcceptWithPassword token={token} preview={preview} />;
}

function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState("");
  return (
    <AuthCard title={t("auth.invitation")} subtitle={t("auth.tokenSubtitle")}>
      <form
        class="auth-form"
        onSubmit={(e) => {
          e.preventDefault();
          onToken(value.trim());
        }}
      >
        <Field label={t("auth.token")}>
          <TextInput
            name="token"
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
            required
            autoFocus
          />
        </Field>
        <Button type="submit" variant="primary" class="auth-submit">
          {t("auth.continue")}
        </Button>
      </form>
    </AuthCard>
  );
}

const roleName = (role: string) =>
  ["owner", "admin", "supervisor", "agent"].includes(role) ? t(`auth.roles.${role}`) : role;

/** Who is invited, to what, as what. */
function InvitationSummary({ preview }: { preview: Preview }) {
  return (
    <div class="auth-invite">
      <Avatar name={preview.workspace.name} size={36} />
      <p>{t("auth.invitedAs", { email: preview.email, role: roleName(preview.role) })}</p>
    </div>
  );
}

function AcceptSignedIn({ me, token, preview }: { me: Me; token: string; preview: Preview }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const accept = async () => {
    setBusy(true);
    try {
      await request("/api/v1/invitations/accept", { method: "POST", json: { token } });
      await switchWorkspace(preview.workspace.id);
    } catch (e) {
      setError(problemMessage(e));
      setBusy(false);
    }
  };
  const signOut = async () => {
    await request("/api/v1/auth/logout", { method: "POST" });
    location.replace(`/invite#${encodeURIComponent(token)}`);
    location.reload();
  };
  const mine = me.user?.email === preview.email;
  return (
    <AuthCard title={t("auth.join", { workspace: preview.workspace.name })}>
      <InvitationSummary preview={preview} />
      <div class="auth-form">
        {mine ? (
          <Button variant="primary" class="auth-submit" loading={busy} onClick={accept}>
            {t("auth.acceptAndOpen", { workspace: preview.workspace.name })}
          </Button>
        ) : (
          <>
            <p class="auth-note">
              {t("auth.signedInAsOther", { current: me.user?.email ?? "", email: preview.email })}
            </p>
            <Button class="auth-submit" onClick={signOut}>
              {t("auth.signOut")}
            </Button>
          </>
        )}
        {error && <AuthError>{error}</AuthError>}
      </div>
    </AuthCard>
  );
}

function AcceptWithPassword({ token, preview }: { token: string; preview: Preview }) {
  const [hasAccount, setHasAccount] = useState(false);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await request("/api/v1/auth/accept-invite", {
        method: "POST",
        json: hasAccount ? { token, password } : { token, name, password },
      });
      location.assign("/");
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 409) {
        setHasAccount(true);
        setPassword("");
        setError(t("auth.accountExists"));
      } else if (e instanceof ApiError && e.problem.status === 401) {
        setError(t("auth.wrongPassword"));
      } else setError(problemMessage(e));
      setBusy(false);
    }
  };
  return (
    <AuthCard title={t("auth.join", { workspace: preview.workspace.name })}>
      <InvitationSummary preview={preview} />
      <form class="auth-form" onSubmit={submit}>
        <input type="hidden" name="email" autocomplete="username" value={preview.email} />
        {!hasAccount && (
          <Field label={t("auth.yourName")}>
            <TextInput
              name="name"
              autocomplete="name"
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              required
            />
          </Field>
        )}
        <Field
          label={hasAccount ? t("auth.currentPassword") : t("auth.choosePassword")}
          hint={hasAccount ? undefined : t("auth.passwordHint")}
        >
          <TextInput
            type="password"
            name="password"
            autocomplete={hasAccount ? "current-password" : "new-password"}
            minLength={hasAccount ? 1 : 8}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </Field>
        {error && <AuthError>{error}</AuthError>}
        <Button type="submit" variant="primary" class="auth-submit" loading={busy}>
          {hasAccount ? t("auth.signInAndJoin") : t("auth.createAndJoin")}
        </Button>
        <button
          type="button"
          class="auth-link"
          onClick={() => {
            setHasAccount(!hasAccount);
            setError(null);
          }}
        >
          {hasAccount ? t("auth.iAmNew") : t("auth.iHaveAccount")}
        </button>
      </form>
    </AuthCard>
  );
}
