import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import type { Me } from "../me";

type Schemas = components["schemas"];
export type Automation = Schemas["Automation"];
export type AutomationStatus = Automation["status"];
export type Trigger = Schemas["AutomationTrigger"];
export type TriggerType = Trigger["type"];
export type Conditions = Schemas["AutomationConditions"];
export type ConditionGroup = Conditions["groups"][number];
export type Condition = Schemas["AutomationCondition"];
export type Step = Schemas["AutomationStep"];
export type StepType = Step["type"];
export type Timing = Schemas["AutomationTiming"];
export type Frequency = Schemas["AutomationFrequency"];
export type Stats = Schemas["AutomationStats"];
export type ListedAutomation = Schemas["AutomationListItem"];
export type Run = Schemas["AutomationRun"];
export type RunStatus = Run["status"];
export type RunWithSteps = Schemas["AutomationRunWithSteps"];
export type RunStep = Schemas["AutomationRunStep"];
export type Team = Schemas["Team"];
export type Member = Schemas["User"];
export type Channel = Schemas["Channel"];
export type Snippet = Schemas["Snippet"];
export type ContactField = Schemas["ContactField"];
export type Label = Schemas["Label"];
export type Contact = Schemas["Contact"];

/** What the editor holds and saves: an automation as the create request takes it. */
export type Draft = {
  name: string;
  description: string | null;
  trigger: Trigger;
  conditions: Conditions;
  steps: Step[];
  timing: Timing;
  frequency: Frequency;
};

export const RUN_STATUSES: RunStatus[] = [
  "running",
  "waiting",
  "completed",
  "failed",
  "stopped",
  "limited",
];

const base = "/api/v1/automations";

/** Supervisors and up read automations (and their run log); admins and owners change them. */
export const canReadAutomations = (me: Me) =>
  me.role === "owner" || me.role === "admin" || me.role === "supervisor";
export const canEditAutomations = (me: Me) => me.role === "owner" || me.role === "admin";

/** Every automation, each with its runs of the last 7 days. */
export const listAutomations = () =>
  request<{ data: ListedAutomation[] }>(base).then((answer) => answer.data);
/** The active automations an agent starts by hand (trigger `manual`). */
export const listManualAutomations = () =>
  request<{ data: ListedAutomation[] }>(`${base}?trigger=manual&status=active`).then(
    (answer) => answer.data,
  );
export const getAutomation = (id: string) => request<Automation>(`${base}/${id}`);
export const automationStats = (id: string) => request<Stats>(`${base}/${id}/stats`);
export const createAutomation = (draft: Draft) =>
  request<Automation>(base, { method: "POST", json: draft });
export const saveAutomation = (id: string, patch: Partial<Draft>) =>
  request<Automation>(`${base}/${id}`, { method: "PATCH", json: patch });
export const deleteAutomation = (id: string) => request(`${base}/${id}`, { method: "DELETE" });
export const duplicateAutomation = (id: string) =>
  request<Automation>(`${base}/${id}/duplicate`, { method: "POST" });
export const activateAutomation = (id: string) =>
  request<Automation>(`${base}/${id}/activate`, { method: "POST" });
export const rotateWebhookUrl = (id: string) =>
  request<Automation>(`${base}/${id}/webhook-token/rotate`, { method: "POST" });
export const pauseAutomation = (id: string, running: "finish" | "stop") =>
  request<Automation>(`${base}/${id}/deactivate`, { method: "POST", json: { running } });

/** `from` and `to` are days (yyyy-mm-dd) on the agent's clock; `to` includes its whole day. */
export type RunFilter = { status: RunStatus | ""; contactId: string; from: string; to: string };

const startOfDay = (day: string, later = 0) => {
  const d = new Date(`${day}T00:00`);
  d.setDate(d.getDate() + later);
  return d.toISOString();
};

export function listRuns(id: string, filter: RunFilter, cursor: string | null) {
  const params = new URLSearchParams({ limit: "25" });
  if (filter.status) params.set("status", filter.status);
  if (filter.contactId) params.set("contact_id", filter.contactId);
  if (filter.from) params.set("started_from", startOfDay(filter.from));
  if (filter.to) params.set("started_to", startOfDay(filter.to, 1));
  if (cursor) params.set("cursor", cursor);
  return request<{ data: Run[]; next_cursor: string | null }>(`${base}/${id}/runs?${params}`);
}
export const startRunFor = (id: string, conversationId: string) =>
  request<RunWithSteps>(`${base}/${id}/runs`, {
    method: "POST",
    json: { conversation_id: conversationId },
  });
export const getRun = (id: string) => request<RunWithSteps>(`/api/v1/automation-runs/${id}`);
export const retryRun = (id: string) =>
  request<RunWithSteps>(`/api/v1/automation-runs/${id}/retry`, { method: "POST" });

/** Everything a step or rule may name, for the editor's pickers. */
export type References = {
  teams: Team[];
  members: Member[];
  channels: Channel[];
  snippets: Snippet[];
  fields: ContactField[];
  labels: Label[];
  automations: Automation[];
};

const dataOf = <T>(url: string) =>
  request<{ data: T[] }>(url)
    .then((answer) => answer.data)
    .catch(() => [] as T[]);

export async function loadReferences(): Promise<References> {
  const [teams, members, channels, snippets, fields, labels, automations] = await Promise.all([
    dataOf<Team>("/api/v1/teams"),
    dataOf<Member>("/api/v1/users"),
    dataOf<Channel>("/api/v1/channels"),
    dataOf<Snippet>("/api/v1/snippets"),
    dataOf<ContactField>("/api/v1/contact-fields"),
    dataOf<Label>("/api/v1/labels"),
    dataOf<Automation>(base),
  ]);
  return { teams, members, channels, snippets, fields, labels, automations };
}

export const getContact = (id: string) => request<Contact>(`/api/v1/contacts/${id}`);
