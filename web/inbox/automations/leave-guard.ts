import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { confirmAction, t } from "../../shared/ui";

/**
 * While `dirty`, leaving asks first: a link inside the app through the confirm dialog (the
 * router's own click handler never sees the click), closing or reloading the tab through the
 * browser's prompt.
 */
export function useLeaveGuard(dirty: boolean) {
  const { route } = useLocation();
  useEffect(() => {
    if (!dirty) return;
    const onClick = async (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || link.getAttribute("target")) return;
      const href = link.getAttribute("href") ?? "";
      if (!href.startsWith("/") || href === location.pathname) return;
      event.preventDefault();
      event.stopPropagation();
      const leave = await confirmAction({
        title: t("automations.leave.title"),
        body: t("automations.leave.body"),
        confirm: t("automations.leave.confirm"),
        danger: true,
      });
      if (leave) route(href);
    };
    const onUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    document.addEventListener("click", onClick, true);
    addEventListener("beforeunload", onUnload);
    return () => {
      document.removeEventListener("click", onClick, true);
      removeEventListener("beforeunload", onUnload);
    };
  }, [dirty]);
}
