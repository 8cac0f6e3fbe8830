import { ErrorBoundary, Route, Router } from "preact-iso";
import { NotFound } from "../not-found";
import BroadcastBuilder from "./builder";
import BroadcastDetail from "./detail";
import BroadcastList from "./list";
import "../contacts/segments/segments.css";
import "./broadcasts.css";
import "./ab.css";

/** /broadcasts lists them; /new and /:id/edit build one; /:id follows one as it sends. */
export default function Broadcasts() {
  return (
    <ErrorBoundary>
      <Router>
        <Route path="/" component={BroadcastList} />
        <Route path="/new" component={() => <BroadcastBuilder />} />
        <Route
          path="/:id/edit"
          component={({ id }: { id: string }) => <BroadcastBuilder id={id} />}
        />
        <Route path="/:id" component={({ id }: { id: string }) => <BroadcastDetail id={id} />} />
        <Route default component={NotFound} />
      </Router>
    </ErrorBoundary>
  );
}
