// The embeddable loader: one shadow-DOM host with a launcher; the chat app loads on first open or when idle.
import { widgetLanguage } from "./language";

type Mounted = {
  destroy(): void;
  shown(): void;
  push: {
    subscribe(channelId: string, subscription: PushSubscriptionJSON): Promise<void>;
    unsubscribe(channelId: string, endpoint: string): Promise<void>;
  };
};
export type LoaderHooks = {
  close(): void;
  /** `text` says the count in words, for the launcher's accessible name. */
  unread(count: number, text: string): void;
  isOpen(): boolean;
  /** Web push as the site set it up: whether this browser can still be asked, and asking. */
  push: { canAsk(): boolean; subscribe(): Promise<boolean> };
};
type WidgetApp = {
  mount(el: HTMLElement, options: Record<string, string>, hooks: LoaderHooks): Mounted;
};

// the launcher's name in every widget language, only that key of the catalogs, taken at build time
const launcherNames = import.meta.glob<string>("../locales/*/widget.json", {
  eager: true,
  import: "chat",
});
const launcherName = (language: string) =>
  launcherNames[`../locales/${language}/widget.json`] ?? "Chat";

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const channel = script?.dataset.channel;
  if (!script || !channel) return;
  const base = new URL(script.src).origin;
  const host = document.createElement("div");
  host.id = "conversa-widget";
  const root = host.attachShadow({ mode: "open" });
  // on a phone (≤ 480 px) the open chat covers the screen and the launcher steps aside
  root.innerHTML =
    "<style>#b{position:fixed;bottom:20px;right:20px;width:60px;height:60px;border-radius:50%;border:0;background:#2563eb;color:#fff;cursor:pointer;box-shadow:0 6px 20px #0003;z-index:2147483647;display:grid;place-items:center;transition:transform .15s}#b:hover{transform:scale(1.06)}#b:focus-visible{outline:3px solid #93c5fd;outline-offset:3px}#u{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#dc2626;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}#p{position:fixed;bottom:92px;right:20px;width:380px;max-width:calc(100vw - 24px);height:640px;max-height:calc(100vh - 116px);z-index:2147483647}.l{left:20px;right:auto!important}@media(max-width:480px){#p{inset:0;width:auto;height:auto;max-width:none;max-height:none}#p:not([hidden])~#b{display:none}}</style><div id=p hidden></div><button id=b aria-expanded=false><svg width=28 height=28 viewBox='0 0 24 24' fill=currentColor aria-hidden=true><path d='M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z'/></svg><span id=u hidden></span></button>";
  const button = root.querySelector("#b") as HTMLButtonElement;
  const badge = root.querySelector("#u") as HTMLSpanElement;
  const panel = root.querySelector("#p") as HTMLDivElement;
  document.body.appendChild(host);
  let name = "";
  let unreadText = "";
  const label = () =>
    button.setAttribute("aria-label", unreadText ? `${name}, ${unreadText}` : name);
  /** Names the launcher in the visitor's language, before the chat app loads. */
  const nameLauncher = (channelLanguage: string | null | undefined) => {
    const language = widgetLanguage(channelLanguage);
    button.lang = language;
    name = launcherName(language);
    label();
  };
  nameLauncher(null);
  const hooks: LoaderHooks = {
    close: () => close(),
    unread: (count, text) => {
      badge.hidden = count === 0;
      badge.textContent = count > 9 ? "9+" : String(count);
      unreadText = count ? text : "";
      label();
    },
    isOpen: () => !panel.hidden,
    push: {
      canAsk: () => pushSupported() && Notification.permission === "default",
      subscribe: () => pushSubscribe(),
    },
  };
  let app: Promise<Mounted> | undefined;
  const load = () => {
    app ??= (import(/* @vite-ignore */ `${base}/widget-app.js`) as Promise<WidgetApp>).then((m) =>
      m.mount(panel, { base, channel, ...script.dataset }, hooks),
    );
    return app;
  };
  const show = (open: boolean) => {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  };
  const open = () => {
    show(true);
    load().then((m) => m.shown());
  };
  const close = () => {
    show(false);
    button.focus();
  };
  button.onclick = () => (panel.hidden ? open() : close());
  fetch(`${base}/widget/v1/channels/${channel}`)
    .then((r) => r.json())
    .then((c: { brand_color?: string; position?: string; language?: string | null }) => {
      nameLauncher(c.language);
      if (c.brand_color) button.style.background = c.brand_color;
      if (c.position === "left") for (const el of [button, panel]) el.classList.add("l");
    })
    .catch(() => {});
  ("requestIdleCallback" in window ? requestIdleCallback : setTimeout)(() => load(), {
    timeout: 5000,
  } as never);
  // web push: the chat's offer or the site's button asks; the browser shows its own consent prompt
  const { pushChannel, pushKey } = script.dataset;
  const pushSupported = () =>
    !!pushChannel &&
    !!pushKey &&
    "serviceWorker" in navigator &&
    "PushManager" in window &&
    "Notification" in window;
  const pushWorker = () =>
    pushSupported()
      ? navigator.serviceWorker.register("/conversa-push-sw.js")
      : Promise.resolve(null);
  /** Asks the visitor to allow notifications; true once their browser is subscribed. */
  const pushSubscribe = async () => {
    const registration = await pushWorker();
    if (!registration || !pushChannel) return false;
    if ((await Notification.requestPermission()) !== "granted") return false;
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: pushKey,
    });
    await (await load()).push.subscribe(pushChannel, subscription.toJSON());
    return true;
  };
  /** Turns notifications off in this browser. */
  const pushUnsubscribe = async () => {
    const registration = await pushWorker();
    const subscription = await registration?.pushManager.getSubscription();
    if (!subscription || !pushChannel) return false;
    await (await load()).push.unsubscribe(pushChannel, subscription.endpoint);
    return subscription.unsubscribe();
  };
  (window as unknown as { Conversa: object }).Conversa = {
    open,
    close,
    pushSubscribe,
    pushUnsubscribe,
    destroy: () => {
      app?.then((m) => m.destroy());
      host.remove();
    },
  };
})();
