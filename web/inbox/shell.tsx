import {
  CalendarClock,
  ChartColumn,
  Check,
  Contact,
  Ellipsis,
  Inbox as InboxIcon,
  Keyboard,
  LogOut,
  Megaphone,
  MessageCircle,
  Send,
  Settings,
  UserRound,
  Workflow,
} from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { request } from "../shared/api";
import { Avatar, Menu, type MenuItem, t, toast } from "../shared/ui";
import { canReadAutomations } from "./automations/api";
import { canReadReports } from "./reports/api";
import { useSession } from "./session";

type Presence = "online" | "away" | "offline";

function RailLink({
  href,
  label,
  icon,
  active,
  secondary = false,
}: {
  href: string;
  label: string;
  icon: ComponentChildren;
  active: boolean;
  /** folded into "More" on a phone */
  secondary?: boolean;
}) {
  return (
    <a
      href={href}
      class={`rail-link ${active ? "active" : ""} ${secondary ? "rail-secondary" : ""}`}
      aria-current={active ? "page" : undefined}
    >
      {icon}
      <span class="rail-label">{label}</span>
    </a>
  );
}

type Section = { href: string; label: string; icon: ComponentChildren };

/** On a phone the last sections fold into "More", so every tab keeps a label one can read. */
function MoreMenu({ sections, path }: { sections: Section[]; path: string }) {
  const { route } = useLocation();
  const active = sections.some((s) => path.startsWith(s.href));
  return (
    <div class="rail-more">
      <Menu
        align="end"
        trigger={(props) => (
          <button type="button" class={`rail-link ${active ? "active" : ""}`} {...props}>
            <Ellipsis size={20} />
            <span class="rail-label">{t("app.more")}</span>
          </button>
        )}
        items={sections.map((s) => ({
          label: s.label,
          icon: s.icon,
          onSelect: () => route(s.href),
        }))}
      />
    </div>
  );
}

/** The person's menu: presence, profile, shortcuts, sign out. */
function ProfileMenu() {
  const { me, signOut } = useSession();
  const { route } = useLocation();
  const [presence, setPresence] = useState<Presence>(me.user?.presence ?? "online");
  const name = me.user?.name ?? me.workspace.name;
  const choose = (status: Presence) => async () => {
    setPresence(status);
    await request("/api/v1/me/presence", { method: "PUT", json: { status } }).catch(() =>
      toast.error(t("common.errors.network")),
    );
  };
  const presenceItem = (status: Presence): MenuItem => ({
    label: t(`app.presence.${status}`),
    icon: presence === status ? <Check size={16} /> : <span style={{ width: "16px" }} />,
    onSelect: choose(status),
  });
  return (
    <Menu
      align="end"
      trigger={(props) => (
        <button type="button" class="rail-me" title={name} {...props}>
          <Avatar name={name} size={34} presence={presence} />
          {/* a name in text, not aria-label: the initials shown are not the name */}
          <span class="sr-only">{t("app.profileMenu", { name })}</span>
        </button>
      )}
      items={[
        presenceItem("online"),
        presenceItem("away"),
        presenceItem("offline"),
        "separator",
        {
          label: t("app.profile"),
          icon: <UserRound size={16} />,
          onSelect: () => route("/settings/profile"),
        },
        {
          label: t("app.shortcuts"),
          icon: <Keyboard size={16} />,
          onSelect: () => document.dispatchEvent(new CustomEvent("conversa:shortcuts")),
        },
        "separator",
        { label: t("app.signOut"), icon: <LogOut size={16} />, onSelect: signOut },
      ]}
    />
  );
}

/** The signed-in frame: a rail of sections (a tab bar on phones) and the current screen. */
export function Shell({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const { me } = useSession();
  const inInbox = path === "/" || path.startsWith("/c/");
  const secondary = [
    { href: "/sent", label: t("sent.rail"), Icon: Send },
    { href: "/scheduled", label: t("scheduled.rail"), Icon: CalendarClock },
    ...(canReadReports(me)
      ? [{ href: "/reports", label: t("reports.rail"), Icon: ChartColumn }]
      : []),
    { href: "/settings", label: t("app.settings"), Icon: Settings },
  ];
  return (
    <div class="app">
      <a class="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <nav class="rail" aria-label={t("app.mainNavigation")}>
        <span class="rail-logo" aria-hidden="true">
          <MessageCircle size={22} />
        </span>
        <RailLink href="/" label={t("app.inbox")} icon={<InboxIcon size={20} />} active={inInbox} />
        <RailLink
          href="/contacts"
          label={t("app.contacts")}
          icon={<Contact size={20} />}
          active={path.startsWith("/contacts")}
        />
        {canReadAutomations(me) && (
          <RailLink
            href="/automations"
            label={t("automations.rail")}
            icon={<Workflow size={20} />}
            active={path.startsWith("/automations")}
          />
        )}
        <RailLink
          href="/broadcasts"
          label={t("broadcasts.rail")}
          icon={<Megaphone size={20} />}
          active={path.startsWith("/broadcasts")}
        />
        {secondary.map(({ Icon, ...section }) => (
          <RailLink
            key={section.href}
            {...section}
            icon={<Icon size={20} />}
            active={path.startsWith(section.href)}
            secondary
          />
        ))}
        <MoreMenu
          path={path}
          sections={secondary.map(({ Icon, ...section }) => ({
            ...section,
            icon: <Icon size={16} />,
          }))}
        />
        <span class="rail-spacer" />
        <ProfileMenu />
      </nav>
      <div class="app-main">{children}</div>
    </div>
  );
}
