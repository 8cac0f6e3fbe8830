import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ErrorBoundary, LocationProvider, Route, Router } from "preact-iso";
import { request } from "../shared/api";
import { ChannelSettings } from "./channels";
import { Inbox } from "./inbox";
import { Login } from "./login";
import { TeamSettings } from "./teams";
import "./inbox.css";

export type Me = {
  user: { id: string; name: string; email: string } | null;
  role: string;
  workspace: { id: string; name: string };
};

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = () => request<Me>("/api/v1/me").then(setMe, () => setMe(null));
  useEffect(() => {
    refresh();
  }, []);
  if (me === undefined) return <p class="loading">Loading…</p>;
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
