import { useEffect, useState } from "preact/hooks";
import { ApiError, request } from "../shared/api";
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
      (e: Error) => setError(e.message),
    );
  }, [token]);

  if (!token) return <TokenForm onToken={setToken} />;
  if (!preview) {
    return (
      <div class="login">
        <h1>Invitation</h1>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : (
          <p class="loading">Loading…</p>
        )}
      </div>
    );
  }
  if (me?.user) return <AcceptSignedIn me={me} token={token} preview={preview} />;
  return <AcceptWithPassword token={token} preview={preview} />;
}

function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState("");
  return (
    <form
      class="login"
      onSubmit={(e) => {
        e.preventDefault();
        onToken(value.trim());
      }}
    >
      <h1>Invitation</h1>
      <label>
        Invitation token
        <input
          name="token"
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          required
        />
      </label>
      <button type="submit">Continue</button>
    </form>
  );
}

function Heading({ preview }: { preview: Preview }) {
  return (
    <>
      <h1>Join {preview.workspace.name}</h1>
      <p>
        Invitation for <strong>{preview.email}</strong> as {preview.role}.
      </p>
    </>
  );
}

function AcceptSignedIn({ me, token, preview }: { me: Me; token: string; preview: Preview }) {
  const [error, setError] = useState<string | null>(null);
  const accept = async () => {
    try {
      await request("/api/v1/invitations/accept", { method: "POST", json: { token } });
      await switchWorkspace(preview.workspace.id);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const signOut = async () => {
    await request("/api/v1/auth/logout", { method: "POST" });
    location.replace(`/invite#${encodeURIComponent(token)}`);
    location.reload();
  };
  const mine = me.user?.email === preview.email;
  return (
    <div class="login">
      <Heading preview={preview} />
      {mine ? (
        <button type="button" class="primary" onClick={accept}>
          Accept and open {preview.workspace.name}
        </button>
      ) : (
        <>
          <p>
            You are signed in as {me.user?.email}. Sign out to accept this invitation as{" "}
            {preview.email}.
          </p>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function AcceptWithPassword({ token, preview }: { token: string; preview: Preview }) {
  const [hasAccount, setHasAccount] = useState(false);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
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
      }
      setError((e as Error).message);
    }
  };
  return (
    <form class="login" onSubmit={submit}>
      <Heading preview={preview} />
      <input type="hidden" name="email" autocomplete="username" value={preview.email} />
      {!hasAccount && (
        <label>
          Your name
          <input
            name="name"
            autocomplete="name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            required
          />
        </label>
      )}
      <label>
        {hasAccount ? "Your current password" : "Choose a password"}
        <input
          type="password"
          name="password"
          autocomplete={hasAccount ? "current-password" : "new-password"}
          minLength={hasAccount ? 1 : 8}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">{hasAccount ? "Sign in and join" : "Create account and join"}</button>
      <button
        type="button"
        class="link"
        onClick={() => {
          setHasAccount(!hasAccount);
          setError(null);
        }}
      >
        {hasAccount ? "I am new to Conversa" : "I already have a Conversa account"}
      </button>
    </form>
  );
}
