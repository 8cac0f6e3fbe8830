// The embeddable loader: one shadow-DOM host with a launcher; the chat app loads on first open or when idle.
type Mounted = { destroy(): void };
type WidgetApp = { mount(el: HTMLElement, options: Record<string, string>): Mounted };

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const channel = script?.dataset.channel;
  if (!script || !channel) return;
  const base = new URL(script.src).origin;
  const host = document.createElement("div");
  host.id = "conversa-widget";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>#b{position:fixed;bottom:20px;right:20px;width:56px;height:56px;border-radius:50%;border:0;background:#2563eb;color:#fff;font-size:26px;cursor:pointer;box-shadow:0 4px 14px #0004;z-index:2147483647}#p{position:fixed;bottom:88px;right:20px;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 110px);z-index:2147483647}.l{left:20px;right:auto!important}</style><div id=p hidden></div><button id=b aria-label='Chat'><svg width=26 height=26 viewBox='0 0 24 24' fill=currentColor><path d='M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z'/></svg></button>";
  const button = root.querySelector("#b") as HTMLButtonElement;
  const panel = root.querySelector("#p") as HTMLDivElement;
  document.body.appendChild(host);
  let app: Promise<Mounted> | undefined;
  const load = () => {
    app ??= (import(/* @vite-ignore */ `${base}/widget-app.js`) as Promise<WidgetApp>).then((m) =>
      m.mount(panel, { base, channel, ...script.dataset }),
    );
    return app;
  };
  const open = () => {
    load();
    panel.hidden = false;
  };
  const close = () => {
    panel.hidden = true;
  };
  button.onclick = () => (panel.hidden ? open() : close());
  fetch(`${base}/widget/v1/channels/${channel}`)
    .then((r) => r.json())
    .then((c: { brand_color?: string; position?: string }) => {
      if (c.brand_color) button.style.background = c.brand_color;
      if (c.position === "left") for (const el of [button, panel]) el.classList.add("l");
    })
    .catch(() => {});
  ("requestIdleCallback" in window ? requestIdleCallback : setTimeout)(() => load(), {
    timeout: 5000,
  } as never);
  (window as unknown as { Conversa: object }).Conversa = {
    open,
    close,
    destroy: () => {
      app?.then((m) => m.destroy());
      host.remove();
    },
  };
})();
