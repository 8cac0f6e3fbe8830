import { Bot, Megaphone, UserPlus, Workflow } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { type Column, DataTable, EmptyState, formatNumber, t } from "../../shared/ui";
import type { AiReport, AutomationsReport, BroadcastsReport, ContactsReport } from "./api";
import { countColumn, nameColumn } from "./columns";
import { KpiChange } from "./kpis";

type Figure = { key: string; now: number; before: number };

/** A report's totals, each against the same number of days before. */
function Figures({ section, figures }: { section: string; figures: Figure[] }) {
  return (
    <dl class="activity-figures">
      {figures.map((figure) => (
        <div key={figure.key} data-figure={figure.key}>
          <dt>{t(`reports.${section}.${figure.key}`)}</dt>
          <dd>{formatNumber(figure.now)}</dd>
          <dd>
            <KpiChange now={figure.now} before={figure.before} lowerIsBetter={false} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The figures named by `keys`, now and before. */
const figuresOf = <K extends string>(
  keys: readonly K[],
  now: Record<K, number>,
  before: Record<K, number>,
): Figure[] => keys.map((key) => ({ key, now: now[key], before: before[key] }));

function Section(props: {
  empty: boolean;
  icon: ComponentChildren;
  section: string;
  children: ComponentChildren;
}) {
  if (props.empty)
    return (
      <EmptyState icon={props.icon} title={t(`reports.${props.section}.emptyTitle`)}>
        {t(`reports.${props.section}.emptyBody`)}
      </EmptyState>
    );
  return <div class="activity-report">{props.children}</div>;
}

const BROADCAST_KEYS = [
  "recipients",
  "sent",
  "delivered",
  "read",
  "replied",
  "clicked",
  "failed",
  "opted_out",
] as const;

type BroadcastRow = BroadcastsReport["broadcasts"][number];

/** Broadcasts started in the range and what became of their recipients. */
export function BroadcastsActivity({ report }: { report: BroadcastsReport }) {
  const columns: Column<BroadcastRow>[] = [
    nameColumn("broadcasts", "name", (row) => row.name),
    countColumn("broadcasts", "runs", (row) => row.runs),
    ...BROADCAST_KEYS.map((key) => countColumn<BroadcastRow>("broadcasts", key, (row) => row[key])),
  ];
  return (
    <Section empty={report.totals.runs === 0} icon={<Megaphone size={22} />} section="broadcasts">
      <Figures
        section="broadcasts"
        figures={figuresOf(["runs", ...BROADCAST_KEYS], report.totals, report.previous.totals)}
      />
      <DataTable
        columns={columns}
        rows={report.broadcasts}
        rowKey={(row) => row.broadcast_id}
        label={t("reports.broadcasts.title")}
      />
    </Section>
  );
}

const AUTOMATION_KEYS = [
  "runs",
  "completed",
  "failed",
  "stopped",
  "limited",
  "in_progress",
  "messages_sent",
] as const;

type AutomationRow = AutomationsReport["automations"][number];

/** Automation runs started in the range by outcome, and the messages they sent. */
export function AutomationsActivity({ report }: { report: AutomationsReport }) {
  const columns: Column<AutomationRow>[] = [
    nameColumn("automations", "name", (row) => row.name),
    ...AUTOMATION_KEYS.map((key) =>
      countColumn<AutomationRow>("automations", key, (row) => row[key]),
    ),
  ];
  return (
    <Section empty={report.totals.runs === 0} icon={<Workflow size={22} />} section="automations">
      <Figures
        section="automations"
        figures={figuresOf(AUTOMATION_KEYS, report.totals, report.previous.totals)}
      />
      <DataTable
        columns={columns}
        rows={report.automations}
        rowKey={(row) => row.automation_id}
        label={t("reports.automations.title")}
        initialSort={{ key: "runs", direction: "desc" }}
      />
    </Section>
  );
}

const AI_KEYS = [
  "answers",
  "handoffs",
  "resolved",
  "calls",
  "failed_calls",
  "total_tokens",
] as const;
const TOKEN_KEYS = [
  "calls",
  "failed_calls",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
] as const;

type FeatureRow = AiReport["features"][number];

/** The assistant's answers and handoffs, and AI calls and tokens by feature. */
export function AiActivity({ report }: { report: AiReport }) {
  const { totals } = report;
  const columns: Column<FeatureRow>[] = [
    nameColumn("ai", "name", (row) => t(`reports.ai.features.${row.feature}`)),
    ...TOKEN_KEYS.map((key) => countColumn<FeatureRow>("ai", key, (row) => row[key])),
  ];
  const empty = totals.calls + totals.failed_calls + totals.answers + totals.handoffs === 0;
  return (
    <Section empty={empty} icon={<Bot size={22} />} section="ai">
      <Figures section="ai" figures={figuresOf(AI_KEYS, totals, report.previous.totals)} />
      <DataTable
        columns={columns}
        rows={report.features}
        rowKey={(row) => row.feature}
        label={t("reports.ai.title")}
      />
    </Section>
  );
}

type SourceRow = { source: string; contacts: number };

/** New contacts in the range, and where they came from. */
export function ContactsActivity({ report }: { report: ContactsReport }) {
  const { totals, previous } = report;
  const rows: SourceRow[] = Object.entries(totals.by_source).map(([source, n]) => ({
    source,
    contacts: n ?? 0,
  }));
  const columns: Column<SourceRow>[] = [
    nameColumn("contacts", "name", (row) => t(`reports.contacts.sources.${row.source}`)),
    countColumn("contacts", "new_contacts", (row) => row.contacts),
  ];
  return (
    <Section empty={totals.new_contacts === 0} icon={<UserPlus size={22} />} section="contacts">
      <Figures
        section="contacts"
        figures={[
          { key: "new_contacts", now: totals.new_contacts, before: previous.totals.new_contacts },
        ]}
      />
      <DataTable
        columns={columns}
        rows={rows}
        rowKey={(row) => row.source}
        label={t("reports.contacts.title")}
        initialSort={{ key: "new_contacts", direction: "desc" }}
      />
    </Section>
  );
}
