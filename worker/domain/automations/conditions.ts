import type { Condition, Conditions } from "../../schemas/automation-rules";
import { inWindow, localClock } from "./timing";

type Value = string | number | boolean | null | undefined;

/** What conditions are evaluated against, gathered once per run (or event). */
export type Facts = {
  now: number;
  /** The workspace's timezone: time of day and day of week are read in it. */
  timezone: string;
  fields: Record<string, Value>;
  tags: string[];
  channelId: string | null;
  /** Whether business hours are open now, by id; `workspace` for the workspace's own. */
  hoursOpen: (businessHoursId: string | undefined) => boolean;
  vars: Record<string, unknown>;
  /** Whether an online agent has room, by team id (`""`: any team), for the rules that ask. */
  agentsAvailable: ReadonlyMap<string, boolean>;
  /** When the customer last wrote in the conversation, and when the run started. */
  lastInboundAt: number | null;
  runStartedAt: number | null;
};

/** A saved value by dotted path (`order.body.status`), reading own properties only. */
export function readPath(vars: Record<string, unknown>, path: string): unknown {
  let node: unknown = vars;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const asNumber = (value: unknown) =>
  typeof value === "number"
    ? value
    : typeof value === "string" && value.trim() !== ""
      ? Number(value)
      : Number.NaN;

/** The comparison operators fields and saved values share (`eq` compares text case-insensitively). */
export function compare(operator: string, actual: unknown, expected: Value): boolean {
  const isSet = actual !== undefined && actual !== null && actual !== "";
  if (operator === "set") return isSet;
  if (operator === "unset") return !isSet;
  if (!isSet || expected === undefined || expected === null) return false;
  const text = (v: unknown) => String(v).toLowerCase();
  switch (operator) {
    case "eq":
      return text(actual) === text(expected);
    case "ne":
      return text(actual) !== text(expected);
    case "contains":
      return text(actual).includes(text(expected));
  }
  const [a, b] = [asNumber(actual), asNumber(expected)];
  const comparable = !Number.isNaN(a) && !Number.isNaN(b);
  // dates as YYYY-MM-DD compare as text
  const [x, y]: [number | string, number | string] = comparable
    ? [a, b]
    : [String(actual), String(expected)];
  if (operator === "gt") return x > y;
  if (operator === "gte") return x >= y;
  if (operator === "lt") return x < y;
  if (operator === "lte") return x <= y;
  return false;
}

export function ruleHolds(rule: Condition, facts: Facts): boolean {
  switch (rule.type) {
    case "field":
      return compare(rule.operator, facts.fields[rule.field], rule.value);
    case "tag": {
      const has = facts.tags.includes(rule.tag.toLowerCase());
      return rule.operator === "has" ? has : !has;
    }
    case "channel":
      return facts.channelId !== null && rule.channel_ids.includes(facts.channelId);
    case "business_hours":
      return facts.hoursOpen(rule.business_hours_id) === (rule.state === "open");
    case "time_of_day":
      return inWindow(localClock(facts.now, facts.timezone).minutes, rule.from, rule.to);
    case "day_of_week":
      return rule.days.includes(localClock(facts.now, facts.timezone).day);
    case "variable":
      return compare(rule.operator, readPath(facts.vars, rule.name), rule.value);
    case "agents_available":
      return (facts.agentsAvailable.get(rule.team_id ?? "") ?? false) === rule.available;
    case "customer_replied": {
      const replied =
        facts.lastInboundAt !== null &&
        facts.runStartedAt !== null &&
        facts.lastInboundAt > facts.runStartedAt;
      return replied === rule.replied;
    }
  }
}

/** Groups joined by `match`, each group's rules by its own `match`; no groups always hold. */
export function conditionsHold(conditions: Conditions, facts: Facts): boolean {
  if (conditions.groups.length === 0) return true;
  const groupHolds = (group: Conditions["groups"][number]) =>
    group.match === "all"
      ? group.rules.every((rule) => ruleHolds(rule, facts))
      : group.rules.some((rule) => ruleHolds(rule, facts));
  return conditions.match === "all"
    ? conditions.groups.every(groupHolds)
    : conditions.groups.some(groupHolds);
}
