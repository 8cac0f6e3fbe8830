import { Construction } from "lucide-preact";
import { EmptyState, t } from "../../shared/ui";

export default function Screen() {
  return <EmptyState icon={<Construction size={22} />} title={t("settings.nav.webhooks")} />;
}
