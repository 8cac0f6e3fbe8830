import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ErrorBoundary, LocationProvider, lazy, Route, Router, useLocation } from "preact-iso";
import { request } from "../shared/api";
import { ConfirmHost, loadLanguage, Toaster, t } from "../shared/ui";
import "../shared/ui/ui.css";
import { AcceptInvite } from "./accept-invite";
import { Inbox } from "./inbox";
import { Login } from "./login";
import type { Me } from "./me";
import { NotFound } from "./not-found";
import { preferredLanguage, SessionContext } from "./session";
import { Shell } from "./shell";
import "./inbox.css";
import "./shell.css";

// screens other than the inbox load on first visit
const Contacts = lazy(() => import("./contacts"));
const Settings = lazy(() => import("./settings/layout"));
const Automations = lazy(() => import("./automations"));
const SentHistory = lazy(() => import("./sent"));
const Broadcasts = lazy(() => import("./broadcasts"));
const ScheduledCalendar = lazy(() => import("./scheduled"));
const Reports = lazy(() => import("./reports"));

function SignedIn({
  me,
  refresh,
  signOut,
}: {
  me: Me;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}) {
  const inbox = inboxSelection(useLocation().path);
  return (
    <SessionContext.Provider value={{ me, refresh, signOut }}>
      <Shell>
        {inbox !== null ? (
          // one inbox for the list and every conversation: opening one keeps the list as it is
          <Inbox me={me} selected={inbox || undefined} onSignedOut={signOut} />
        ) : (
          <Routes />
        )}
      </Shell>
    </SessionContext.Provider>
  );
}

/** The conversation the address opens ("" for the bare inbox), or null outside the inbox. */
function inboxSelection(path: string) {
  if (path === "/") return "";
  const match = path.match(/^\/c\/([^/]+)$/);
  return match ? decodeURIComponent(match[1] as string) : null;
}

function Routes() {
  return (
    <Router>
      <Route path="/contacts/*" component={Contacts} />
      <Route path="/contacts" component={Contacts} />
      <Route path="/automations/*" component={Automations} />
      <Route path="/automations" component={Automations} />
      <Route path="/sent" component={SentHistory} />
      <Route path="/scheduled" component={ScheduledCalendar} />
      <Route path="/reports" component={Reports} />
      <Route path="/broadcasts/*" component={Broadcasts} />
      <Route path="/broadcasts" component={Broadcasts} />
      <Route path="/settings/*" component={Settings} />
      <Route path="/settings" component={Settings} />
      <Route default component={NotFound} />
    </Router>
  );
}

function App() {
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = async () => {
    const next = await request<Me>("/api/v1/me").catch(() => null);
    await loadLanguage(preferredLanguage(next));
    setMe(next);
  };
  const signOut = async () => {
    await request("/api/v1/auth/logout", { method: "POST" }).catch(() => {});
    setMe(null);
  };
  useEffect(() => {
    refresh();
  }, []);
  if (me === undefined)
    return (
      <p class="boot" aria-busy="true">
        {t("common.loading")}
      </p>
    );
  // invitees arrive here signed out, or signed in as someone who may already have an account
  if (path === "/invite") return <AcceptInvite me={me} />;
  if (me === null) return <Login onSignedIn={refresh} />;
  return <SignedIn me={me} refresh={refresh} signOut={signOut} />;
}

render(
  <LocationProvider>
    <ErrorBoundary onError={(e) => console.error(e)}>
      <App />
      <Toaster />
      <ConfirmHost />
    </ErrorBoundary>
  </LocationProvider>,
  document.getElementById("app") as HTMLElement,
);
