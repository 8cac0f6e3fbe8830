import { BellRing, X } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { components } from "../../client/schema";
import type { Conversation } from "../shared/api";
import { formatPhone } from "../shared/phone";
import { Button, IconButton, t } from "../shared/ui";
import type { Me } from "./me";

/** The agent's notification preferences (`me.user.notifications`; the profile screen edits them). */
export type NotificationPrefs = components["schemas"]["NotificationPrefs"];

const ALL_ON: NotificationPrefs = {
  sound: true,
  desktop: true,
  new_conversations: true,
  my_messages: true,
};

export const prefsOf = (me: Me): NotificationPrefs => ({ ...ALL_ON, ...me.user?.notifications });

/** A short two-note chime made on the spot: no audio file to load. */
export function playTone() {
  const Context =
    window.AudioContext ??
    (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) return;
  try {
    const audio = new Context();
    const start = audio.currentTime;
    for (const [i, frequency] of [880, 1320].entries()) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      const at = start + i * 0.12;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.18, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.22);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.25);
    }
    setTimeout(() => audio.close(), 800);
  } catch {
    // a browser that refuses audio before a user gesture stays silent
  }
}

type Permission = NotificationPermission | "unsupported";

export const desktopPermission = (): Permission =>
  "Notification" in window ? Notification.permission : "unsupported";

/** A desktop notification; a click brings the tab forward on the conversation. */
export function showDesktop(title: string, body: string, tag: string, onClick: () => void) {
  if (desktopPermission() !== "granted") return;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch {
    // some mobile browsers only notify from a service worker
  }
}

const DISMISSED = "conversa.notifications.dismissed";

/**
 * Asks for desktop notifications politely: an in-app banner with a button, only when the agent
 * wants desktop notifications, the browser has not been asked yet and they did not say "not now".
 */
export function NotificationBanner({ prefs }: { prefs: NotificationPrefs }) {
  const [permission, setPermission] = useState<Permission>(desktopPermission);
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(DISMISSED) === "1");
  if (!prefs.desktop || permission !== "default" || dismissed) return null;
  const enable = async () => setPermission(await Notification.requestPermission());
  const later = () => {
    localStorage.setItem(DISMISSED, "1");
    setDismissed(true);
  };
  return (
    <section class="notify-banner" aria-label={t("inbox.notify.bannerLabel")}>
      <BellRing size={18} aria-hidden="true" class="icon" />
      <p>{t("inbox.notify.bannerText")}</p>
      <Button size="sm" variant="primary" onClick={enable}>
        {t("inbox.notify.enable")}
      </Button>
      <IconButton
        size="sm"
        label={t("inbox.notify.notNow")}
        icon={<X size={16} />}
        onClick={later}
      />
    </section>
  );
}

export type Viewer = { userId: string | null; teamIds: Set<string> };

const contactName = (c: Conversation) =>
  c.contact.name ??
  (c.contact.phone && formatPhone(c.contact.phone)) ??
  c.contact.email ??
  t("inbox.row.unknown");

const fromCustomer = (c: Conversation) =>
  c.last_message !== null && ["contact", "visitor"].includes(c.last_message.sender_type);

const isMine = (c: Conversation, viewer: Viewer) =>
  viewer.userId !== null && c.assignee_id === viewer.userId;

/** Unassigned in one of my teams (or in no team: everyone's queue). */
const inMyQueue = (c: Conversation, viewer: Viewer) =>
  c.assignee_id === null && (c.team_id === null || viewer.teamIds.has(c.team_id));

/**
 * What a live change deserves, as the agent's preferences allow: a new conversation for me
 * (unassigned in my teams, or assigned to me), or a new customer message in one of mine.
 * `before` is how the inbox last saw it.
 */
export function alertFor(
  c: Conversation,
  before: Conversation | undefined,
  viewer: Viewer,
  prefs: NotificationPrefs,
): { title: string; body: string } | null {
  if (c.status === "closed") return null;
  const body = c.last_message?.preview ?? "";
  const isNew = !before && Date.now() - Date.parse(c.created_at) < 5 * 60_000;
  if (isNew && prefs.new_conversations && (isMine(c, viewer) || inMyQueue(c, viewer)))
    return { title: t("inbox.notify.newConversation", { name: contactName(c) }), body };
  const newMessage =
    before !== undefined && c.last_seq > before.last_seq && fromCustomer(c) && isMine(c, viewer);
  if (newMessage && prefs.my_messages)
    return { title: t("inbox.notify.newMessage", { name: contactName(c) }), body };
  return null;
}

export type MentionFrame = {
  type: "mention";
  conversation_id: string;
  seq: number;
  by: { id: string; name: string };
  preview: string;
};

/** The tab says how many of my conversations have unread messages: "(3) Conversa". */
export function useTabTitle(unread: number) {
  const base = useRef(document.title.replace(/^\(\d+\+?\) /, ""));
  useEffect(() => {
    document.title =
      unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${base.current}` : base.current;
  }, [unread]);
  useEffect(
    () => () => {
      document.title = base.current;
    },
    [],
  );
}

/**
 * Sound and desktop notice for an alert, as the agent's preferences say; never for the
 * conversation they have open in a focused tab.
 */
export function announce(
  alert: { title: string; body: string },
  conversationId: string,
  prefs: NotificationPrefs,
  openId: string | undefined,
  open: (id: string) => void,
) {
  if (openId === conversationId && document.hasFocus()) return;
  if (prefs.sound) playTone();
  if (prefs.desktop)
    showDesktop(alert.title, alert.body, conversationId, () => open(conversationId));
}
