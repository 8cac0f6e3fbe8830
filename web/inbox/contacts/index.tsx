import { Contact } from "lucide-preact";
import { EmptyState, t } from "../../shared/ui";

export default function Contacts() {
  return (
    <main class="page" id="main">
      <EmptyState icon={<Contact size={22} />} title={t("app.contacts")} />
    </main>
  );
}
