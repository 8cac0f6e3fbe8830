import { Lock } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { EmptyState, ListState, PageHeader, t, useResource } from "../../shared/ui";
import { useSession } from "../session";
import {
  type Channel,
  type ConversationsReport,
  canReadReports,
  channelsOf,
  filtersInQuery,
  type Member,
  membersOf,
  type Overview,
  overviewNow,
  type ReportFilters,
  reportUrl,
  searchOf,
} from "./api";
import { ReportFilterBar } from "./filters";
import { dayLabel } from "./format";
import { KpiCards, OverviewStrip } from "./kpis";
import "./reports.css";

const LIVE_EVERY_MS = 30_000;

/** The inbox now, asked again every 30 s while the screen is open. */
function useOverview() {
  const [overview, setOverview] = useState<Overview | undefined>(undefined);
  useEffect(() => {
    const load = () => overviewNow().then(setOverview, () => {});
    load();
    const timer = setInterval(load, LIVE_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  return overview;
}

/** Channels and agents to filter by. */
function useFilterChoices() {
  const [channels, setChannels] = useState<Channel[]>([]);
  const [members, setMembers] = useState<Member[]>([]);
  useEffect(() => {
    channelsOf().then(setChannels, () => setChannels([]));
    membersOf().then(setMembers, () => setMembers([]));
  }, []);
  return { channels, members };
}

function NotAllowed() {
  return (
    <main class="page reports-page" id="main">
      <PageHeader title={t("reports.title")} />
      <EmptyState icon={<Lock size={22} />} title={t("reports.notAllowed.title")}>
        {t("reports.notAllowed.body")}
      </EmptyState>
    </main>
  );
}

function Reports() {
  const { path, query, route } = useLocation();
  const filters = filtersInQuery(query);
  const change = (next: ReportFilters) => route(`${path}${searchOf(next)}`);
  const overview = useOverview();
  const { channels, members } = useFilterChoices();
  const conversations = useResource<ConversationsReport>(reportUrl("conversations", filters));
  const report = conversations.error ? undefined : conversations.data;

  return (
    <main class="page reports-page" id="main">
      <PageHeader
        title={t("reports.title")}
        description={t("reports.range", {
          from: dayLabel(filters.from),
          to: dayLabel(filters.to),
        })}
      />
      <ReportFilterBar filters={filters} channels={channels} members={members} onChange={change} />
      <OverviewStrip overview={overview} />
      <ListState data={report} error={conversations.error} onRetry={conversations.reload} rows={3}>
        {(shown) => <KpiCards totals={shown.totals} previous={shown.previous.totals} />}
      </ListState>
    </main>
  );
}

export default function ReportsScreen() {
  const { me } = useSession();
  return canReadReports(me) ? <Reports /> : <NotAllowed />;
}
