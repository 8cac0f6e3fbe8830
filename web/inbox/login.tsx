import { useState } from "preact/hooks";
import { request } from "../shared/api";

export function Login({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await request("/api/v1/auth/login", { method: "POST", json: { email, password } });
      onSignedIn();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form class="login" onSubmit={submit}>
      <h1>Conversa</h1>
      <label>
        Email
        <input
          type="email"
          name="email"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      {error && <p class="error">{error}</p>}
      <button type="submit">Sign in</button>
    </form>
  );
}
