import { ErrorBoundary, Route, Router } from "preact-iso";
import { NotFound } from "../not-found";
import ContactPage from "./contact-page";
import ContactList from "./list";
import SegmentEditor from "./segments/editor";
import SegmentList from "./segments/list";
import "./contacts.css";
import "./segments/segments.css";

/** /contacts lists them; /contacts/segments holds saved audiences; /contacts/:id is one contact. */
export default function Contacts() {
  return (
    <ErrorBoundary>
      <Router>
        <Route path="/" component={ContactList} />
        <Route path="/segments" component={SegmentList} />
        <Route path="/segments/new" component={() => <SegmentEditor />} />
        <Route
          path="/segments/:id"
          component={({ id }: { id: string }) => <SegmentEditor id={id} />}
        />
        <Route path="/:id" component={({ id }: { id: string }) => <ContactPage id={id} />} />
        <Route default component={NotFound} />
      </Router>
    </ErrorBoundary>
  );
}
