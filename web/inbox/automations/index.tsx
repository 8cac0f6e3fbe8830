import { ErrorBoundary, Route, Router } from "preact-iso";
import { NotFound } from "../not-found";
import AutomationEditor from "./editor";
import AutomationList from "./list";
import RunLog from "./runs";
import "./automations.css";

/** /automations lists them; /new and /:id edit one; /:id/runs is its run log. */
export default function Automations() {
  return (
    <ErrorBoundary>
      <Router>
        <Route path="/" component={AutomationList} />
        <Route path="/new" component={() => <AutomationEditor />} />
        <Route path="/:id/runs" component={({ id }: { id: string }) => <RunLog id={id} />} />
        <Route path="/:id" component={({ id }: { id: string }) => <AutomationEditor id={id} />} />
        <Route default component={NotFound} />
      </Router>
    </ErrorBoundary>
  );
}
