import { z } from "@hono/zod-openapi";
import { AI_FEATURES, CONTACT_SOURCES, HANDOFF_BY } from "../db/schema";

const LocalDate = z.iso.date().openapi({ example: "2026-11-01" });
const Count = z.number().int();

/** The range a report covers and the same number of days before it, to compare with. */
const reportWith = <T extends z.ZodType>(totals: T) => ({
  from: LocalDate,
  to: LocalDate,
  timezone: z.string(),
  totals,
  previous: z
    .object({ from: LocalDate, to: LocalDate, totals })
    .openapi({ description: "The same number of days just before, to compare with" }),
});

const BroadcastFigures = {
  recipients: Count.openapi({ description: "Contacts in the send ledger, excluded ones too" }),
  sent: Count,
  delivered: Count,
  read: Count,
  replied: Count,
  clicked: Count.openapi({ description: "Recipients who opened one of the message's links" }),
  failed: Count,
  opted_out: Count.openapi({ description: "Excluded because they had opted out" }),
};

export const BroadcastsReport = z
  .object({
    ...reportWith(z.object({ runs: Count, ...BroadcastFigures })),
    broadcasts: z.array(
      z.object({
        broadcast_id: z.string(),
        name: z.string(),
        channel_id: z.string(),
        runs: Count.openapi({ description: "Its runs started in the range" }),
        first_started_at: z.iso.datetime(),
        ...BroadcastFigures,
      }),
    ),
  })
  .openapi("BroadcastsReport");

const AutomationFigures = z.object({
  runs: Count,
  completed: Count,
  failed: Count,
  stopped: Count,
  limited: Count.openapi({ description: "Stopped by the workspace's limits" }),
  in_progress: Count.openapi({ description: "Still running or waiting" }),
  messages_sent: Count,
});

export const AutomationsReport = z
  .object({
    ...reportWith(AutomationFigures),
    automations: z.array(AutomationFigures.extend({ automation_id: z.string(), name: z.string() })),
  })
  .openapi("AutomationsReport");

const Tokens = {
  calls: Count.openapi({ description: "Calls the provider answered" }),
  failed_calls: Count.openapi({
    description:
      "Calls that got no answer (timeout, provider error, budget), while the call log keeps them",
  }),
  prompt_tokens: Count,
  completion_tokens: Count,
  total_tokens: Count,
};

export const AiReport = z
  .object({
    ...reportWith(
      z.object({
        answers: Count.openapi({ description: "The assistant's answers to customers" }),
        handoffs: Count.openapi({ description: "Conversations the assistant handed to people" }),
        resolved: Count.openapi({ description: "Conversations the assistant settled" }),
        ...Tokens,
      }),
    ),
    handoffs_by: z
      .record(z.enum(HANDOFF_BY), Count)
      .openapi({ description: "Handoffs by who ended the assistant's part" }),
    features: z.array(z.object({ feature: z.enum(AI_FEATURES), ...Tokens })),
  })
  .openapi("AiReport");

const BySource = z.partialRecord(z.enum(CONTACT_SOURCES), Count).openapi("ContactSources", {
  description:
    "New contacts by where they came from: the kind of channel they first wrote on, or `api`, `import`, `manual`; sources with none left out",
});

const ContactFigures = z.object({ new_contacts: Count, by_source: BySource });

export const ContactsReport = z
  .object({
    ...reportWith(ContactFigures),
    series: z.array(ContactFigures.extend({ period: LocalDate })),
  })
  .openapi("ContactsReport");
