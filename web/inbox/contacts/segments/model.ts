import type { ContactField } from "../api";
import type { Channel, SegmentRule, SegmentRules } from "./api";

/** What the rule inputs offer: the workspace's contact fields, channels and tags. */
export type Refs = { fields: ContactField[]; channels: Channel[]; tags: string[] };

type FieldRule = Extract<SegmentRule, { type: "field" }>;
type FieldOperator = FieldRule["operator"];

export const RULE_TYPES: SegmentRule["type"][] = [
  "tag",
  "field",
  "channel_kind",
  "channel",
  "consent",
  "last_activity",
  "created",
  "language",
  "timezone",
];

export const CONSENT_CHANNELS = [
  "webchat",
  "whatsapp",
  "messenger",
  "instagram",
  "telegram",
  "sms",
  "email",
  "custom",
  "web_push",
] as const;

/** The operators the API takes for each type of contact field, the likeliest first. */
export const FIELD_OPERATORS: Record<ContactField["type"], FieldOperator[]> = {
  text: ["eq", "ne", "contains", "set", "unset"],
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "set", "unset"],
  date: ["before", "after", "within_last", "eq", "set", "unset"],
  boolean: ["eq"],
  select: ["eq", "ne", "in", "set", "unset"],
};

/** A new rule of a kind, filled with the first field or channel there is. */
export function defaultRule(type: SegmentRule["type"], refs: Refs): SegmentRule {
  switch (type) {
    case "tag":
      return { type, operator: "has_any", tags: [] };
    case "field": {
      const field = refs.fields[0];
      const rule: FieldRule = {
        type,
        field: field?.key ?? "",
        operator: field ? (FIELD_OPERATORS[field.type][0] ?? "eq") : "eq",
      };
      return valueAfter(rule, field);
    }
    case "channel_kind":
      return { type, operator: "has", kind: "whatsapp" };
    case "channel":
      return { type, operator: "has", channel_id: refs.channels[0]?.id ?? "" };
    case "consent":
      return { type, channel: "whatsapp", status: "opted_in" };
    case "last_activity":
      return { type, operator: "within", days: 30 };
    case "created":
      return { type, operator: "within_last", days: 30 };
    case "language":
    case "timezone":
      return { type, operator: "in", values: [] };
  }
}

/** The rule with a value its field and operator can take (a yes/no starts at no, a list empty). */
export function valueAfter(rule: FieldRule, field: ContactField | undefined): FieldRule {
  const { value: _, ...rest } = rule;
  if (rule.operator === "set" || rule.operator === "unset") return rest;
  if (rule.operator === "in") return { ...rest, value: [] };
  if (rule.operator === "within_last") return { ...rest, value: 30 };
  if (field?.type === "boolean") return { ...rest, value: false };
  return rest;
}

export const emptyRules = (): SegmentRules => ({ match: "all", groups: [] });

/** Rules without the half-typed parts the API would refuse anyway (an empty date, a blank value). */
export function previewable(rules: SegmentRules): boolean {
  return rules.groups.every((group) => group.rules.every(complete));
}

function complete(rule: SegmentRule): boolean {
  switch (rule.type) {
    case "tag":
      return rule.tags.length > 0;
    case "field":
      return (
        rule.field !== "" &&
        (rule.operator === "set" ||
          rule.operator === "unset" ||
          (rule.value !== undefined && (!Array.isArray(rule.value) || rule.value.length > 0)))
      );
    case "channel":
      return rule.channel_id !== "";
    case "created":
      return rule.operator === "within_last" ? rule.days !== undefined : Boolean(rule.date);
    case "language":
    case "timezone":
      return rule.values.length > 0;
    default:
      return true;
  }
}

/** A field filter of the contacts list ("plan:eq:gold") as a segment rule, if one says the same. */
function ruleOfFilter(filter: string, fields: ContactField[]): SegmentRule | null {
  const [key = "", op = "", ...rest] = filter.split(":");
  const field = fields.find((f) => f.key === key);
  if (!field) return null;
  const text = rest.join(":");
  if (op === "set" || op === "unset") return { type: "field", field: key, operator: op };
  const dated = { gt: "after", lt: "before", eq: "eq" } as const;
  const operator = field.type === "date" ? dated[op as keyof typeof dated] : (op as FieldOperator);
  if (!operator || !FIELD_OPERATORS[field.type].includes(operator)) return null;
  const value =
    field.type === "number" ? Number(text) : field.type === "boolean" ? text === "true" : text;
  return { type: "field", field: key, operator, value };
}

/** The contacts list's tag and field filters as one group of segment rules; null if one won't map. */
export function rulesOfFilters(
  tag: string,
  filters: string[],
  fields: ContactField[],
): SegmentRules | null {
  const rules: SegmentRule[] = tag ? [{ type: "tag", operator: "has_any", tags: [tag] }] : [];
  for (const filter of filters) {
    const rule = ruleOfFilter(filter, fields);
    if (!rule) return null;
    rules.push(rule);
  }
  return rules.length ? { match: "all", groups: [{ match: "all", rules }] } : null;
}
