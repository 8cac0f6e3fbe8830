import { ChevronLeft } from "lucide-preact";
import type { ComponentType } from "preact";
import { ErrorBoundary, lazy, Route, Router, useLocation } from "preact-iso";
import { t } from "../../shared/ui";
import { NotFound } from "../not-found";
import { useSession } from "../session";
import { SECTIONS, type Section } from "./sections";

const GROUPS = ["personal", "workspace", "developers"] as const;
const screens = new Map(SECTIONS.map((s) => [s.id, lazy(s.load)]));

function SettingsMenu({ sections, current }: { sections: Section[]; current?: string }) {
  return (
    <nav class="settings-menu" aria-label={t("settings.menu")}>
      <h1 class="settings-title">{t("app.settings")}</h1>
      {GROUPS.map((group) => {
        const inGroup = sections.filter((s) => s.group === group);
        if (inGroup.length === 0) return null;
        return (
          <section key={group}>
            <h2>{t(`settings.groups.${group}`)}</h2>
            {inGroup.map(({ id, icon: Icon }) => (
              <a
                key={id}
                href={`/settings/${id}`}
                class={current === id ? "active" : ""}
                aria-current={current === id ? "page" : undefined}
              >
                <Icon size={16} />
                {t(`settings.nav.${id}`)}
              </a>
            ))}
          </section>
        );
      })}
    </nav>
  );
}

/**
 * Settings: a side menu and the chosen screen. On a phone the menu is its own page at
 * /settings and a screen shows a way back to it.
 */
export default function SettingsLayout() {
  const { me } = useSession();
  const { path } = useLocation();
  const sections = SECTIONS.filter((s) => s.visible(me));
  const current = path.split("/")[2];
  return (
    <div class={`settings-layout ${current ? "has-screen" : ""}`}>
      <SettingsMenu sections={sections} current={current} />
      <main class="settings-screen" id="main">
        {current && (
          <a class="settings-back" href="/settings">
            <ChevronLeft size={16} class="icon flip-rtl" />
            {t("app.settings")}
          </a>
        )}
        <ErrorBoundary>
          <Router>
            {sections.map((s) => (
              <Route key={s.id} path={`/${s.id}`} component={screens.get(s.id) as ComponentType} />
            ))}
            <Route path="/" component={() => <SettingsHome first={sections[0]?.id} />} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
    </div>
  );
}

/** /settings on a laptop opens the first screen; on a phone the menu alone is shown. */
function SettingsHome({ first }: { first?: string }) {
  const { route } = useLocation();
  if (first && matchMedia("(min-width: 721px)").matches)
    queueMicrotask(() => route(`/settings/${first}`, true));
  return null;
}
