import { useLocation } from "preact-iso";
import { Tabs, t } from "../../shared/ui";

/** The Contacts area's two lists: everyone, and the saved segments. */
export function ContactsTabs({ current }: { current: "all" | "segments" }) {
  const { route } = useLocation();
  return (
    <Tabs
      label={t("segments.areaTabs")}
      value={current}
      onChange={(tab) => route(tab === "segments" ? "/contacts/segments" : "/contacts")}
      tabs={[
        { id: "all", label: t("segments.tab.all") },
        { id: "segments", label: t("segments.tab.segments") },
      ]}
    />
  );
}
