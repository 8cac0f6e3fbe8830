import { z } from "@hono/zod-openapi";
import { Timezone } from "./automation-rules";

const LocalDate = z.iso.date().openapi({ example: "2026-11-01" });
/** Ranges reach back at most this many days, the longest a report compares. */
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

const RangeFields = z.object({
  from: LocalDate.openapi({ description: "First day of the range, in `timezone`" }),
  to: LocalDate.openapi({ description: "Last day of the range (included), in `timezone`" }),
  timezone: Timezone.optional().openapi({ description: "The workspace's when absent" }),
  channel_id: z.string().max(64).optional().openapi({ description: "Only this channel's" }),
  agent_id: z.string().max(64).optional().openapi({ description: "Only this agent's" }),
  hours: z.enum(["all", "business"]).default("all").openapi({
    description:
      "`business`: first-response and resolution times count only the open time of the conversation's business hours (its team's, else its channel's, else the workspace's), as SLA clocks do",
  }),
  format: z.enum(["json", "csv"]).default("json").openapi({
    description:
      "`csv`: the report's rows as a CSV download (cells a spreadsheet would run as a formula start with `'`)",
  }),
});

const Granularity = { granularity: z.enum(["day", "hour"]).default("day") };

/** A range ends on or after its start, within a year; one filter at a time. */
function checkRange(
  query: {
    from: string;
    to: string;
    channel_id?: string | undefined;
    agent_id?: string | undefined;
  },
  ctx: z.RefinementCtx,
) {
  const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
  if (days < 1) ctx.addIssue({ code: "custom", path: ["to"], message: "is before `from`" });
  if (days > MAX_DAYS)
    ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_DAYS} days after from` });
  if (query.channel_id && query.agent_id)
    ctx.addIssue({
      code: "custom",
      path: ["agent_id"],
      message: "filter by a channel or an agent, not both",
    });
}

export const ReportQuery = RangeFields.superRefine(checkRange);

export const ConversationsReportQuery = RangeFields.extend(Granularity).superRefine(checkRange);

/** The range alone: reports of the workspace's broadcasts, automations, AI and contacts. */
export const WorkspaceReportQuery = RangeFields.omit({
  channel_id: true,
  agent_id: true,
  hours: true,
}).superRefine(checkRange);

export const ConsolidatedReportQuery = RangeFields.omit({ channel_id: true, agent_id: true })
  .extend(Granularity)
  .superRefine(checkRange);

/** A report of the whole workspace: a range, no channel or agent. */
export const TeamsReportQuery = RangeFields.omit({ channel_id: true, agent_id: true }).superRefine(
  checkRange,
);

const Seconds = z.number().int().nullable();
const DurationSummary = z
  .object({
    median_seconds: Seconds,
    p90_seconds: Seconds,
    mean_seconds: Seconds,
  })
  .openapi("DurationSummary", {
    description:
      "Nearest-rank median and p90 and the mean. Durations are counted in buckets about 10 % wide: a figure is exact when its bucket holds one duration, within 10 % otherwise",
  });

const Counts = {
  conversations_opened: z.number().int(),
  conversations_closed: z
    .number()
    .int()
    .openapi({ description: "Closed in the range and not reopened since" }),
  conversations_reopened: z.number().int().openapi({ description: "Closed ones opened again" }),
  assignments: z
    .number()
    .int()
    .openapi({ description: "Conversations given to an agent, by routing or by a person" }),
  messages_in: z.number().int().openapi({ description: "Customers' messages" }),
  messages_out: z
    .number()
    .int()
    .openapi({ description: "Messages to customers: agents', bots', automations', broadcasts'" }),
  first_responses: z.number().int(),
};

const TargetSummary = z
  .object({
    met: z.number().int(),
    missed: z.number().int(),
    met_percent: z.number().nullable().openapi({ description: "null when none was counted" }),
  })
  .openapi("TargetSummary", {
    description:
      "Against the team's SLA target, counted in business hours: met when done by the time it was due. Only conversations with a target count.",
  });

const Totals = z
  .object({
    ...Counts,
    first_response_time: DurationSummary.openapi({
      description: "From the conversation's opening to an agent's first reply",
    }),
    resolution_time: DurationSummary.openapi({
      description: "From the conversation's opening to its close",
    }),
    first_response_sla: TargetSummary,
    resolution_sla: TargetSummary,
  })
  .openapi("ReportTotals");

export const ConversationsReport = z
  .object({
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    granularity: z.enum(["day", "hour"]),
    totals: Totals,
    previous: z
      .object({ from: z.string(), to: z.string(), totals: Totals })
      .openapi({ description: "The same number of days just before, to compare with" }),
    series: z.array(
      z.object({
        period: z.string().openapi({ example: "2026-11-01" }),
        ...Counts,
        first_response_median_seconds: Seconds,
        resolution_median_seconds: Seconds,
      }),
    ),
  })
  .openapi("ConversationsReport");

export const ConsolidatedReport = ConversationsReport.extend({
  workspaces: z.array(z.object({ workspace_id: z.string(), name: z.string(), totals: Totals })),
}).openapi("ConsolidatedReport");

export const BusiestHoursReport = z
  .object({
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    cells: z.array(
      z.object({
        weekday: z.number().int().openapi({ description: "0 is Sunday" }),
        hour: z.number().int(),
        messages_in: z.number().int(),
      }),
    ),
  })
  .openapi("BusiestHoursReport");

export const AgentsReport = z
  .object({
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    agents: z.array(
      z.object({
        agent_id: z.string(),
        name: z.string().nullable(),
        replies: z.number().int(),
        assignments: z.number().int().openapi({ description: "Conversations given to them" }),
        first_responses: z.number().int(),
        first_response_time: DurationSummary,
        conversations_closed: z.number().int(),
        resolution_time: DurationSummary,
        csat: z.number().nullable().openapi({
          description:
            "Of the 1–5 survey answers counted for them (whoever closed the conversation, else its assignee), the share of 4s and 5s (%); null with none",
        }),
        nps: z.number().nullable().openapi({
          description: "NPS of the 0–10 answers counted for them; null with none",
        }),
      }),
    ),
  })
  .openapi("AgentsReport");

export const TeamsReport = z
  .object({
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    teams: z.array(
      z.object({
        team_id: z.string(),
        name: z.string(),
        assignments: z.number().int(),
        first_responses: z.number().int(),
        first_response_time: DurationSummary,
        first_response_sla: TargetSummary,
        conversations_closed: z.number().int(),
        resolution_time: DurationSummary,
        resolution_sla: TargetSummary,
      }),
    ),
  })
  .openapi("TeamsReport");

export const LabelsReport = z
  .object({
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    labels: z.array(
      z.object({
        label: z.string(),
        colour: z.string().nullable().openapi({ description: "null: not in the label catalogue" }),
        conversations_opened: z.number().int(),
        conversations_closed: z.number().int(),
        resolution_time: DurationSummary,
      }),
    ),
  })
  .openapi("LabelsReport");

export const OverviewReport = z
  .object({
    open: z.number().int(),
    pending: z.number().int(),
    snoozed: z.number().int(),
    unassigned: z.number().int().openapi({ description: "Open with no one assigned" }),
    waiting_on_agent: z
      .number()
      .int()
      .openapi({ description: "Open, the customer's message the last one" }),
    agents_online: z.number().int(),
  })
  .openapi("OverviewReport");

export const RebuildRequest = z.strictObject({
  dry_run: z.boolean().default(false).openapi({ description: "Compare only; change nothing" }),
});

const CounterValue = z.object({ count: z.number().int(), seconds: z.number().int() });

export const RebuildResult = z
  .object({
    counters: z.number().int().openapi({ description: "Counters the recompute gives" }),
    differing: z.number().int().openapi({ description: "Counters kept that differ from it" }),
    differences: z.array(
      z.object({
        metric: z.string(),
        dimension: z.string(),
        hour: z.string(),
        bucket: z.number().int(),
        kept: CounterValue,
        recomputed: CounterValue,
      }),
    ),
    rebuilt: z.boolean(),
  })
  .openapi("RollupRebuild");
