import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from "preact-iso";
import { request } from "../shared/api";
import { AcceptInvite } from "./accept-invite";
import { ChannelSettings } from "./channels";
import { Inbox } from "./inbox";
import { Login } from "./login";
import type { Me } from "./me";
import { TeamSettings } from "./teams";
import "./inbox.css";

function App() {
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = () => request<Me>("/api/v1/me").then(setMe, () => setMe(null));
  useEffect(() => {
    refresh();
  }, []);
  if (me === undefined) return <p class="loading">Loading…</p>;
  // invitees arrive here signed out, or signed in as someone who may already have an account
  if (path === "/invite") return <AcceptInvite me={me} />;
  if (me === null) return <Login onSignedIn={refresh} />;
  return (
    <Router>
      <Route path="/" component={() => <Inbox me={me} onSignedOut={() => setMe(null)} />} />
      <Route path="/settings/channels" component={ChannelSettings} />
      <Route path="/settings/teams" component={TeamSettings} />
      <Route
        path="/c/:id"
        component={({ id }: { id: string }) => (
          <Inbox me={me} selected={id} onSignedOut={() => setMe(null)} />
        )}
      />
      <Route default component={() => <Inbox me={me} onSignedOut={() => setMe(null)} />} />
    </Router>
  );
}

render(
  <LocationProvider>
    <ErrorBoundary onError={(e) => console.error(e)}>
      <App />
    </ErrorBoundary>
  </LocationProvider>,
  document.getElementById("app") as HTMLElement,
);
