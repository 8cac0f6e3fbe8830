import { ErrorBoundary, Route, Router } from "preact-iso";
import { NotFound } from "../not-found";
import ContactPage from "./contact-page";
import ContactList from "./list";
import "./contacts.css";

/** /contacts lists them; /contacts/:id is one contact. */
export default function Contacts() {
  return (
    <ErrorBoundary>
      <Router>
        <Route path="/" component={ContactList} />
        <Route path="/:id" component={({ id }: { id: string }) => <ContactPage id={id} />} />
        <Route default component={NotFound} />
      </Router>
    </ErrorBoundary>
  );
}
