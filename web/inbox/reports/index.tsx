import { Lock } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { EmptyState, ListState, PageHeader, t, useResource } from "../../shared/ui";
import { ExportButton } from "../exports";
import { useSession } from "../session";
import { AiActivity, AutomationsActivity, BroadcastsActivity, ContactsActivity } from "./activity";
import { AgentsTable } from "./agents";
import {
  type AgentsReport,
  type AiReport,
  type AutomationsReport,
  type BroadcastsReport,
  type BusiestHours,
  type Channel,
  type ConsolidatedReport,
  type ContactsReport,
  type ConversationsReport,
  type CsatReport,
  canReadReports,
  channelsOf,
  filtersInQuery,
  type LabelsReport,
  type Member,
  membersOf,
  type Overview,
  overviewNow,
  type Report,
  type ReportFilters,
  reportUrl,
  searchOf,
  type TeamsReport,
} from "./api";
import { ReportCharts } from "./charts";
import { ExportLink } from "./export";
import { ReportFilterBar } from "./filters";
import { dayLabel } from "./format";
import { BusiestHoursGrid } from "./heatmap";
import { KpiCards, OverviewStrip } from "./kpis";
import { LabelsTable } from "./labels";
import { LocationsTable } from "./locations";
import { Satisfaction } from "./satisfaction";
import { TeamsTable } from "./teams";
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

/** A report of the whole workspace over the range, in its own card with its CSV. */
function WorkspaceReportCard<T>(props: {
  report: Extract<Report, "broadcasts" | "automations" | "ai" | "contacts">;
  filters: ReportFilters;
  children: (shown: T) => ComponentChildren;
}) {
  const { report, filters } = props;
  const resource = useResource<T>(reportUrl(report, filters));
  const title = t(`reports.${report}.title`);
  return (
    <section class="report-card" aria-labelledby={`report-${report}`} data-report={report}>
      <header class="report-card-head">
        <div>
          <h2 id={`report-${report}`}>{title}</h2>
          <p>{t(`reports.${report}.description`)}</p>
        </div>
        <ExportLink report={report} filters={filters} name={title} />
      </header>
      <ListState
        data={resource.error ? undefined : resource.data}
        error={resource.error}
        onRetry={resource.reload}
        rows={2}
      >
        {props.children}
      </ListState>
    </section>
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
  const hours = useResource<BusiestHours>(reportUrl("busiest-hours", filters));
  const agents = useResource<AgentsReport>(reportUrl("agents", filters));
  const teams = useResource<TeamsReport>(reportUrl("teams", filters));
  const labels = useResource<LabelsReport>(reportUrl("labels", filters));
  const locations = useResource<ConsolidatedReport>(reportUrl("consolidated", filters));
  const csat = useResource<CsatReport>(reportUrl("csat", filters));

  return (
    <main class="page reports-page" id="main">
      <PageHeader
        title={t("reports.title")}
        description={t("reports.range", {
          from: dayLabel(filters.from),
          to: dayLabel(filters.to),
        })}
        actions={
          <ExportButton
            what={t("exports.what.conversations")}
            label={t("exports.conversationsButton")}
            request={() => ({
              kind: "conversations",
              filters: {
                from: filters.from,
                to: filters.to,
                ...(filters.channel ? { channel_id: filters.channel } : {}),
              },
            })}
          />
        }
      />
      <ReportFilterBar filters={filters} channels={channels} members={members} onChange={change} />
      <OverviewStrip overview={overview} />
      <ListState data={report} error={conversations.error} onRetry={conversations.reload} rows={3}>
        {(shown) => (
          <>
            <KpiCards totals={shown.totals} previous={shown.previous.totals} />
            <ReportCharts report={shown} filters={filters} />
          </>
        )}
      </ListState>
      {/* only for someone who supervises several of the organization's workspaces */}
      {locations.data && locations.data.workspaces.length > 1 && (
        <section class="report-card" aria-labelledby="report-locations">
          <header class="report-card-head">
            <div>
              <h2 id="report-locations">{t("reports.locations.title")}</h2>
              <p>{t("reports.locations.description")}</p>
            </div>
            <ExportLink
              report="consolidated"
              filters={filters}
              name={t("reports.locations.title")}
            />
          </header>
          <LocationsTable report={locations.data} />
        </section>
      )}
      <div class="report-row">
        <section class="report-card" aria-labelledby="report-hours">
          <header class="report-card-head">
            <div>
              <h2 id="report-hours">{t("reports.heatmap.title")}</h2>
              <p>{t("reports.heatmap.description")}</p>
            </div>
            <ExportLink
              report="busiest-hours"
              filters={filters}
              name={t("reports.heatmap.title")}
            />
          </header>
          <ListState
            data={hours.error ? undefined : hours.data}
            error={hours.error}
            onRetry={hours.reload}
            rows={3}
          >
            {(shown) => <BusiestHoursGrid report={shown} />}
          </ListState>
        </section>
        <section class="report-card" aria-labelledby="report-agents">
          <header class="report-card-head">
            <h2 id="report-agents">{t("reports.agents.title")}</h2>
            <ExportLink report="agents" filters={filters} name={t("reports.agents.title")} />
          </header>
          <ListState
            data={agents.error ? undefined : agents.data}
            error={agents.error}
            onRetry={agents.reload}
            rows={3}
          >
            {(shown) => <AgentsTable rows={shown.agents} />}
          </ListState>
        </section>
      </div>
      <section class="report-card" aria-labelledby="report-teams">
        <header class="report-card-head">
          <div>
            <h2 id="report-teams">{t("reports.teams.title")}</h2>
            <p>{t("reports.teams.description")}</p>
          </div>
          <ExportLink report="teams" filters={filters} name={t("reports.teams.title")} />
        </header>
        <ListState
          data={teams.error ? undefined : teams.data}
          error={teams.error}
          onRetry={teams.reload}
          rows={2}
        >
          {(shown) => <TeamsTable rows={shown.teams} />}
        </ListState>
      </section>
      <section class="report-card" aria-labelledby="report-labels">
        <header class="report-card-head">
          <div>
            <h2 id="report-labels">{t("reports.labels.title")}</h2>
            <p>{t("reports.labels.description")}</p>
          </div>
          <ExportLink report="labels" filters={filters} name={t("reports.labels.title")} />
        </header>
        <ListState
          data={labels.error ? undefined : labels.data}
          error={labels.error}
          onRetry={labels.reload}
          rows={2}
        >
          {(shown) => <LabelsTable rows={shown.labels} />}
        </ListState>
      </section>
      <section class="report-card" aria-labelledby="report-csat">
        <header class="report-card-head">
          <div>
            <h2 id="report-csat">{t("reports.csat.title")}</h2>
            <p>{t("reports.csat.description")}</p>
          </div>
          <ExportLink report="csat" filters={filters} name={t("reports.csat.title")} />
        </header>
        <ListState
          data={csat.error ? undefined : csat.data}
          error={csat.error}
          onRetry={csat.reload}
          rows={2}
        >
          {(shown) => <Satisfaction report={shown} />}
        </ListState>
      </section>
      <WorkspaceReportCard<BroadcastsReport> report="broadcasts" filters={filters}>
        {(shown) => <BroadcastsActivity report={shown} />}
      </WorkspaceReportCard>
      <WorkspaceReportCard<AutomationsReport> report="automations" filters={filters}>
        {(shown) => <AutomationsActivity report={shown} />}
      </WorkspaceReportCard>
      <div class="report-row pair">
        <WorkspaceReportCard<AiReport> report="ai" filters={filters}>
          {(shown) => <AiActivity report={shown} />}
        </WorkspaceReportCard>
        <WorkspaceReportCard<ContactsReport> report="contacts" filters={filters}>
          {(shown) => <ContactsActivity report={shown} />}
        </WorkspaceReportCard>
      </div>
    </main>
  );
}

export default function ReportsScreen() {
  const { me } = useSession();
  return canReadReports(me) ? <Reports /> : <NotAllowed />;
}
