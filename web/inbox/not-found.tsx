import { Compass } from "lucide-preact";
import { EmptyState, t } from "../shared/ui";

/** Any path the app does not know. */
export function NotFound() {
  return (
    <main class="page" id="main">
      <EmptyState
        icon={<Compass size={22} />}
        title={t("app.notFound.title")}
        action={
          <a class="btn primary" href="/">
            {t("app.notFound.back")}
          </a>
        }
      >
        {t("app.notFound.body")}
      </EmptyState>
    </main>
  );
}
