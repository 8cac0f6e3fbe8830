import type { FieldErrors } from "../../shared/ui";
import type {
  Automation,
  Condition,
  Conditions,
  Draft,
  Frequency,
  Step,
  StepType,
  Trigger,
  TriggerType,
} from "./api";

export const TRIGGER_TYPES: TriggerType[] = [
  "message.received",
  "conversation.opened",
  "conversation.closed",
  "conversation.assigned",
  "contact.created",
  "contact.tag_added",
  "contact.tag_removed",
  "contact.field_changed",
  "broadcast.replied",
  "csat.answered",
  "webhook",
  "schedule",
  "manual",
];

/** Step types in the order the "add step" menu offers them, grouped by what they touch. */
export const STEP_GROUPS: { group: string; types: StepType[] }[] = [
  { group: "message", types: ["send_message", "ask", "add_note"] },
  {
    group: "conversation",
    types: [
      "assign",
      "add_label",
      "open_conversation",
      "close_conversation",
      "snooze_conversation",
    ],
  },
  { group: "contact", types: ["add_tag", "remove_tag", "update_field"] },
  { group: "flow", types: ["branch", "wait", "http_request", "start_automation", "stop", "ai"] },
];

export const CONDITION_TYPES: Condition["type"][] = [
  "field",
  "tag",
  "channel",
  "business_hours",
  "time_of_day",
  "day_of_week",
  "variable",
  "agents_available",
  "customer_replied",
];

export const COMPARISONS = [
  "eq",
  "ne",
  "contains",
  "gt",
  "gte",
  "lt",
  "lte",
  "set",
  "unset",
] as const;

export const FREQUENCIES: Frequency["type"][] = [
  "every_time",
  "once",
  "once_per_day",
  "once_per_week",
  "limit",
];

/** Sunday first, as the API counts weekdays. */
export const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

/** A step id the API keeps (letters, digits, - and _), so a new step is known before it is saved. */
export const newStepId = () =>
  `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

export function defaultTrigger(type: TriggerType): Trigger {
  switch (type) {
    case "message.received":
      return { type, match: "word" };
    case "contact.tag_added":
    case "contact.tag_removed":
      return { type, tag: "" };
    case "contact.field_changed":
      return { type, field: "" };
    case "schedule":
      return { type, cron: "0 9 * * 1-5" };
    default:
      return { type } as Trigger;
  }
}

export function defaultCondition(type: Condition["type"]): Condition {
  switch (type) {
    case "field":
      return { type, field: "", operator: "eq", value: "" };
    case "tag":
      return { type, operator: "has", tag: "" };
    case "channel":
      return { type, channel_ids: [] };
    case "business_hours":
      return { type, state: "open" };
    case "time_of_day":
      return { type, from: "09:00", to: "18:00" };
    case "day_of_week":
      return { type, days: [1, 2, 3, 4, 5] };
    case "variable":
      return { type, name: "", operator: "eq", value: "" };
    case "agents_available":
      return { type, available: false };
    case "customer_replied":
      return { type, replied: false };
  }
}

export const emptyGroup = (): Conditions["groups"][number] => ({
  match: "all",
  rules: [defaultCondition("tag")],
});

export function defaultStep(type: StepType): Step {
  const id = newStepId();
  switch (type) {
    case "send_message":
      return { id, type, text: "" };
    case "add_tag":
    case "remove_tag":
      return { id, type, tag: "" };
    case "add_label":
      return { id, type, label: "" };
    case "update_field":
      return { id, type, field: "", value: "" };
    case "assign":
      return { id, type };
    case "snooze_conversation":
      return { id, type, minutes: 60 };
    case "add_note":
      return { id, type, text: "" };
    case "wait":
      return { id, type, minutes: 60 };
    case "http_request":
      return { id, type, method: "POST", url: "", headers: {}, timeout_seconds: 10 };
    case "start_automation":
      return { id, type, automation_id: "" };
    case "ai":
      return { id, type, task: "classify", categories: [] };
    case "ask":
      return {
        id,
        type,
        question: "",
        answer_type: "text",
        retries: 1,
        timeout_minutes: 60,
        on_answer: [],
        on_timeout: [],
      };
    case "branch":
      return {
        id,
        type,
        branches: [{ name: "", conditions: { match: "all", groups: [emptyGroup()] }, steps: [] }],
        otherwise: [],
      };
    default:
      return { id, type } as Step;
  }
}

export const emptyDraft = (): Draft => ({
  name: "",
  description: null,
  trigger: defaultTrigger("message.received"),
  conditions: { match: "all", groups: [] },
  steps: [],
  timing: { type: "immediately" },
  frequency: { type: "every_time" },
});

export const draftOf = (automation: Automation): Draft => ({
  name: automation.name,
  description: automation.description,
  trigger: automation.trigger,
  conditions: automation.conditions,
  steps: automation.steps,
  timing: automation.timing,
  frequency: automation.frequency,
});

/** Optional text the API must not receive as "" (an empty keyword list, a blank reason …). */
const BLANK_OPTIONALS = ["reason", "save_as", "prompt", "save_to_field", "channel_id", "name"];

function cleanStep(step: Step): Step {
  const out: Record<string, unknown> = { ...step };
  for (const key of BLANK_OPTIONALS) if (out[key] === "") delete out[key];
  if (step.type === "branch")
    return {
      ...(out as Step & { type: "branch" }),
      branches: step.branches.map((b) => ({
        ...b,
        name: b.name || undefined,
        steps: b.steps.map(cleanStep),
      })),
      otherwise: (step.otherwise ?? []).map(cleanStep),
    };
  if (step.type === "ask")
    return {
      ...(out as Step & { type: "ask" }),
      on_answer: (step.on_answer ?? []).map(cleanStep),
      on_timeout: (step.on_timeout ?? []).map(cleanStep),
    };
  return out as Step;
}

function cleanTrigger(trigger: Trigger): Trigger {
  const out: Record<string, unknown> = { ...trigger };
  if (Array.isArray(out.keywords) && out.keywords.length === 0) delete out.keywords;
  if (Array.isArray(out.channel_ids) && out.channel_ids.length === 0) delete out.channel_ids;
  if (out.secret === "") delete out.secret;
  if (out.timezone === "") delete out.timezone;
  return out as Trigger;
}

/** The draft as the API takes it: blank optional values left out. */
export const requestOf = (draft: Draft): Draft => ({
  ...draft,
  description: draft.description?.trim() ? draft.description : null,
  trigger: cleanTrigger(draft.trigger),
  steps: draft.steps.map(cleanStep),
});

/** The error the API gave for exactly this path (`steps.2.team_id`). */
export const errorAt = (errors: FieldErrors, path: string) => errors[path];

/** The errors of one step itself, not of the steps inside it, by what follows its path. */
export function ownErrors(errors: FieldErrors, path: string) {
  const nested = /^(branches|otherwise|on_answer|on_timeout)\./;
  return Object.entries(errors)
    .filter(([key]) => key.startsWith(`${path}.`))
    .map(([key, message]) => ({ field: key.slice(path.length + 1), message }))
    .filter(({ field }) => !nested.test(field) || /^branches\.\d+\.(name|conditions)/.test(field));
}

/** Steps whose lists hold other steps. */
export const holdsSteps = (step: Step) => step.type === "branch" || step.type === "ask";

/** Moves the item at `from` by `by` places (−1 up, +1 down) in a copy of the list. */
export function moved<T>(list: T[], from: number, by: number): T[] {
  const to = from + by;
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

export const replaced = <T>(list: T[], at: number, item: T) =>
  list.map((x, i) => (i === at ? item : x));
export const removed = <T>(list: T[], at: number) => list.filter((_, i) => i !== at);
export const inserted = <T>(list: T[], at: number, item: T) => [
  ...list.slice(0, at),
  item,
  ...list.slice(at),
];
