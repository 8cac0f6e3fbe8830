import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Me } from "./me";

type Session = { me: Me; refresh: () => Promise<void>; signOut: () => Promise<void> };

export const SessionContext = createContext<Session | null>(null);

/** The signed-in person and their role here; only used under the signed-in shell. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside the signed-in app");
  return session;
}

export const isAdmin = (me: Me) => me.role === "owner" || me.role === "admin";

/** The language the person chose in their profile, if any (else the browser's is used). */
export const preferredLanguage = (me: Me | null): string | null => me?.user?.language ?? null;
